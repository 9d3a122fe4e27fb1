import { describe, expect, it } from 'vitest';
import { secretKey, testCollector, type TestCollector } from '../testing/collector.ts';
import { b2bStageModel } from './stages.ts';
import { januaryDay, pageView, testId, trackCall } from '../testing/events.ts';

const day = januaryDay;
const id = testId;
const page = pageView;
const track = trackCall;

/**
 * Ann finds Northwind through Google, comes back from the newsletter and signs up, requests a
 * demo a week later from a LinkedIn ad, and buys; Ben, her colleague, reads the docs once.
 */
async function annAndBen(collector: TestCollector) {
  const ann = 'ann-laptop';
  const ben = 'ben-laptop';
  const batch = [
    page(ann, day(0), '/', { page: { url: 'https://www.northwind.io/', path: '/', referrer: 'https://www.google.com/' } }),
    page(ann, day(0, 10), '/pricing', { campaign: { source: 'newsletter', medium: 'email', name: 'jan' } }),
    track(ann, day(0, 10), 'Signed Up', { context: { campaign: { source: 'newsletter', medium: 'email', name: 'jan' }, page: { url: 'https://www.northwind.io/signup', path: '/signup' } } }),
    { type: 'identify', messageId: id('identify'), anonymousId: ann, userId: 'u-ann', timestamp: day(0, 10), traits: { email: 'ann@northwind.io' } },
    { type: 'group', messageId: id('group'), anonymousId: ann, userId: 'u-ann', timestamp: day(0, 10), groupId: 'northwind', traits: { name: 'Northwind', domain: 'northwind.io' } },
    page(ann, day(7), '/demo', { clickIds: { li_fat_id: 'x1' } }),
    track(ann, day(7), 'Demo Requested', { context: { clickIds: { li_fat_id: 'x1' }, groupId: 'northwind' } }),
    track(ann, day(12), 'Order Completed', { userId: 'u-ann', properties: { revenue: 1200 }, context: { groupId: 'northwind' } }),
    page(ben, day(3), '/docs/start', { groupId: 'northwind' }),
    { type: 'identify', messageId: id('identify'), anonymousId: ben, userId: 'u-ben', timestamp: day(3), traits: { email: 'ben@northwind.io' } },
  ];
  const response = await collector.post('/v1/batch', { batch });
  expect((await response.json()).accepted).toBe(batch.length);
}

const read = async (collector: TestCollector, path: string) => {
  const response = await collector.app.request(path, { headers: { Authorization: `Bearer ${secretKey}` } });
  return { status: response.status, body: await response.json() };
};

describe('GET /v1/persons/:ref/journey', () => {
  it("shows a person's touchpoints by channel, the stage after each, and the days from first touch to purchase", async () => {
    const collector = await testCollector();
    await annAndBen(collector);
    const { status, body } = await read(collector, '/v1/persons/ann@northwind.io/journey');
    expect(status).toBe(200);
    expect(body.touchpoints.map((t: any) => [t.kind, t.name, t.channel, t.stage, t.entered ?? []])).toEqual([
      ['session', '/', 'Organic Search', 'awareness', ['awareness']],
      ['session', '/pricing', 'Email', 'consideration', ['consideration']],
      ['event', 'Signed Up', 'Email', 'consideration', []],
      ['session', '/demo', 'Paid Social', 'consideration', []],
      ['event', 'Demo Requested', 'Paid Social', 'consideration', []],
      ['session', '/app', 'Direct', 'consideration', []],
      ['event', 'Order Completed', 'Direct', 'purchase', ['purchase']],
    ]);
    expect(body.stage).toBe('purchase');
    expect(body.stages.map((s: any) => [s.stage, s.status, s.at])).toEqual([
      ['awareness', 'entered', day(0)],
      ['consideration', 'entered', day(0, 10)],
      ['purchase', 'entered', day(12)],
    ]);
    expect(body.stats).toMatchObject({ touches: 7, sessions: 4, firstTouch: day(0), lastTouch: day(12), daysToPurchase: 12 });
    // Most touches first; ties by name.
    expect(body.stats.channels).toEqual([
      { channel: 'Direct', touches: 2 },
      { channel: 'Email', touches: 2 },
      { channel: 'Paid Social', touches: 2 },
      { channel: 'Organic Search', touches: 1 },
    ]);
    expect(body.truncated).toBe(false);
  });

  it('answers 404 for nobody, and 401 without the secret key', async () => {
    const collector = await testCollector();
    expect((await read(collector, '/v1/persons/nobody@acme.com/journey')).status).toBe(404);
    expect((await collector.app.request('/v1/persons/nobody/journey')).status).toBe(401);
  });

  it('places people in the configured stage model', async () => {
    const collector = await testCollector({ config: { stageModel: b2bStageModel } });
    await annAndBen(collector);
    const { body } = await read(collector, '/v1/persons/u-ann/journey');
    expect(body.model).toEqual(['lead', 'mql', 'sql', 'opportunity', 'customer']);
    expect(body.stage).toBe('customer');
    expect(body.stats.daysToPurchase).toBe(12);
  });
});

describe('GET /v1/accounts/:ref/journey', () => {
  it("merges its people's journeys, credits each touch to its person, and counts them", async () => {
    const collector = await testCollector();
    await annAndBen(collector);
    const { status, body } = await read(collector, '/v1/accounts/northwind/journey');
    expect(status).toBe(200);
    expect(body.stage).toBe('purchase');
    expect(body.stats).toMatchObject({ people: 2, peopleTouched: 2, daysToPurchase: 12 });
    const ben = body.touchpoints.find((t: any) => t.name === '/docs/start');
    expect(ben).toMatchObject({ kind: 'session', channel: 'Direct', stage: 'consideration', accountId: 'northwind' });
    expect(body.touchpoints.filter((t: any) => !t.personId).map((t: any) => t.name)).toEqual([]);
    expect(new Set(body.touchpoints.map((t: any) => t.personId)).size).toBe(2);
  });
});

describe('journeys with imported touchpoints', () => {
  it("merge a CRM's calls and closed deal into the person's and the account's journey", async () => {
    const collector = await testCollector();
    await annAndBen(collector);
    const window = { window: 3_600_000, now: Date.now() };
    await collector.storage.importTouchpoints('default', [
      { source: 'salesforce', externalId: 'call-1', type: 'sales_call', occurredAt: Date.parse(day(8)), email: 'ann@northwind.io', accountId: 'northwind' },
      { source: 'mailchimp', externalId: 'mail-1', type: 'email', occurredAt: Date.parse(day(9)), email: 'ben@northwind.io' },
      { source: 'zoom', externalId: 'web-1', type: 'webinar', occurredAt: Date.parse(day(2)), domain: 'northwind.io', campaign: { source: 'linkedin', medium: 'paid_social', name: 'q1-webinar' } },
    ], window);

    const ann = (await read(collector, '/v1/persons/u-ann/journey')).body;
    const call = ann.touchpoints.find((t: any) => t.kind === 'offline');
    expect(call).toMatchObject({ id: 'salesforce:call-1', name: 'sales_call', channel: 'Offline', stage: 'consideration', at: day(8) });
    expect(ann.stats.touches).toBe(8);

    const ben = (await read(collector, '/v1/persons/u-ben/journey')).body;
    const northwind = (await read(collector, '/v1/accounts/northwind/journey')).body;
    const offline = northwind.touchpoints.filter((t: any) => t.kind === 'offline').map((t: any) => [t.id, t.channel, t.personId ?? null]);
    expect(offline).toEqual([
      // By domain, with nobody named: a webinar the account attended, in the channel that promoted it.
      ['zoom:web-1', 'Paid Social', null],
      ['salesforce:call-1', 'Offline', ann.person],
      // Ben's newsletter: his, so his account's.
      ['mailchimp:mail-1', 'Email', ben.person],
    ]);
  });
});

