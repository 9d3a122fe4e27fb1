import { describe, expect, it } from 'vitest';
import { basic, secretKey, testCollector, writeKey } from '../testing/collector.ts';
import { shuffled, story } from '../storage/story.ts';
import { collectorConfig } from '../config.ts';
import { identityRoutes } from './route.ts';

/** The story's events as a client would send them (their corrected time given as timestamp). */
const storyEvents = () => story().map((event) => JSON.parse(event.payload));
const admin = { Authorization: `Bearer ${secretKey}` };

async function sendStory(post: (path: string, body: unknown) => Promise<Response>, seed: number) {
  const events = shuffled(storyEvents(), seed);
  for (let i = 0; i < events.length; i += 4) {
    const response = await post('/v1/batch', { batch: events.slice(i, i + 4) });
    expect(await response.json()).toMatchObject({ rejected: [] });
  }
}

describe('the identity API', () => {
  it('answers the story by any identifier, in any arrival order', async () => {
    const { app, post } = await testCollector();
    await sendStory(post, 42);
    const get = async (path: string) => (await app.request(path, { headers: admin })).json();

    const ann = await get('/v1/persons/ANN@northwind.io');
    expect(ann.identifiers.map((id: { kind: string; value: string }) => `${id.kind}:${id.value}`).sort()).toEqual([
      'anonymousId:L',
      'anonymousId:P',
      'email:ann@northwind.io',
      'userId:u-ann',
    ]);
    expect((await get(`/v1/persons/${ann.id}`)).id).toBe(ann.id);
    expect((await get('/v1/persons/P')).id).toBe(ann.id);
    expect(ann.accounts).toEqual([expect.objectContaining({ id: 'northwind', domain: 'northwind.io', via: 'group' })]);

    // The stitched timeline, two devices, paged with a cursor, in the order things happened.
    const seen: string[] = [];
    let url = `/v1/persons/u-ann/events?limit=3`;
    for (let pages = 0; pages < 10; pages++) {
      const page = await get(url);
      seen.push(...page.events.map((event: { timestamp: string; anonymousId: string }) => `${event.anonymousId}@${event.timestamp}`));
      if (!page.nextCursor) break;
      url = `/v1/persons/u-ann/events?limit=3&cursor=${page.nextCursor}`;
    }
    expect(seen).toHaveLength(10);
    expect([...seen].sort((a, b) => (a.split('@')[1]! < b.split('@')[1]! ? -1 : 1))).toEqual(seen);
    expect(new Set(seen.map((entry) => entry.split('@')[0]))).toEqual(new Set(['L', 'P']));

    const account = await get('/v1/accounts/northwind.io');
    expect(account).toMatchObject({ id: 'northwind', domain: 'northwind.io', people: 2, traits: { name: { value: 'Northwind' }, employees: { value: 120 } } });
    const { people } = await get('/v1/accounts/northwind/people');
    expect(people.map((person: { via: string }) => person.via).sort()).toEqual(['email-domain', 'group']);
    const events = await get('/v1/accounts/northwind/events?limit=100');
    expect(events.events.length).toBeGreaterThanOrEqual(10);

    expect((await get('/v1/persons/cleo@gmail.com')).accounts).toEqual([]);
    const dan = await get('/v1/persons/u-dan/events');
    const eve = await get('/v1/persons/u-eve/events');
    expect(dan.events.map((event: { anonymousId: string }) => event.anonymousId)).toEqual(['K', 'K', 'K', 'K']);
    expect(eve.events).toHaveLength(3);
  });

  it('never links through placeholder values', async () => {
    const { app, post } = await testCollector();
    const response = await post('/v1/batch', {
      batch: [
        { type: 'identify', messageId: 'p1', anonymousId: 'dev-1', userId: 'undefined' },
        { type: 'identify', messageId: 'p2', anonymousId: 'dev-1', traits: { email: 'null@null.com' } },
        { type: 'identify', messageId: 'p3', anonymousId: 'dev-2', traits: { email: 'null@null.com' } },
        { type: 'identify', messageId: 'p4', anonymousId: 'dev-3', traits: { email: 'n/a' } },
        { type: 'identify', messageId: 'p5', anonymousId: 'dev-4', traits: { email: 'n/a' } },
      ],
    });
    expect((await response.json()).rejected.map((entry: { index: number }) => entry.index)).toEqual([0]);
    const idOf = async (ref: string) => (await (await app.request(`/v1/persons/${ref}`, { headers: admin })).json()).id;
    const ids = await Promise.all(['dev-1', 'dev-2', 'dev-3', 'dev-4'].map(idOf));
    expect(new Set(ids).size).toBe(4);
  });

  it('splits, merges and says when a request contradicts the graph', async () => {
    const { app, post } = await testCollector();
    await post('/v1/batch', {
      batch: [
        { type: 'identify', messageId: 's1', anonymousId: 'a1', userId: 'u-1', traits: { email: 'desk@acme.com' } },
        { type: 'identify', messageId: 's2', anonymousId: 'a2', userId: 'u-2', traits: { email: 'desk@acme.com' } },
      ],
    });
    const call = (method: string, path: string, body?: unknown) =>
      app.request(path, { method, headers: { ...admin, 'Content-Type': 'application/json' }, ...(body !== undefined && { body: JSON.stringify(body) }) });

    const split = await call('POST', '/v1/persons/u-2/split', { identifiers: [{ kind: 'userId', value: 'u-2' }] });
    expect(split.status).toBe(200);
    const { kept, split: splitId } = await split.json();
    expect(kept).not.toBe(splitId);
    const everything = await call('POST', '/v1/persons/u-1/split', { identifiers: [{ kind: 'userId', value: 'u-1' }, { kind: 'email', value: 'DESK@acme.com' }] });
    expect(everything.status).toBe(409);
    expect((await everything.json()).error.code).toBe('identity_conflict');
    expect((await call('POST', '/v1/persons/u-1/split', { identifiers: [] })).status).toBe(400);

    const merged = await call('POST', '/v1/persons/u-1/merge', { with: 'u-2' });
    expect(merged.status).toBe(200);
    expect((await merged.json()).identifiers).toHaveLength(5);
    expect((await call('POST', '/v1/persons/u-1/merge', { with: 'nobody' })).status).toBe(404);
    expect((await call('GET', '/v1/persons/nobody')).status).toBe(404);
  });

  it('erases a person on request and tells what it removed', async () => {
    const { app, post, events } = await testCollector();
    await sendStory(post, 7);
    const before = (await events()).length;
    const erased = await app.request('/v1/persons/u-ann', { method: 'DELETE', headers: admin });
    expect(erased.status).toBe(200);
    const { erased: counts } = await erased.json();
    expect(counts).toMatchObject({ events: 10, identifiers: 4 });
    expect((await app.request('/v1/persons/u-ann', { headers: admin })).status).toBe(404);
    const left = await events();
    expect(left).toHaveLength(before - 10);
    expect(JSON.stringify(left)).not.toMatch(/u-ann|ann@northwind\.io|"L"|"P"/);
  });

  it('tells the analytics of each erasure once it is done, so no answer comes from a staging that holds the person', async () => {
    const { storage, post } = await testCollector();
    await sendStory(post, 7);
    const told: string[] = [];
    const app = identityRoutes(collectorConfig({ writeKeys: [{ key: writeKey, site: 'default', allowedOrigins: '*' }], secretKey }), storage, (site) => told.push(site));
    // Nobody to erase (the collector's error handler, not mounted here, answers 404): nothing told.
    await app.request('/persons/nobody', { method: 'DELETE', headers: admin });
    expect(told).toEqual([]);
    expect((await app.request('/persons/u-ann', { method: 'DELETE', headers: admin })).status).toBe(200);
    expect(told).toEqual(['default']);
  });

  it('is for the secret key only', async () => {
    const { app } = await testCollector();
    expect((await app.request('/v1/persons/u-1')).status).toBe(401);
    expect((await app.request('/v1/persons/u-1', { headers: { Authorization: `Bearer ${writeKey}` } })).status).toBe(403);
    expect((await app.request('/v1/accounts/acme', { headers: { Authorization: basic(writeKey) } })).status).toBe(403);
    expect((await app.request('/v1/persons/u-1', { method: 'DELETE', headers: { Authorization: 'Bearer sk_wrong_0123456789' } })).status).toBe(401);
  });
});
