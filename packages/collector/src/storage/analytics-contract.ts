import { describe, expect, it } from 'vitest';
import { generate } from '@journey/generator';
import { createCollector } from '../app.ts';
import { opener, type ContractSubject } from './contract.ts';
import type { JourneyStore, Storage } from './port.ts';
import { eventsAt, shuffled, story, t0 } from './story.ts';
import { keptStaging } from '../analytics/kept-staging.ts';
import { stagedOwners, traitKeysOf } from '../analytics/staged-owners.ts';
import { asRead } from '../analytics/testing.ts';
import { b2bStageModel, defaultStageModel } from '../journey/stages.ts';
import { touchpointsOf, type JourneyEvent } from '../journey/touchpoints.ts';
import { eventsPerRead } from './journey/rollup.ts';
import { loggedChanges } from './journey/change-scopes.ts';
import { januaryDay, pageView, testId, trackCall } from '../testing/events.ts';

const writeKey = 'wk_contract_0123456789';
const secretKey = 'sk_contract_0123456789abcdef';
const day = januaryDay;
const range = 'from=2026-01-05&to=2026-01-31';
const id = testId;
const page = pageView;
const track = (device: string, at: string, event: string, path: string, context: Record<string, unknown> = {}) => trackCall(device, at, event, { path, context });
const identify = (device: string, at: string, userId: string, email: string) => ({ type: 'identify', messageId: id('identify'), anonymousId: device, userId, timestamp: at, traits: { email } });
const group = (device: string, at: string, userId: string, groupId: string, traits: Record<string, unknown>) => ({ type: 'group', messageId: id('group'), anonymousId: device, userId, timestamp: at, groupId, traits });

/**
 * January at Northwind's site:
 * - Ann (account northwind: software, 120 people) finds it through Google, comes back from the
 *   newsletter to /pricing and signs up, and buys a week later coming in directly.
 * - Ben, her colleague, lands on the docs directly.
 * - Cleo (account globex: retail, 9000 people) clicks a search ad, comes back to /pricing, signs up;
 *   the CRM's closed deal is imported.
 * - Dan comes from Facebook once and stays anonymous; Eve visited in December only.
 */
const january = () => [
  page('ann-laptop', day(0), '/', { page: { url: 'https://www.northwind.io/', path: '/', referrer: 'https://www.google.com/' } }),
  page('ann-laptop', day(2), '/pricing', { campaign: { source: 'newsletter', medium: 'email', name: 'jan' } }),
  track('ann-laptop', day(2), 'Signed Up', '/pricing', { campaign: { source: 'newsletter', medium: 'email', name: 'jan' } }),
  identify('ann-laptop', day(2), 'u-ann', 'ann@northwind.io'),
  group('ann-laptop', day(2), 'u-ann', 'northwind', { name: 'Northwind', industry: 'Software', employees: 120 }),
  page('ann-laptop', day(10), '/checkout'),
  track('ann-laptop', day(10), 'Order Completed', '/checkout'),
  page('ben-laptop', day(3), '/docs/start'),
  identify('ben-laptop', day(3), 'u-ben', 'ben@northwind.io'),
  group('ben-laptop', day(3), 'u-ben', 'northwind', {}),
  page('cleo-phone', day(1), '/', { campaign: { source: 'google', medium: 'cpc', name: 'brand' }, clickIds: { gclid: 'g-1' } }),
  page('cleo-phone', day(4), '/pricing'),
  identify('cleo-phone', day(4), 'u-cleo', 'cleo@globex.com'),
  group('cleo-phone', day(4), 'u-cleo', 'globex', { name: 'Globex', industry: 'Retail', employees: 9000 }),
  page('dan-tablet', day(5), '/', { page: { url: 'https://www.northwind.io/', path: '/', referrer: 'https://www.facebook.com/' } }),
  page('eve-desktop', '2025-12-20T09:00:00.000Z', '/'),
];

/** The journey store of `storage`, counting how often a site's facts are read whole. */
function countingWholeReads(storage: Storage): { counted: JourneyStore; reads: () => number } {
  let reads = 0;
  const counted: JourneyStore = {
    journeyVersion: (read) => storage.journeyVersion(read),
    journeyChanges: (site, since, read) => storage.journeyChanges(site, since, read),
    scopedJourneyFacts: (site, facts, scope) => storage.scopedJourneyFacts(site, facts, scope),
    journeyFacts: (site, facts, read) => ((reads += 1), storage.journeyFacts(site, facts, read)),
    savedStaging: (site, key) => storage.savedStaging(site, key),
    saveStaging: (site, key, saved) => storage.saveStaging(site, key, saved),
  };
  return { counted, reads: () => reads };
}

/**
 * The aggregate queries through the HTTP API, on every adapter: the funnel, the journey map, paths
 * and attribution, counted by hand from the story above, and kept in step with later events and
 * erasure.
 */
export function analyticsContract(name: string, subject: ContractSubject): void {
  describe(`analytics contract: ${name}`, () => {
    const open = opener(subject);

    async function collector(storage: Storage, { told = true } = {}) {
      const app = createCollector({
        storage,
        config: { writeKeys: [{ key: writeKey, site: 'default', allowedOrigins: '*' }], secretKey, analyticsMaxAge: 0, rateLimit: { perWriteKey: { perSecond: 0, burst: 0 }, perIp: { perSecond: 0, burst: 0 } } },
        log: () => {},
      });
      const send = async (batch: unknown[]) => {
        const response = await app.request('/v1/batch', { method: 'POST', body: JSON.stringify({ batch }), headers: { 'Content-Type': 'application/json', Authorization: `Basic ${btoa(`${writeKey}:`)}` } });
        expect((await response.json()).accepted).toBe(batch.length);
      };
      const get = async (path: string) => {
        const response = await app.request(path, { headers: { Authorization: `Bearer ${secretKey}` } });
        return { status: response.status, body: await response.json() };
      };
      if (!told) return { app, send, get };
      await send(january());
      await storage.importTouchpoints('default', [{ source: 'salesforce', externalId: 'opp-7', type: 'closed_won', occurredAt: Date.parse(day(20)), email: 'cleo@globex.com', accountId: 'globex' }], {
        window: 3_600_000,
        now: Date.parse(day(21)),
      });
      return { app, send, get };
    }

    const reached = (funnel: any) => funnel.stages.map((stage: any) => [stage.stage, stage.reached, stage.conversion, stage.dropOff]);

    it('reads the journey facts as far as the rollup has come, without making it catch up, when asked (the background follower)', async () => {
      const storage = await open();
      const { send } = await collector(storage);
      const facts = { personTraits: [], autoAccounts: false };
      const before = await storage.journeyVersion();
      const held = (await storage.journeyFacts('default', facts)).touchpoints.length;
      const sent = performance.now();
      await send([page('fay-laptop', day(12), '/pricing')]);
      const [version, unsettled, changes] = [await storage.journeyVersion({ settled: false }), await storage.journeyFacts('default', facts, { settled: false }), await storage.journeyChanges('default', before, { settled: false })];
      // The rollup follows a write a second later: read well within that, nothing of it is in.
      if (performance.now() - sent < 800) {
        expect(version).toBe(before);
        expect(unsettled.touchpoints).toHaveLength(held);
        // (Streams it names are those a look-back over late commits may name: none of the new ones.)
        expect(changes).toMatchObject({ version: before, full: false });
        expect(changes.full || changes.streams).not.toContain('fay-laptop');
      }
      // Settled (the default): brought up to date first.
      expect(await storage.journeyVersion()).not.toBe(before);
      expect((await storage.journeyFacts('default', facts)).touchpoints).toHaveLength(held + 1);
    });

    it('counts people and accounts per stage, with conversion, drop-off and the days between stages', async () => {
      const { get } = await collector(await open());
      const { status, body } = await get(`/v1/funnel?${range}`);
      expect(status).toBe(200);
      expect(body.range).toEqual({ from: '2026-01-05T00:00:00.000Z', to: '2026-02-01T00:00:00.000Z' });
      // Eve was not active in January; Dan only saw the home page.
      expect(body.people.cohort).toBe(4);
      expect(reached(body.people)).toEqual([
        ['awareness', 4, null, null],
        ['consideration', 3, 0.75, 1],
        ['purchase', 2, 0.6667, 1],
        ['loyalty', 0, 0, 2],
      ]);
      // Ann two days, Ben at once (landing on the docs), Cleo three days: the median is two.
      expect(body.people.stages[1].medianDaysFromPrevious).toBe(2);
      expect(body.people.frictionPoints[0]).toMatchObject({ from: 'purchase', to: 'loyalty', dropOff: 2 });
      expect(body.accounts.cohort).toBe(2);
      expect(reached(body.accounts)).toEqual([
        ['awareness', 2, null, null],
        ['consideration', 2, 1, 0],
        ['purchase', 2, 1, 0],
        ['loyalty', 0, 0, 2],
      ]);
    });

    it('filters the funnel by channel and by account traits', async () => {
      const { get } = await collector(await open());
      const software = (await get(`/v1/funnel?${range}&account.industry=software`)).body;
      expect(reached(software.people).map((row: any[]) => row[1])).toEqual([2, 2, 1, 0]);
      const large = (await get(`/v1/funnel?${range}&account.employees=1000..`)).body;
      expect(reached(large.accounts).map((row: any[]) => row[1])).toEqual([1, 1, 1, 0]);
      const search = (await get(`/v1/funnel?${range}&channel=Paid%20Search`)).body;
      expect(search.people.cohort).toBe(1);
      expect(search.filters).toEqual({ channel: 'Paid Search' });
    });

    it('draws the journey map: touchpoints and people per stage and channel, and the top touchpoints', async () => {
      const { get } = await collector(await open());
      const { body } = await get(`/v1/journey-map?${range}`);
      const cells = Object.fromEntries(body.cells.map((cell: any) => [`${cell.stage} ${cell.channel}`, [cell.touchpoints, cell.owners]]));
      expect(cells).toEqual({
        'awareness Organic Search': [1, 1],
        'awareness Paid Search': [1, 1],
        'awareness Organic Social': [1, 1],
        'consideration Email': [2, 1],
        'consideration Direct': [3, 3],
        'purchase Direct': [1, 1],
        'purchase Offline': [1, 1],
      });
      expect(body.stages.map((stage: any) => [stage.stage, stage.touchpoints, stage.owners])).toEqual([
        ['awareness', 3, 3],
        ['consideration', 5, 3],
        ['purchase', 2, 2],
        ['loyalty', 0, 0],
      ]);
      expect(body.top.purchase.map((top: any) => top.name).sort()).toEqual(['Order Completed', 'closed_won']);
      const accounts = (await get(`/v1/journey-map?${range}&by=account`)).body;
      // Dan belongs to no account: his visit is on no account's map.
      expect(accounts.stages.reduce((sum: number, stage: any) => sum + stage.touchpoints, 0)).toBe(9);
    });

    it('finds the channel and page paths to a conversion', async () => {
      const { get } = await collector(await open());
      const { body } = await get(`/v1/paths?${range}`);
      expect(body.conversion).toBe('purchase');
      expect(body.conversions).toBe(2);
      expect(body.channels.map((path: any) => [path.path, path.conversions, path.share])).toEqual([
        [['Organic Search', 'Email', 'Direct'], 1, 0.5],
        [['Paid Search', 'Direct'], 1, 0.5],
      ]);
      expect(body.pages.map((path: any) => path.path)).toEqual([
        ['/', '/pricing'],
        ['/', '/pricing', '/checkout'],
      ]);
    });

    it('credits channels for conversions by each model, every conversion summing to one', async () => {
      const { get } = await collector(await open());
      const credit = (body: any) => Object.fromEntries(body.byChannel.map((row: any) => [row.key, row.parts]));
      const first = (await get(`/v1/attribution?${range}&model=first`)).body;
      expect(first).toMatchObject({ model: 'first', conversion: 'purchase', conversions: 2, unattributed: 0 });
      expect(credit(first)).toEqual({ 'Organic Search': 1_000_000, 'Paid Search': 1_000_000 });
      // Ann's five touchpoints a fifth each; Cleo's three a third each, the odd part to her first.
      const linear = (await get(`/v1/attribution?${range}&model=linear`)).body;
      expect(credit(linear)).toEqual({ Direct: 400_000 + 333_333, Email: 400_000, 'Paid Search': 333_334, Offline: 333_333, 'Organic Search': 200_000 });
      const signUps = (await get(`/v1/attribution?${range}&model=last&conversion=Signed%20Up`)).body;
      expect(signUps).toMatchObject({ conversion: 'Signed Up', conversions: 1 });
      expect(credit(signUps)).toEqual({ Email: 1_000_000 });
    });

    it('lists accounts and people with their stage, touches and last activity, searchable', async () => {
      const { get } = await collector(await open());
      const accounts = (await get('/v1/accounts')).body;
      expect(accounts.total).toBe(2);
      // Globex's deal closed on the 21st, after Ann's order on the 11th: most recent first.
      expect(accounts.accounts).toMatchObject([
        { id: 'globex', name: 'Globex', stage: 'purchase', people: 1, lastActivity: new Date(Date.parse(day(20))).toISOString() },
        { id: 'northwind', name: 'Northwind', stage: 'purchase', people: 2, lastActivity: new Date(Date.parse(day(10))).toISOString() },
      ]);
      expect((await get('/v1/accounts?q=NORTH')).body.accounts.map((row: any) => row.id)).toEqual(['northwind']);
      expect((await get('/v1/accounts?stage=awareness')).body.total).toBe(0);

      const ann = (await get('/v1/persons?q=ann@northwind.io')).body;
      expect(ann).toMatchObject({ total: 1, persons: [{ email: 'ann@northwind.io', account: 'northwind', stage: 'purchase', channels: 3 }] });
      expect((await get('/v1/persons?account=globex')).body.persons.map((row: any) => row.email)).toEqual(['cleo@globex.com']);
      const everyone = (await get('/v1/persons?limit=2')).body;
      expect(everyone.persons).toHaveLength(2);
      expect(everyone.total).toBe(5);
      expect((await get('/v1/persons?limit=0')).status).toBe(400);
    });

    it('exports the events as NDJSON that resumes from any line, and the people and accounts as CSV', async () => {
      const { get, app } = await collector(await open());
      const download = async (path: string) => (await app.request(path, { headers: { Authorization: `Bearer ${secretKey}` } })).text();
      const lines = (await download('/v1/export/events'))
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line));
      const stored = (await get('/v1/events?limit=1000')).body.events;
      expect(lines.map((line) => line.event)).toEqual(stored);
      const resumed = (await download(`/v1/export/events?cursor=${lines[4].cursor}`)).trim().split('\n');
      expect(resumed.map((line) => JSON.parse(line).event)).toEqual(stored.slice(5));

      const people = (await download('/v1/export/people.csv')).trim().split('\r\n');
      expect(people[0]).toBe('person_id,emails,user_ids,devices,account,stage,touches,first_seen,last_touch');
      const ann = people.find((row) => row.includes('ann@northwind.io'))!.split(',');
      expect(ann.slice(1, 7)).toEqual(['ann@northwind.io', 'u-ann', '1', 'northwind', 'purchase', '5']);
      const accounts = (await download('/v1/export/accounts.csv')).trim().split('\r\n');
      expect(accounts[0]).toBe('account_id,name,domain,stage,people,touches,first_seen,last_seen,traits');
      expect(accounts.slice(1).map((row) => row.split(',').slice(0, 6))).toEqual([
        ['globex', 'Globex', '', 'purchase', '1', '3'],
        ['northwind', 'Northwind', '', 'purchase', '2', '6'],
      ]);
    });

    it('follows later events and erasure', async () => {
      const storage = await open();
      const { send, get } = await collector(storage);
      expect((await get(`/v1/funnel?${range}`)).body.people.stages[1].reached).toBe(3);
      // Dan comes back to the pricing page, late and from another tab.
      await send([page('dan-tablet', day(6), '/pricing', { campaign: { source: 'newsletter', medium: 'email', name: 'feb' } })]);
      expect((await get(`/v1/funnel?${range}`)).body.people.stages[1].reached).toBe(4);
      await storage.erasePerson('default', 'u-ann');
      const after = (await get(`/v1/funnel?${range}`)).body;
      expect(reached(after.people).map((row: any[]) => row[1])).toEqual([3, 3, 1, 0]);
      expect((await get(`/v1/attribution?${range}&model=first`)).body.byChannel.map((row: any) => row.key)).toEqual(['Paid Search']);
    });

    it('derives the same touchpoints whatever order events arrive in and whenever the rollup follows them', { timeout: 60_000 }, async () => {
      const dataset = generate({ seed: 11, people: 12, accounts: 2 });
      const events = [...dataset.batches(500)].flat();
      const inOrder = await collector(await open());
      await inOrder.send(events);
      // Shuffled (a fixed permutation), in small batches, the rollup following after each.
      const shuffled = events.map((event, index) => ({ event, key: (index * 7919) % events.length })).sort((a, b) => a.key - b.key).map(({ event }) => event);
      const storage = await open();
      const late = await collector(storage);
      for (let start = 0; start < shuffled.length; start += 40) {
        await late.send(shuffled.slice(start, start + 40));
        await storage.journeyVersion();
      }
      for (const path of [`/v1/journey-map?from=2025-01-01&to=2026-12-31`, `/v1/funnel?from=2025-01-01&to=2026-12-31`, `/v1/attribution?from=2025-01-01&to=2026-12-31&model=linear`]) {
        const [{ asOf: _a, ...expected }, { asOf: _b, ...found }] = [(await inOrder.get(path)).body, (await late.get(path)).body];
        expect(found, path).toEqual(expected);
      }
      expect((await late.get(`/v1/journey-map?from=2025-01-01&to=2026-12-31`)).body.cells.length).toBeGreaterThan(3);
    });

    it('derives a device busy for hours the same, however its visits arrive', async () => {
      const at = (minutes: number) => new Date(Date.UTC(2026, 0, 8, 8) + minutes * 60_000).toISOString();
      // A page every 20 minutes from 08:00 to 14:00, back through an ad at 11:00: two sessions.
      const busy = Array.from({ length: 19 }, (_, i) => page('busy', at(i * 20), `/p${i}`, i === 9 ? { campaign: { source: 'google', medium: 'cpc', name: 'b' } } : {}));
      const sessions = async (of: Storage) =>
        (await of.journeyFacts('default', { personTraits: [], autoAccounts: false })).touchpoints
          .filter((t) => /^\/p\d+$/.test(t.name))
          .sort((a, b) => a.at - b.at)
          .map((t) => [t.name, t.channel, t.at]);
      const whole = await open();
      await (await collector(whole)).send(busy);
      const expected = await sessions(whole);
      expect(expected.map(([name, channel]) => [name, channel])).toEqual([
        ['/p0', 'Direct'],
        ['/p9', 'Paid Search'],
      ]);

      const storage = await open();
      const { send } = await collector(storage);
      await send([...busy.slice(0, 4), ...busy.slice(5, 18)]);
      await storage.journeyVersion();
      // 14:00 comes: its session reaches back past what one read covers (two hours).
      await send([busy[18]]);
      await storage.journeyVersion();
      // 09:20 is missing: a 40-minute gap.
      expect((await sessions(storage)).map(([name]) => name)).toEqual(['/p0', '/p5', '/p9']);
      await send([busy[4]]);
      await storage.journeyVersion();
      expect(await sessions(storage)).toEqual(expected);
    });

    it('derives a device with a long history in parts as it would in one read', { timeout: 60_000 }, async () => {
      const at = (seconds: number) => new Date(Date.UTC(2026, 0, 12) + seconds * 1000).toISOString();
      // A crawler: a page every 20 s, more events than one read holds; one pause of an hour, a
      // newsletter landing, key events here and there, and the last session running across the
      // parts the first build reads.
      const crawler = Array.from({ length: eventsPerRead + 700 }, (_, i) => {
        const seconds = i * 20 + (i >= 400 ? 3_600 : 0);
        if (i % 450 === 449) return track('crawler', at(seconds), 'Signed Up', `/p${i}`);
        return page('crawler', at(seconds), `/p${i}`, i === 400 ? { campaign: { source: 'newsletter', medium: 'email', name: 'feb' } } : {});
      });
      const storage = await open();
      const { send } = await collector(storage, { told: false });
      for (let start = 0; start < crawler.length; start += 500) await send(crawler.slice(start, start + 500));
      await storage.journeyVersion();
      const shape = (t: { id: string; kind: string; at: number; name: string; channel: string; campaign: string }) => [t.id, t.kind, t.at, t.name, t.channel, t.campaign];
      const found = (await storage.journeyFacts('default', { personTraits: [], autoAccounts: false })).touchpoints.map(shape);
      const expected = touchpointsOf(crawler as unknown as JourneyEvent[]).touchpoints.map(shape);
      expect(expected.filter(([, kind]) => kind === 'session')).toHaveLength(2);
      expect(found.sort()).toEqual(expected.sort());
    });

    it('extends devices’ sessions event by event as deriving them whole would, landings that change late included', { timeout: 60_000 }, async () => {
      const at = (minutes: number) => new Date(Date.UTC(2026, 0, 9, 8) + minutes * 60_000).toISOString();
      const newsletter = { campaign: { source: 'newsletter', medium: 'email', name: 'jan' } };
      const identifyAt = (minutes: number, context: Record<string, unknown>) => ({ ...identify('kiosk', at(minutes), 'u-kim', 'kim@northwind.io'), context });
      // One device's morning, each event arriving after the ones before it unless marked late.
      const morning = [
        identifyAt(0, newsletter), // the campaign arrives before the visit's first page view
        page('kiosk', at(1), '/pricing', newsletter),
        track('kiosk', at(2), 'Signed Up', '/pricing', newsletter),
        track('kiosk', at(40), 'Demo Requested', '/demo'), // a visit that starts with a key event …
        page('kiosk', at(41), '/demo', { page: { url: 'https://www.northwind.io/demo', path: '/demo', referrer: 'https://www.linkedin.com/' } }), // … lands after it
        page('kiosk', at(45), '/', { clickIds: { gclid: 'g-9' } }), // back through an ad
        track('kiosk', at(46), 'Order Completed', '/checkout', { clickIds: { gclid: 'g-9' } }),
        page('kiosk', at(200), '/docs'),
        page('kiosk', at(199), '/late'), // late: the visit from 11:20 began with it
        track('kiosk', at(201), 'Referral Sent', '/docs'),
        page('kiosk', at(203), '/docs/api'),
        track('kiosk', at(202), 'Webinar Registered', '/docs'), // late, inside the open visit
      ];
      const dataset = generate({ seed: 5, people: 6, accounts: 2 });
      const generated = [...dataset.batches(500)].flat().sort((a: any, b: any) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
      // The story each collector starts with has ids of its own: only this morning and the generated people.
      const told = new Set(january().map((event) => event.anonymousId));
      const touchpoints = async (of: Storage) =>
        (await of.journeyFacts('default', { personTraits: [], autoAccounts: false })).touchpoints
          .filter((t) => !told.has(t.stream))
          .map((t) => JSON.stringify(t))
          .sort();

      const whole = await open();
      await (await collector(whole)).send([...morning, ...generated]);
      const expected = await touchpoints(whole);
      expect(expected.filter((t) => t.includes('"name":"/demo"'))).toHaveLength(1);

      const storage = await open();
      const { send } = await collector(storage);
      for (const event of morning) {
        await send([event]);
        await storage.journeyVersion();
      }
      for (let start = 0, size = 1; start < generated.length; start += size, size = (size % 7) + 1) {
        await send(generated.slice(start, start + size));
        await storage.journeyVersion();
      }
      expect(await touchpoints(storage)).toEqual(expected);
    });

    it('keeps people and accounts staged through every change as staging them whole would', { timeout: 60_000 }, async () => {
      const storage = await open();
      const { send } = await collector(storage);
      const model = b2bStageModel;
      const options = { personTraits: traitKeysOf(model), autoAccounts: true };
      const { counted, reads: wholeReads } = countingWholeReads(storage);
      const kept = keptStaging({ storage: counted, model, facts: options });
      const whole = async () => stagedOwners(await storage.journeyFacts('default', options), model);
      const inStep = async (step: string) => expect(await kept('default'), step).toEqual(await whole());
      await inStep('January');

      // Merges across devices, a shared kiosk, sign-ups by email, a trait rule and an alias,
      // arriving shuffled and a few at a time, with the generator's people in between.
      const days = 86_400_000;
      const dataset = generate({ seed: 5, people: 10, accounts: 2 });
      const generated = shuffled([...dataset.batches(500)].flat(), 3);
      const identity = shuffled(
        [
          ...story(),
          ...eventsAt('default', [
            // New devices, with no touchpoints of their own, that reach people elsewhere.
            [t0 + 7 * days, { messageId: 'kept-1', type: 'identify', anonymousId: 'C2', userId: 'u-cleo', traits: { email: 'cleo@gmail.com', lifecycle_stage: 'mql' } }],
            [t0 + 7 * days + 1, { messageId: 'kept-5', type: 'identify', anonymousId: 'D2', userId: 'u-dan', traits: { email: 'dan@dan.example' } }],
            [t0 + 12 * days, { messageId: 'kept-6', type: 'identify', anonymousId: 'D3', traits: { email: 'dan@dan.example', lifecycle_stage: 'sql' } }],
            [t0 + 8 * days, { messageId: 'kept-2', type: 'page', anonymousId: 'Z', userId: 'u-zed', context: { page: { path: '/pricing' } } }],
            [t0 + 10 * days, { messageId: 'kept-3', type: 'alias', userId: 'u-zed', previousId: 'u-cleo' }],
            [t0 + 11 * days, { messageId: 'kept-4', type: 'track', userId: 'u-zed', event: 'Order Completed', context: { groupId: 'northwind' } }],
          ]),
        ],
        7,
      );
      for (let step = 0; step * 3 < identity.length; step++) {
        await storage.appendEvents(identity.slice(step * 3, step * 3 + 3));
        await inStep(`identity events ${step * 3}..`);
        await send(generated.slice(step * 25, step * 25 + 25));
        await inStep(`generated events ${step * 25}..`);
      }
      await send(generated.slice(Math.ceil(identity.length / 3) * 25));
      await inStep('the rest');
      // An account claiming a domain anew moves people by their work email: that one is staged whole.
      expect(wholeReads()).toBeLessThanOrEqual(3);

      // Imports restage the people they name (and their accounts), not the site: a demo by email,
      // a won deal by user id crediting an account, a lead the graph does not know, and the same
      // file again.
      const imports = wholeReads();
      const crm = [
        { source: 'hubspot', externalId: 'demo-1', type: 'demo', occurredAt: Date.parse(day(16)), email: 'ann@northwind.io' },
        { source: 'salesforce', externalId: 'opp-9', type: 'closed_won', occurredAt: Date.parse(day(17)), userId: 'u-ben', accountId: 'northwind' },
        { source: 'hubspot', externalId: 'lead-1', type: 'webinar', occurredAt: Date.parse(day(17)), email: 'nobody@nowhere.example' },
      ];
      for (const [step, file] of [['an import', crm], ['the same import again', crm]] as const) {
        await storage.importTouchpoints('default', file, { window: 3_600_000, now: Date.parse(day(18)) });
        await inStep(step);
      }
      // An admin merge and its split restage the people they name, and whoever shares their devices.
      await storage.mergePeople('default', 'u-ben', 'u-dan');
      await inStep('a merge');
      await storage.splitPerson('default', 'u-ben', [{ kind: 'userId', value: 'u-dan' }]);
      await inStep('a split');
      // An account merge moves its touchpoints, members and traits to the account it joins.
      await send([group('dan-tablet', day(15), 'u-dan', 'dan-corp', { name: 'Dan Corp', plan: 'team' }), page('dan-tablet', day(15), '/pricing', { groupId: 'dan-corp' })]);
      await inStep('an account of its own');
      await storage.mergeAccounts('default', 'northwind', 'dan-corp');
      await inStep('an account merge');
      expect(wholeReads(), 'imports naming known people, a merge, a split and an account merge').toBe(imports);
      // Touchpoints naming nobody the graph knows restage the account they credit: by id (one the
      // site has, one it has not yet), by a claimed domain, by a domain nobody claims (an account
      // of its own with autoAccounts); then the lead signs up, and the touchpoint is theirs.
      const leads = [
        { source: 'hubspot', externalId: 'lead-2', type: 'webinar', occurredAt: Date.parse(day(18)), email: 'lead@northwind.io', accountId: 'northwind' },
        { source: 'hubspot', externalId: 'lead-3', type: 'demo', occurredAt: Date.parse(day(18)), email: 'lead@globex.com', accountId: 'globex' },
        { source: 'salesforce', externalId: 'lead-4', type: 'closed_won', occurredAt: Date.parse(day(18)), domain: 'northwind.io' },
        { source: 'salesforce', externalId: 'lead-5', type: 'demo', occurredAt: Date.parse(day(18)), domain: 'initech.example' },
      ];
      for (const lead of leads) {
        await storage.importTouchpoints('default', [lead], { window: 3_600_000, now: Date.parse(day(19)) });
        await inStep(`an import crediting an account only (${lead.externalId})`);
      }
      await send([identify('lead-laptop', day(19), 'u-lead', 'lead@northwind.io')]);
      await inStep('the lead signs up');
      await send([group('globex-laptop', day(19), 'u-gus', 'globex', { name: 'Globex' })]);
      await inStep('the account a lead was credited to comes');
      expect(wholeReads(), 'imports crediting accounts only').toBe(imports);
      await storage.erasePerson('default', 'u-ann');
      await inStep('erasure');
    });

    it('names whom imports reached since a version, for the last changes it keeps; another site’s reach none here', { timeout: 60_000 }, async () => {
      const storage = await open();
      await collector(storage);
      const cleo = (await storage.findPerson('default', 'u-cleo', { autoAccounts: false }))!.id;
      const at = { window: 3_600_000, now: Date.parse(day(22)) };
      const start = await storage.journeyVersion();
      await storage.importTouchpoints('default', [{ source: 'zoom', externalId: 'w-1', type: 'webinar', occurredAt: Date.parse(day(21)), email: 'cleo@globex.com' }], at);
      const afterFirst = await storage.journeyVersion();
      // Another site's import crediting an account only: it reached everyone there, nobody here.
      await storage.importTouchpoints('elsewhere', [{ source: 'zoom', externalId: 'w-2', type: 'webinar', occurredAt: Date.parse(day(21)), email: 'cleo@globex.com', accountId: 'globex' }], at);
      // (Streams too on PostgreSQL, which looks back over recent events for commits that came late.)
      expect(await storage.journeyChanges('default', start)).toMatchObject({ full: false, persons: [cleo] });
      expect(await storage.journeyChanges('default', afterFirst)).toMatchObject({ full: false, persons: [] });
      // Past the changes it keeps, the first is forgotten: a staging that old stages whole. (Each
      // import is a change, even one that stores nothing.)
      for (let change = 0; change < loggedChanges - 1; change++) {
        await storage.importTouchpoints('default', [{ source: 'zoom', externalId: 'w-1', type: 'webinar', occurredAt: Date.parse(day(21)), email: 'cleo@globex.com' }], at);
      }
      expect(await storage.journeyChanges('default', start)).toMatchObject({ full: true });
      expect(await storage.journeyChanges('default', afterFirst)).toMatchObject({ full: false, persons: [] });
    });

    it('starts from the staging a collector saved, following what changed since, as staging whole would', { timeout: 60_000 }, async () => {
      const storage = await open();
      const { send } = await collector(storage);
      const model = b2bStageModel;
      const options = { personTraits: traitKeysOf(model), autoAccounts: true };
      const { counted, reads: wholeReads } = countingWholeReads(storage);
      const problems: unknown[] = [];
      let clock = 0;
      // Each call is a collector starting on the database; each stages once, and once more after
      // its save (a staging waits for the save before it).
      const start = async (stageModel = model) => {
        const kept = keptStaging({ storage: counted, model: stageModel, facts: options, save: { every: 60_000, settle: 0, now: () => clock, log: (_, error) => problems.push(error) } });
        const owners = await kept('default');
        await kept('default');
        return asRead(owners);
      };
      const whole = async () => stagedOwners(await storage.journeyFacts('default', options), model);
      const reads = async (step: () => Promise<unknown>) => {
        const before = wholeReads();
        await step();
        return wholeReads() - before;
      };

      expect(await reads(async () => expect(await start()).toEqual(await whole()))).toBe(1);
      expect(await reads(async () => expect(await start(), 'started again, nothing new').toEqual(await whole()))).toBe(0);
      // Dan signs up and buys; a new visitor; Ben comes back from a newsletter.
      await send([
        track('dan-tablet', day(12), 'Signed Up', '/pricing'),
        identify('dan-tablet', day(12), 'u-dan', 'dan@dan.example'),
        track('dan-tablet', day(14), 'Order Completed', '/checkout'),
        page('fay-phone', day(13), '/docs'),
        page('ben-laptop', day(15), '/pricing', { campaign: { source: 'newsletter', medium: 'email', name: 'feb' } }),
      ]);
      expect(await reads(async () => expect(await start(), 'started after new events').toEqual(await whole()))).toBe(0);
      const otherModel = async () => stagedOwners(await storage.journeyFacts('default', options), defaultStageModel);
      expect(await reads(async () => expect(await start(defaultStageModel), 'another model').toEqual(await otherModel()))).toBe(1);

      // An erasure forgets the saved staging, and one saved from before it is refused: she is nowhere.
      const before = await storage.journeyVersion();
      await storage.erasePerson('default', 'u-ann');
      expect(await storage.saveStaging('default', 'key', { version: before, staging: 'u-ann' })).toBe(false);
      if (subject.dump) for (const trace of ['u-ann', 'ann-laptop']) expect(await subject.dump(storage)).not.toContain(trace);
      expect(await reads(async () => expect(await start(), 'after the erasure').toEqual(await whole()))).toBe(1);
      expect(problems).toEqual([]);
    });

    it('saves a staging of any size and characters whole, in parts', async () => {
      const storage = await open();
      const version = await storage.journeyVersion();
      // Over a part's length, with a surrogate pair across where a part would end.
      const staging = `a${'😀'.repeat(300_000)}認知→検討`;
      expect(await storage.saveStaging('default', 'key', { version, staging })).toBe(true);
      expect(await storage.savedStaging('default', 'key')).toEqual({ version, staging });
      expect(await storage.savedStaging('default', 'other key')).toBeNull();
      expect(await storage.savedStaging('other site', 'key')).toBeNull();
      expect(await storage.saveStaging('default', 'key', { version, staging: 'shorter' })).toBe(true);
      expect(await storage.savedStaging('default', 'key')).toEqual({ version, staging: 'shorter' });
    });

    it('answers 400 naming bad parameters, and 401 without the secret key', async () => {
      const { app, get } = await collector(await open());
      const bad = await get('/v1/funnel?from=yesterday&channel=Carrier%20Pigeon');
      expect(bad.status).toBe(400);
      expect(bad.body.error.issues.map((issue: any) => issue.path[0]).sort()).toEqual(['channel', 'from']);
      expect((await get('/v1/funnel?from=2026-02-01&to=2026-01-01')).status).toBe(400);
      expect((await get('/v1/attribution?model=data_driven')).status).toBe(400);
      expect((await get('/v1/paths?steps=0')).status).toBe(400);
      for (const path of ['/v1/funnel', '/v1/journey-map', '/v1/paths', '/v1/attribution']) expect((await app.request(path)).status).toBe(401);
    });
  });
}
