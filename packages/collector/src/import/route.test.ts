import { describe, expect, it } from 'vitest';
import { basic, secretKey, testCollector, writeKey } from '../testing/collector.ts';

const csv = [
  'Source,External ID,Type,Occurred At,Email,Company Domain,Owner',
  'Salesforce,call-1,Sales Call,2026-03-02 10:00,Ann@Northwind.io,https://www.northwind.io/about,Kai',
  'salesforce,call-2,sales_call,2026-03-09T10:00:00Z,ann@northwind.io,northwind.io,Kai',
  'zoom,web-1,Webinar,2026-03-01,not-an-email,,',
  'hubspot,h-7,sales call,2026-03-02T10:30:00Z,ann@northwind.io,,',
].join('\r\n');

const upload = (app: Awaited<ReturnType<typeof testCollector>>['app'], body: string, type = 'text/csv', key = `Bearer ${secretKey}`) =>
  app.request('/v1/import', { method: 'POST', body, headers: { 'Content-Type': type, Authorization: key } });

describe('POST /v1/import', () => {
  it('stores valid rows, reports each bad one by row, and keeps a touchpoint two sources recorded once', async () => {
    const { app } = await testCollector();
    const response = await upload(app, csv);
    expect(response.status).toBe(200);
    const answer = await response.json();
    expect(answer).toMatchObject({ imported: 2, duplicates: 1, rejected: 1 });
    expect(answer.outcomes.map((outcome: any) => [outcome.row, outcome.status, outcome.id ?? outcome.errors[0].field])).toEqual([
      [1, 'imported', 'salesforce:call-1'],
      [2, 'imported', 'salesforce:call-2'],
      [3, 'rejected', 'email'],
      // HubSpot logged Salesforce's call half an hour later: the same touchpoint.
      [4, 'duplicate', 'salesforce:call-1'],
    ]);
  });

  it('changes nothing when the same file comes again', async () => {
    const { app } = await testCollector();
    await upload(app, csv);
    const again = await (await upload(app, csv)).json();
    expect(again).toMatchObject({ imported: 0, duplicates: 3, rejected: 1 });
  });

  it('takes NDJSON and JSON too, and the imported touchpoints join the person’s journey', async () => {
    const { app, post } = await testCollector();
    await post('/v1/batch', { batch: [{ type: 'identify', messageId: 'i-1', anonymousId: 'a-1', userId: 'u-ann', traits: { email: 'ann@northwind.io' }, timestamp: '2026-03-01T09:00:00Z' }] });
    const ndjson = '{"source":"zoom","externalId":"w-1","type":"webinar","occurredAt":"2026-03-03T15:00:00Z","userId":"u-ann"}\n';
    expect((await (await upload(app, ndjson, 'application/x-ndjson')).json()).imported).toBe(1);
    const json = JSON.stringify([{ source: 'crm', external_id: 'won-1', type: 'Closed Won', timestamp: 1772900000, email: 'ann@northwind.io', properties: { amount: 1200 } }]);
    expect((await (await upload(app, json, 'application/json')).json()).imported).toBe(1);

    const journey = await (await app.request('/v1/persons/u-ann/journey', { headers: { Authorization: `Bearer ${secretKey}` } })).json();
    expect(journey.touchpoints.map((t: any) => [t.kind, t.name, t.stage])).toEqual([
      ['offline', 'webinar', 'consideration'],
      ['offline', 'closed_won', 'purchase'],
    ]);
    expect(journey.stage).toBe('purchase');
  });

  it('is for the secret key only, and names the formats it takes', async () => {
    const { app } = await testCollector();
    expect((await upload(app, csv, 'text/csv', basic(writeKey))).status).toBe(403);
    expect((await upload(app, csv, 'text/csv', '')).status).toBe(401);
    const wrongType = await upload(app, '<xml/>', 'application/xml');
    expect(wrongType.status).toBe(415);
    expect((await wrongType.json()).error.message).toMatch(/text\/csv/);
  });
});
