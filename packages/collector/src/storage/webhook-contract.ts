import { describe, expect, it } from 'vitest';
import { opener, type ContractSubject } from './contract.ts';
import { eventsAt, t0 } from './story.ts';
import type { Storage } from './port.ts';

const site = 'default';
const minute = 60_000;
const secret = 'whsec_0123456789abcdef';

/**
 * Webhook subscriptions and their outbox on every adapter: deliveries written with the events
 * that cause them (only for what is subscribed, and once), claimed by one sender at a time,
 * retried, given up, replayed with their id.
 */
export function webhookContract(name: string, subject: ContractSubject): void {
  describe(`webhook contract: ${name}`, () => {
    const open = opener(subject);
    const payloads = async (storage: Storage, webhookId: string) =>
      (await storage.listDeliveries(site, webhookId, { limit: 100 })).map((delivery) => JSON.parse(delivery.payload)).sort((a, b) => (a.occurredAt < b.occurredAt ? -1 : 1));

    it('keeps subscriptions per site, and removes one with its deliveries', async () => {
      const storage = await open();
      const a = await storage.createWebhook(site, { url: 'https://ma.example/hook', secret, events: ['person.identified'] }, t0);
      await storage.createWebhook('other', { url: 'https://other.example/hook', secret, events: ['form.abandoned'] }, t0);
      expect(a).toMatchObject({ site, url: 'https://ma.example/hook', secret, events: ['person.identified'] });
      expect((await storage.listWebhooks(site)).map((webhook) => webhook.id)).toEqual([a.id]);
      await storage.appendEvents(eventsAt(site, [[t0, { type: 'identify', anonymousId: 'L', userId: 'u-ann' }]]));
      expect(await storage.listDeliveries(site, a.id, { limit: 10 })).toHaveLength(1);
      expect(await storage.deleteWebhook(site, a.id)).toBe(true);
      expect(await storage.deleteWebhook(site, a.id)).toBe(false);
      expect(await storage.listWebhooks(site)).toEqual([]);
      expect(await storage.listDeliveries(site, a.id, { limit: 10 })).toEqual([]);
    });

    it('writes a delivery with each event that identifies a person, creates an account or leaves a form, for the subscribed events only', async () => {
      const storage = await open();
      const people = await storage.createWebhook(site, { url: 'https://ma.example/people', secret, events: ['person.identified', 'form.abandoned'] }, t0);
      const accounts = await storage.createWebhook(site, { url: 'https://crm.example/accounts', secret, events: ['account.created'] }, t0);
      const events = eventsAt(site, [
        [t0, { type: 'page', anonymousId: 'L', context: { page: { path: '/signup' } } }],
        [t0 + minute, { type: 'track', anonymousId: 'L', event: 'Form Abandoned', properties: { formId: 'demo', lastField: 'company' }, context: { page: { path: '/signup', url: 'https://northwind.io/signup' } } }],
        [t0 + 2 * minute, { type: 'identify', anonymousId: 'L', userId: 'u-ann', traits: { email: 'ann@northwind.io', name: 'Ann' } }],
        [t0 + 3 * minute, { type: 'group', anonymousId: 'L', userId: 'u-ann', groupId: 'northwind', traits: { name: 'Northwind' } }],
        // Neither is new: the same user again, and the same account.
        [t0 + 4 * minute, { type: 'identify', anonymousId: 'P', userId: 'u-ann' }],
        [t0 + 5 * minute, { type: 'track', anonymousId: 'P', userId: 'u-ann', event: 'Created Project', context: { groupId: 'northwind' } }],
        // A sign-up form's email identifies too, without a user id.
        [t0 + 6 * minute, { type: 'track', anonymousId: 'B', event: 'Signed Up', context: { traits: { email: 'Ben@Northwind.io' } } }],
      ]);
      await storage.appendEvents(events.slice(0, 4));
      await storage.appendEvents(events.slice(4));
      // Sent again: stored once, so nothing more to tell.
      await storage.appendEvents(events);

      const toPeople = await payloads(storage, people.id);
      expect(toPeople.map((payload) => [payload.type, payload.cause.messageId])).toEqual([
        ['form.abandoned', events[1]!.messageId],
        ['person.identified', events[2]!.messageId],
        ['person.identified', events[6]!.messageId],
      ]);
      expect(toPeople[0]).toMatchObject({ site, occurredAt: new Date(t0 + minute).toISOString(), person: { anonymousId: 'L' }, data: { formId: 'demo', lastField: 'company', page: { path: '/signup' } } });
      expect(toPeople[1]).toMatchObject({ person: { userId: 'u-ann', anonymousId: 'L', traits: { email: 'ann@northwind.io', name: 'Ann' } }, cause: { type: 'identify' } });
      expect(toPeople[1].person.id).toMatch(/^p_/);
      expect((await payloads(storage, accounts.id)).map((payload) => [payload.type, payload.account])).toEqual([['account.created', { id: 'northwind', traits: { name: 'Northwind' } }]]);
      const deliveries = await storage.listDeliveries(site, people.id, { limit: 10 });
      expect(deliveries.every((delivery) => delivery.status === 'pending' && delivery.attempts === 0)).toBe(true);
      expect(deliveries.map((delivery) => JSON.parse(delivery.payload).id)).toEqual(deliveries.map((delivery) => delivery.id));
    });

    it("writes deliveries only for accounts with the traits a subscription asks, a person's by their account's", async () => {
      const storage = await open();
      const icp = await storage.createWebhook(site, { url: 'https://ma.example/icp', secret, events: ['form.abandoned', 'account.created'], filter: { account: { industry: 'software', employees: '50..500' } } }, t0);
      const left = (device: string, at: number) => [at, { type: 'track', anonymousId: device, event: 'Form Abandoned', properties: { formId: 'demo' } }] as [number, Record<string, unknown>];
      await storage.appendEvents(
        eventsAt(site, [
          [t0, { type: 'group', anonymousId: 'L', userId: 'u-ann', groupId: 'northwind', traits: { industry: 'Software', employees: 120 } }],
          [t0 + minute, { type: 'group', anonymousId: 'C', userId: 'u-cleo', groupId: 'globex', traits: { industry: 'Retail', employees: 9000 } }],
          left('L', t0 + 2 * minute),
          left('C', t0 + 3 * minute),
          left('nobody', t0 + 4 * minute),
        ]),
      );
      expect((await payloads(storage, icp.id)).map((payload) => [payload.type, payload.account?.id ?? payload.person.anonymousId])).toEqual([
        ['account.created', 'northwind'],
        ['form.abandoned', 'L'],
      ]);
    });

    it("tells people's stage changes with the user id and email they are known by, and only those of known people where asked", async () => {
      const storage = await open();
      const all = await storage.createWebhook(site, { url: 'https://ma.example/all', secret, events: ['person.stage_changed', 'account.stage_changed', 'form.abandoned'] }, t0);
      const known = await storage.createWebhook(site, { url: 'https://ma.example/known', secret, events: ['person.stage_changed', 'account.stage_changed', 'form.abandoned'], filter: { identified: true } }, t0);
      const left = (device: string, at: number) => [at, { type: 'track', anonymousId: device, event: 'Form Abandoned', properties: { formId: 'demo' } }] as [number, Record<string, unknown>];
      // Stored while nobody knew who was on the device: not for those who want known people.
      await storage.appendEvents(eventsAt(site, [left('L', t0)]));
      await storage.appendEvents(
        eventsAt(site, [
          [t0 + minute, { type: 'identify', anonymousId: 'L', userId: 'u-ann', traits: { email: 'ann@northwind.io' } }],
          // A new address later: the one she is known by now.
          [t0 + 2 * minute, { type: 'identify', anonymousId: 'L', userId: 'u-ann', traits: { email: 'ann@northwind.com' } }],
          [t0 + 3 * minute, { type: 'track', anonymousId: 'C', event: 'Signed Up', context: { traits: { email: 'cleo@gmail.com' } } }],
          [t0 + 4 * minute, { type: 'page', anonymousId: 'B' }],
          // Her device, known by now: she is told of, where only known people are wanted.
          left('L', t0 + 5 * minute),
          left('B', t0 + 6 * minute),
        ]),
      );
      const id = async (ref: string) => (await storage.findPerson(site, ref, { autoAccounts: false }))!.id;
      const [ann, cleo, ben] = [await id('u-ann'), await id('cleo@gmail.com'), await id('B')];
      const record = (owner: string, stage: string, kind: 'person' | 'account' = 'person') => ({ kind, id: owner, stage, at: t0 + 10 * minute, cause: { trait: 'plan' } });
      await storage.recordStages(site, [record(ann, 'awareness'), record(cleo, 'awareness'), record(ben, 'awareness'), record('northwind', 'awareness', 'account')], t0 + 10 * minute);
      expect(await storage.recordStages(site, [record(ann, 'purchase'), record(cleo, 'consideration'), record(ben, 'consideration'), record('northwind', 'purchase', 'account')], t0 + 11 * minute)).toBe(4);

      const sorted = (items: unknown[]) => [...items].sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1));
      const told = async (hook: string) => sorted((await payloads(storage, hook)).map((payload) => (payload.type === 'form.abandoned' ? ['form.abandoned', payload.person.anonymousId] : [payload.type, payload.person ?? payload.account, payload.stage.to])));
      expect(await told(all.id)).toEqual(sorted([
        ['account.stage_changed', { id: 'northwind' }, 'purchase'],
        ['form.abandoned', 'B'],
        ['form.abandoned', 'L'],
        ['form.abandoned', 'L'],
        ['person.stage_changed', { id: ann, userId: 'u-ann', email: 'ann@northwind.com' }, 'purchase'],
        ['person.stage_changed', { id: ben }, 'consideration'],
        ['person.stage_changed', { id: cleo, email: 'cleo@gmail.com' }, 'consideration'],
      ]));
      expect(await told(known.id)).toEqual(sorted([
        ['account.stage_changed', { id: 'northwind' }, 'purchase'],
        ['form.abandoned', 'L'],
        ['person.stage_changed', { id: ann, userId: 'u-ann', email: 'ann@northwind.com' }, 'purchase'],
        ['person.stage_changed', { id: cleo, email: 'cleo@gmail.com' }, 'consideration'],
      ]));
    });

    it('lets one sender at a time claim a due delivery, retries it, gives it up, and replays it with its id', async () => {
      const storage = await open();
      const hook = await storage.createWebhook(site, { url: 'https://ma.example/hook', secret, events: ['person.identified'] }, t0);
      await storage.appendEvents(eventsAt(site, [[t0, { type: 'identify', anonymousId: 'L', userId: 'u-ann' }]]));
      const [claimed, ...more] = await storage.claimDeliveries(10, 60_000, Date.now());
      expect(more).toEqual([]);
      expect(claimed).toMatchObject({ webhookId: hook.id, event: 'person.identified', status: 'pending' });
      // Held: a second sender finds nothing.
      expect(await storage.claimDeliveries(10, 60_000, Date.now())).toEqual([]);

      await storage.settleDelivery(claimed!.id, { delivered: false, at: Date.now(), status: 503, error: 'answered 503', nextAttemptAt: Date.now() - 1 });
      const [again] = await storage.claimDeliveries(10, 60_000, Date.now());
      expect(again).toMatchObject({ id: claimed!.id, attempts: 1, lastStatus: 503, lastError: 'answered 503' });
      await storage.settleDelivery(claimed!.id, { delivered: false, at: Date.now(), status: null, error: 'connection refused', nextAttemptAt: null });
      expect(await storage.claimDeliveries(10, 60_000, Date.now())).toEqual([]);
      expect((await storage.listDeliveries(site, hook.id, { status: 'dead', limit: 10 })).map((delivery) => [delivery.id, delivery.attempts])).toEqual([[claimed!.id, 2]]);

      const replayed = await storage.replayDelivery(site, hook.id, claimed!.id, Date.now());
      expect(replayed).toMatchObject({ id: claimed!.id, status: 'pending' });
      expect(await storage.replayDelivery(site, hook.id, 'dl_nothing', Date.now())).toBeNull();
      const [third] = await storage.claimDeliveries(10, 60_000, Date.now());
      expect(third!.id).toBe(claimed!.id);
      await storage.settleDelivery(third!.id, { delivered: true, at: Date.now(), status: 204 });
      expect((await storage.listDeliveries(site, hook.id, { limit: 10 }))[0]).toMatchObject({ status: 'delivered', attempts: 3, lastStatus: 204, lastError: null });
    });
    it('records stages, and announces each change once, to the subscriptions that want it; the first record announces nothing', async () => {
      const storage = await open();
      const all = await storage.createWebhook(site, { url: 'https://ma.example/all', secret, events: ['person.stage_changed', 'account.stage_changed'] }, t0);
      const buyers = await storage.createWebhook(site, { url: 'https://ma.example/buyers', secret, events: ['person.stage_changed'], filter: { stages: ['purchase'] } }, t0);
      const record = (id: string, stage: string, at: number, kind: 'person' | 'account' = 'person') => ({ kind, id, stage, at, cause: { touchpoint: { id: `t-${id}-${stage}`, kind: 'session', name: '/pricing', channel: 'Email', at: new Date(at).toISOString() } } });
      expect(await storage.recordStages(site, [record('p-ann', 'awareness', t0), record('northwind', 'awareness', t0, 'account')], t0)).toBe(0);
      expect(await storage.listDeliveries(site, all.id, { limit: 10 })).toEqual([]);

      expect(await storage.recordStages(site, [record('p-ann', 'consideration', t0 + minute), record('p-ben', 'awareness', t0 + minute), record('northwind', 'awareness', t0, 'account')], t0 + minute)).toBe(2);
      // The same again, as a second collector would: nothing more.
      expect(await storage.recordStages(site, [record('p-ann', 'consideration', t0 + minute)], t0 + minute)).toBe(0);
      expect(await storage.recordStages(site, [record('p-ann', 'purchase', t0 + 2 * minute), record('northwind', 'purchase', t0 + 2 * minute, 'account')], t0 + 2 * minute)).toBe(2);

      const told = (await payloads(storage, all.id)).map((payload) => [payload.type, payload.person?.id ?? payload.account?.id, payload.stage.from, payload.stage.to]);
      expect(told.sort()).toEqual(
        [
          ['account.stage_changed', 'northwind', 'awareness', 'purchase'],
          ['person.stage_changed', 'p-ann', 'awareness', 'consideration'],
          ['person.stage_changed', 'p-ann', 'consideration', 'purchase'],
          ['person.stage_changed', 'p-ben', null, 'awareness'],
        ].sort(),
      );
      const [purchase] = await payloads(storage, buyers.id);
      expect(await payloads(storage, buyers.id)).toHaveLength(1);
      expect(purchase).toMatchObject({ type: 'person.stage_changed', person: { id: 'p-ann' }, stage: { from: 'consideration', to: 'purchase' }, occurredAt: new Date(t0 + 2 * minute).toISOString(), cause: { touchpoint: { id: 't-p-ann-purchase', name: '/pricing' } } });
    });
  });
}