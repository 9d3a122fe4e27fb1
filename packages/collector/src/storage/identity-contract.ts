import { describe, expect, it } from 'vitest';
import type { IdentityOptions, Storage, TimelineCursor } from './port.ts';
import { opener, type ContractSubject } from './contract.ts';
import { eventsAt, shuffled, story, t0 } from './story.ts';

const options: IdentityOptions = { autoAccounts: false };
const site = 'default';
const minute = 60_000;
const day = 24 * 60 * minute;

/** Every event of a person's timeline, following the cursor. */
async function timeline(storage: Storage, ref: string, limit = 7): Promise<string[]> {
  const ids: string[] = [];
  let after;
  for (let pages = 0; pages < 100; pages++) {
    const page = await storage.personEvents(site, ref, { ...(after && { after }), limit });
    if (!page) return ids;
    ids.push(...page.events.map((event) => JSON.parse(event.payload).messageId as string));
    if (!page.next) return ids;
    after = page.next;
  }
  return ids;
}

/** The groupId each event of an account's timeline names, following the cursor. */
async function accountTimeline(storage: Storage, ref: string, limit: number): Promise<string[]> {
  const named: string[] = [];
  let after: TimelineCursor | undefined;
  for (let pages = 0; pages < 100; pages++) {
    const page = (await storage.accountEvents(site, ref, { ...(after && { after }), limit }, options))!;
    named.push(...page.events.map((event) => JSON.parse(event.payload).groupId as string));
    if (!page.next) return named;
    after = page.next;
  }
  return named;
}

const label = (id: string) => id.replace(/^default-\d+-/, '') + id.slice(8, 12);

/** Everything the story's outcome consists of, in a form two replays can be compared by. */
async function outcome(storage: Storage) {
  const refs = ['u-ann', 'ann@northwind.io', 'L', 'P', 'B', 'ben@northwind.io', 'C', 'cleo@gmail.com', 'K', 'u-dan', 'u-eve'];
  const people: Record<string, { ref: string[]; identifiers: string[]; timeline: string[]; accounts: string[]; traits: Record<string, unknown> }> = {};
  for (const ref of refs) {
    const person = await storage.findPerson(site, ref, options);
    if (!person) throw new Error(`nobody found for ${ref}`);
    const entry = (people[person.id] ??= {
      ref: [],
      identifiers: person.identifiers.map((id) => `${id.kind}:${id.value}`).sort(),
      timeline: (await timeline(storage, person.id)).map(label),
      // With when each was first and last seen: a batch's sightings of one membership are written as one.
      accounts: person.accounts.map((account) => `${account.id} (${account.via}) ${account.firstSeen}–${account.lastSeen}`),
      traits: Object.fromEntries(Object.entries(person.traits).map(([key, trait]) => [key, trait.value])),
    });
    entry.ref.push(ref);
  }
  const northwind = await storage.accountPeople(site, 'northwind', options);
  const account = await storage.findAccount(site, 'northwind', options);
  return { people, northwind: northwind?.map((person) => `${person.id} (${person.via})`).sort(), seen: [account?.firstSeen, account?.lastSeen] };
}

/** The identity graph's specification: every adapter runs it against a real database. */
export function identityContract(name: string, subject: ContractSubject): void {
  describe(`identity contract: ${name}`, () => {
    const open = opener(subject);

    it('gets the story right: five people, stitched across devices and back in time, two at Northwind, a kiosk split at the login', { timeout: 30_000 }, async () => {
      const storage = await open();
      await storage.appendEvents(story());
      const { people, northwind } = await outcome(storage);
      const byRef = (ref: string) => Object.values(people).find((person) => person.ref.includes(ref))!;

      expect(Object.keys(people)).toHaveLength(5);
      const ann = byRef('u-ann');
      expect(ann.ref.sort()).toEqual(['L', 'P', 'ann@northwind.io', 'u-ann']);
      expect(ann.identifiers).toEqual(['anonymousId:L', 'anonymousId:P', 'email:ann@northwind.io', 'userId:u-ann']);
      // Both devices, including what happened before the sign-up, in the order it happened.
      expect(ann.timeline).toEqual(['page0001', 'page0002', 'page0003', 'page0004', 'track0005', 'identify0006', 'group0007', 'track0008', 'identify0020', 'page0021']);
      expect(ann.traits).toMatchObject({ email: 'ann@northwind.io', name: 'Ann', title: 'CTO' });
      expect(ann.accounts).toEqual([expect.stringMatching(/^northwind \(group\) /)]);

      const ben = byRef('ben@northwind.io');
      expect(ben.ref.sort()).toEqual(['B', 'ben@northwind.io']);
      expect(ben.accounts).toEqual([expect.stringMatching(/^northwind \(email-domain\) /)]);
      expect(northwind).toHaveLength(2);

      const cleo = byRef('cleo@gmail.com');
      expect(cleo.accounts).toEqual([]);

      // The kiosk: everything up to Eve's login is Dan's (from before his own login too), the rest Eve's.
      const dan = byRef('u-dan');
      const eve = byRef('u-eve');
      expect(dan.timeline).toEqual(['page0013', 'identify0014', 'page0015', 'page0016']);
      expect(eve.timeline).toEqual(['identify0017', 'page0018', 'page0019']);
      expect(byRef('K')).toBe(eve); // the device, today, is Eve's
      expect(dan.identifiers).not.toContain('userId:u-eve');
    });

    // Seven whole replays of the story: seconds on a busy machine, not the default five.
    it('pages an account of many people in time order, each event once, however their visits interleave', { timeout: 60_000 }, async () => {
      const storage = await open();
      // 70 people (more sources than one statement reads): each joins on a device of their own,
      // browses anonymously first on a second one, and their visits interleave with the others'.
      const people = 70;
      const items: Array<[number, Record<string, unknown>]> = [];
      for (let p = 0; p < people; p++) {
        items.push([t0 + p * minute, { type: 'page', anonymousId: `many-early-${p}` }]);
        items.push([t0 + (people + p) * minute, { type: 'identify', anonymousId: `many-early-${p}`, userId: `many-${p}` }]);
        items.push([t0 + (2 * people + p) * minute, { type: 'group', anonymousId: `many-dev-${p}`, userId: `many-${p}`, groupId: 'many' }]);
        for (let visit = 0; visit < 3; visit++) items.push([t0 + ((3 + visit) * people + ((p * 3) % people)) * minute, { type: 'page', anonymousId: `many-dev-${p}`, userId: `many-${p}` }]);
        // And all at one instant (a webinar's start): a tie that arrival order breaks.
        items.push([t0 + 7 * people * minute, { type: 'page', anonymousId: `many-dev-${p}`, userId: `many-${p}` }]);
      }
      const events = eventsAt(site, items);
      const arrival = shuffled(events, 11);
      await storage.appendEvents(arrival);
      const arrived = new Map(arrival.map((event, index) => [event.messageId, index]));
      const expected = events
        .map((event, index) => ({ id: event.messageId, at: items[index]![0] }))
        .sort((a, b) => a.at - b.at || arrived.get(a.id)! - arrived.get(b.id)!)
        .map((event) => event.id);
      for (const limit of [7, 100]) {
        const seen: string[] = [];
        let after: TimelineCursor | undefined;
        for (let pages = 0; pages < 200; pages++) {
          const page = (await storage.accountEvents(site, 'many', { ...(after && { after }), limit }, options))!;
          seen.push(...page.events.map((event) => JSON.parse(event.payload).messageId as string));
          if (!page.next) break;
          after = page.next;
        }
        expect(seen, `pages of ${limit}`).toEqual(expected);
      }
    });
    it("gives each person's devices and stretches as their record lists them, the people it cannot find left out", async () => {
      const storage = await open();
      await storage.appendEvents(story());
      const ids = await Promise.all(['u-ann', 'u-dan', 'u-eve', 'cleo@gmail.com'].map(async (ref) => (await storage.findPerson(site, ref, options))!.id));
      const devices = await storage.personDevices(site, [...ids, 'p_nobody', ids[0]!]);
      expect(Object.keys(devices).sort()).toEqual([...ids].sort());
      for (const id of ids) {
        const record = (await storage.findPerson(site, id, options))!;
        expect(devices[id], id).toEqual(record.devices.map(({ linkedBy: _linkedBy, ...device }) => device));
      }
      // Ann's laptop and phone are hers whole; the kiosk is Dan's until Eve's login, Eve's from it.
      expect(new Set(devices[ids[0]!]!.map((device) => device.anonymousId))).toEqual(new Set(['L', 'P']));
      const [dan] = devices[ids[1]!]!;
      const [eve] = devices[ids[2]!]!;
      expect(dan).toMatchObject({ anonymousId: 'K', to: eve!.from });
      expect(eve).toMatchObject({ anonymousId: 'K', to: null });
      expect(eve!.from).not.toBeNull();
    });


    it('labels people for a list with the email and name their records give, the people it cannot find left out', async () => {
      const storage = await open();
      await storage.appendEvents(story());
      await storage.appendEvents(eventsAt(site, [[t0 + 30 * day, { type: 'identify', anonymousId: 'L', userId: 'u-ann', traits: { name: 'Ann Lee' } }]]));
      const ids = await Promise.all(['u-ann', 'cleo@gmail.com', 'K', 'u-eve'].map(async (ref) => (await storage.findPerson(site, ref, options))!.id));
      const labels = await storage.personLabels(site, [...ids, 'p_nobody', ids[0]!]);
      expect(Object.keys(labels).sort()).toEqual([...new Set(ids)].sort());
      for (const id of ids) {
        const record = (await storage.findPerson(site, id, options))!;
        const name = record.traits['name']?.value;
        expect(labels[id], id).toEqual({ ...(typeof name === 'string' && { name }), ...(record.identifiers.some((identifier) => identifier.kind === 'email') && { email: record.identifiers.find((identifier) => identifier.kind === 'email')!.value }) });
      }
      expect(labels[ids[0]!]).toEqual({ email: 'ann@northwind.io', name: 'Ann Lee' });
      expect(labels[ids[1]!]).toEqual({ email: 'cleo@gmail.com' });
    });

    it('comes out the same for every arrival order', { timeout: 60_000 }, async () => {
      const reference = await open();
      await reference.appendEvents(story());
      const expected = await outcome(reference);
      for (const seed of [1, 2, 3, 4, 5, 6]) {
        const storage = await open();
        const events = shuffled(story(), seed);
        // Random batch sizes too: offline clients deliver in bursts.
        for (let i = 0; i < events.length; ) {
          const size = 1 + ((seed * 7 + i) % 5);
          await storage.appendEvents(events.slice(i, i + size));
          i += size;
        }
        expect(await outcome(storage), `arrival order from seed ${seed}`).toEqual(expected);
      }
    });

    it('explains every link with its event and rule', async () => {
      const storage = await open();
      const events = story();
      await storage.appendEvents(events);
      const ann = (await storage.findPerson(site, 'u-ann', options))!;
      const identify = events.find((event) => event.type === 'identify' && event.userId === 'u-ann')!;
      expect(ann.links).toContainEqual({
        a: { kind: 'userId', value: 'u-ann' },
        b: { kind: 'email', value: 'ann@northwind.io' },
        rule: 'identify',
        messageId: identify.messageId,
        at: new Date(identify.timestamp).toISOString(),
      });
      const phone = ann.devices.find((device) => device.anonymousId === 'P')!;
      expect(phone).toMatchObject({ from: null, to: null, linkedBy: { rule: 'identify' } });
      const kiosk = (await storage.findPerson(site, 'u-dan', options))!.devices[0]!;
      expect(kiosk).toMatchObject({ anonymousId: 'K', from: null, to: new Date(t0 + 6 * day).toISOString() });
    });

    it('keeps the latest value of each trait and when it was first set, whatever the arrival order', async () => {
      const events = eventsAt(site, [
        [t0, { type: 'identify', userId: 'u-1', traits: { plan: 'free', role: 'dev' } } as never],
        [t0 + day, { type: 'identify', userId: 'u-1', traits: { plan: 'team' } } as never],
        [t0 + 2 * day, { type: 'identify', userId: 'u-1', traits: { plan: 'enterprise' } } as never],
      ]);
      const storage = await open();
      await storage.appendEvents([events[2]!, events[0]!, events[1]!]);
      const traits = (await storage.findPerson(site, 'u-1', options))!.traits;
      expect(traits.plan).toEqual({ value: 'enterprise', firstSeen: new Date(t0).toISOString(), updatedAt: new Date(t0 + 2 * day).toISOString() });
      expect(traits.role!.value).toBe('dev');
    });

    it('merges two identified people only by an explicit alias', async () => {
      const storage = await open();
      await storage.appendEvents(
        eventsAt(site, [
          [t0, { type: 'identify', anonymousId: 'd1', userId: 'old-id' } as never],
          [t0 + minute, { type: 'identify', anonymousId: 'd2', userId: 'new-id' } as never],
        ]),
      );
      const before = [await storage.findPerson(site, 'old-id', options), await storage.findPerson(site, 'new-id', options)];
      expect(before[0]!.id).not.toBe(before[1]!.id);
      await storage.appendEvents(eventsAt('default', [[t0 + 2 * minute, { type: 'alias', messageId: 'alias-1', userId: 'new-id', previousId: 'old-id' } as never]]));
      const after = (await storage.findPerson(site, 'new-id', options))!;
      expect(after.identifiers.map((id) => id.value).sort()).toEqual(['d1', 'd2', 'new-id', 'old-id']);
      expect(after.links).toContainEqual(expect.objectContaining({ rule: 'alias', messageId: 'alias-1' }));
      // The old person's id still finds them.
      expect((await storage.findPerson(site, before[1]!.id, options))?.id ?? (await storage.findPerson(site, before[0]!.id, options))?.id).toBe(after.id);
    });

    it('links one email to at most 10 user ids: past the limit, people stay apart', async () => {
      const storage = await open();
      const events = eventsAt(
        site,
        Array.from({ length: 14 }, (_, i) => [t0 + i * minute, { type: 'identify', userId: `u-${String(i).padStart(2, '0')}`, traits: { email: 'team@acme.com' } } as never]),
      );
      await storage.appendEvents(shuffled(events, 9));
      const shared = (await storage.findPerson(site, 'team@acme.com', options))!;
      // The first ten by event time, whatever the arrival order.
      const userIds = shared.identifiers.filter((id) => id.kind === 'userId').map((id) => id.value);
      expect(userIds.sort()).toEqual(['u-00', 'u-01', 'u-02', 'u-03', 'u-04', 'u-05', 'u-06', 'u-07', 'u-08', 'u-09']);
      expect((await storage.findPerson(site, 'u-12', options))!.id).not.toBe(shared.id);
    });

    it('splits a wrong merge and keeps it split, until an admin merges again', async () => {
      const storage = await open();
      await storage.appendEvents(
        eventsAt(site, [
          [t0, { type: 'identify', anonymousId: 'x1', userId: 'u-x', traits: { email: 'shared@desk.io' } } as never],
          [t0 + minute, { type: 'identify', anonymousId: 'y1', userId: 'u-y', traits: { email: 'shared@desk.io' } } as never],
        ]),
      );
      const merged = (await storage.findPerson(site, 'u-x', options))!;
      expect(merged.identifiers.map((id) => id.value).sort()).toEqual(['shared@desk.io', 'u-x', 'u-y', 'x1', 'y1']);

      const result = (await storage.splitPerson(site, 'u-y', [{ kind: 'userId', value: 'u-y' }]))!;
      expect(result.kept).not.toBe(result.split);
      expect((await storage.findPerson(site, 'u-y', options))!.identifiers.map((id) => id.value).sort()).toEqual(['u-y', 'y1']);
      // The same wrong link again changes nothing.
      await storage.appendEvents(eventsAt('default', [[t0 + day, { type: 'identify', messageId: 'again', userId: 'u-y', traits: { email: 'shared@desk.io' } } as never]]));
      expect((await storage.findPerson(site, 'u-y', options))!.id).toBe(result.split);

      expect(await storage.mergePeople(site, 'u-x', 'u-y')).toBe((await storage.findPerson(site, 'u-x', options))!.id);
      expect((await storage.findPerson(site, 'u-y', options))!.id).toBe((await storage.findPerson(site, 'u-x', options))!.id);
    });

    it('keeps every person id it has answered with finding that person after they join someone', async () => {
      const storage = await open();
      await storage.appendEvents(
        eventsAt(site, [
          [t0, { type: 'page', anonymousId: 'laptop' } as never],
          [t0 + minute, { type: 'identify', anonymousId: 'tablet', traits: { email: 'gil@acme.io' } } as never],
        ]),
      );
      const shown = [(await storage.findPerson(site, 'laptop', options))!.id, (await storage.findPerson(site, 'gil@acme.io', options))!.id];
      await storage.appendEvents(eventsAt(site, [[t0 + 2 * minute, { type: 'identify', anonymousId: 'laptop', userId: 'u-gil', traits: { email: 'gil@acme.io' } } as never]]));
      const gil = (await storage.findPerson(site, 'u-gil', options))!;
      expect(gil.identifiers.map((id) => id.value).sort()).toEqual(['gil@acme.io', 'laptop', 'tablet', 'u-gil']);
      for (const id of shown) expect((await storage.findPerson(site, id, options))?.id, id).toBe(gil.id);
    });

    it.skipIf(!subject.dump)('keeps no redirect for the ids of identifiers that joined someone in the batch that first named them', async () => {
      const storage = await open();
      await storage.appendEvents(
        eventsAt(site, [
          [t0, { type: 'identify', anonymousId: 'new-laptop', userId: 'u-new', traits: { email: 'new@acme.io' } } as never],
          [t0 + minute, { type: 'alias', userId: 'u-new', previousId: 'u-old' } as never],
        ]),
      );
      const person = (await storage.findPerson(site, 'u-old', options))!;
      expect(person.identifiers.map((id) => id.value).sort()).toEqual(['new-laptop', 'new@acme.io', 'u-new', 'u-old']);
      const tables = JSON.parse(await subject.dump!(storage)) as Array<[string, unknown[]]>;
      expect(tables.find(([table]) => table === 'person_redirects')?.[1]).toEqual([]);
    });

    it('merges an anonymous visitor into a person, with their whole history', async () => {
      const storage = await open();
      await storage.appendEvents(
        eventsAt(site, [
          [t0, { type: 'page', anonymousId: 'stranger' } as never],
          [t0 + minute, { type: 'identify', anonymousId: 'known-device', userId: 'u-known' } as never],
        ]),
      );
      const merged = await storage.mergePeople(site, 'u-known', 'stranger');
      expect(merged).toBe((await storage.findPerson(site, 'u-known', options))!.id);
      expect(await timeline(storage, 'u-known')).toHaveLength(2);
    });

    it('records a batch of one member’s events as the same events sent one at a time', async () => {
      // Out of time order, as an offline buffer delivers: the membership's first and last
      // sightings, how it began and the account's own first and last all come out alike.
      const events = eventsAt(site, [
        [t0 + 2 * minute, { type: 'track', userId: 'u-kim', event: 'Viewed', context: { groupId: 'initech' } } as never],
        [t0, { type: 'track', userId: 'u-kim', event: 'Opened', context: { groupId: 'initech' } } as never],
        [t0 + 3 * minute, { type: 'group', userId: 'u-kim', groupId: 'initech' } as never],
        [t0 + minute, { type: 'track', userId: 'u-kim', event: 'Read', context: { groupId: 'initech' } } as never],
        [t0 - minute, { type: 'track', userId: 'u-lee', event: 'Opened', context: { groupId: 'initech' } } as never],
      ]);
      const seen = async (storage: Storage) => ({
        kim: (await storage.findPerson(site, 'u-kim', options))!.accounts,
        lee: (await storage.findPerson(site, 'u-lee', options))!.accounts,
        initech: (({ firstSeen, lastSeen, people }) => ({ firstSeen, lastSeen, people }))((await storage.findAccount(site, 'initech', options))!),
      });
      const batched = await open();
      await batched.appendEvents(events);
      const oneByOne = await open();
      for (const event of events) await oneByOne.appendEvents([event]);
      expect(await seen(batched)).toEqual(await seen(oneByOne));
      expect((await seen(batched)).kim).toEqual([
        { id: 'initech', domain: null, via: 'group', firstSeen: new Date(t0).toISOString(), lastSeen: new Date(t0 + 3 * minute).toISOString() },
      ]);
      expect((await seen(batched)).initech).toEqual({ firstSeen: new Date(t0 - minute).toISOString(), lastSeen: new Date(t0 + 3 * minute).toISOString(), people: 2 });
    });

    it('keeps a member’s last sighting within a minute of their last event while they stay active', async () => {
      // One event every 30 s for five minutes, each in a batch of its own: the collector skips
      // sightings it has just recorded, but never lets what it records fall more than a minute behind.
      const storage = await open();
      const events = eventsAt(site, Array.from({ length: 11 }, (_, index) => [t0 + index * 30_000, { type: 'track', userId: 'u-kim', event: 'Clicked', context: { groupId: 'initech' } } as never]));
      for (const event of events) await storage.appendEvents([event]);
      const last = t0 + 5 * minute;
      const [membership] = (await storage.findPerson(site, 'u-kim', options))!.accounts;
      const account = (await storage.findAccount(site, 'initech', options))!;
      for (const lastSeen of [membership!.lastSeen, account.lastSeen]) {
        expect(Date.parse(lastSeen ?? '')).toBeGreaterThanOrEqual(last - minute);
        expect(Date.parse(lastSeen ?? '')).toBeLessThanOrEqual(last);
      }
    });

    it('credits events to accounts: by groupId, else the person’s most recent account; domains match only when unique', async () => {
      const storage = await open();
      await storage.appendEvents(
        eventsAt(site, [
          [t0, { type: 'group', userId: 'u-consultant', groupId: 'acme', traits: { domain: 'https://www.acme.com/about' } } as never],
          [t0 + minute, { type: 'track', userId: 'u-consultant', event: 'Read Docs' } as never],
          [t0 + day, { type: 'group', userId: 'u-consultant', groupId: 'globex', traits: { website: 'globex.io' } } as never],
          [t0 + day + minute, { type: 'track', userId: 'u-consultant', event: 'Booked Demo' } as never],
          [t0 + day + 2 * minute, { type: 'track', userId: 'u-consultant', event: 'For Acme', context: { groupId: 'acme' } } as never],
          [t0 + 2 * day, { type: 'identify', userId: 'u-twin', traits: { email: 'twin@twins.io' } } as never],
          [t0 + 2 * day, { type: 'group', userId: 'u-a', groupId: 'twin-a', traits: { domain: 'twins.io' } } as never],
          [t0 + 2 * day, { type: 'group', userId: 'u-b', groupId: 'twin-b', traits: { domain: 'twins.io' } } as never],
        ]),
      );
      const acme = (await storage.findAccount(site, 'acme.com', options))!;
      expect(acme).toMatchObject({ id: 'acme', domain: 'acme.com', people: 1 });
      const eventsOf = async (ref: string) =>
        (await storage.accountEvents(site, ref, { limit: 50 }, options))!.events.map((event) => JSON.parse(event.payload).event ?? JSON.parse(event.payload).type);
      expect(await eventsOf('acme')).toEqual(['group', 'For Acme']);
      expect(await eventsOf('globex')).toEqual(['Read Docs', 'group', 'Booked Demo']);
      // Two accounts claim twins.io: the domain matches nobody.
      expect((await storage.findPerson(site, 'u-twin', options))!.accounts).toEqual([]);
      expect(await storage.findAccount(site, 'twins.io', options)).toBeNull();
    });

    it('merges accounts', async () => {
      const storage = await open();
      await storage.appendEvents(
        eventsAt(site, [
          [t0, { type: 'group', userId: 'u-1', groupId: 'acme-inc', traits: { name: 'Acme Inc' } } as never],
          [t0 + minute, { type: 'group', userId: 'u-2', groupId: 'acme', traits: { domain: 'acme.com' } } as never],
        ]),
      );
      expect(await storage.mergeAccounts(site, 'acme', 'acme-inc')).toBe('acme');
      const account = (await storage.findAccount(site, 'acme-inc', options))!;
      expect(account).toMatchObject({ id: 'acme', merged: ['acme-inc'], people: 2, traits: { name: { value: 'Acme Inc' } } });
      expect((await storage.findPerson(site, 'u-1', options))!.accounts.map((a) => a.id)).toEqual(['acme']);
    });

    it('reads the timeline of an account with a hundred others merged into it, each event once', { timeout: 60_000 }, async () => {
      // Each of its ids is bound in every read: a database with few parameters a statement (D1:
      // 100) reads them a few at a time.
      const storage = await open();
      const merged = Array.from({ length: 100 }, (_, index) => `acme-${index}`);
      await storage.appendEvents(
        eventsAt(site, [[t0, { type: 'group', userId: 'u-0', groupId: 'acme' } as never], ...merged.map((groupId, index) => [t0 + (index + 1) * minute, { type: 'group', userId: `u-${index + 1}`, groupId } as never] as [number, never])]),
      );
      for (const groupId of merged) expect(await storage.mergeAccounts(site, 'acme', groupId)).toBe('acme');
      const expected = ['acme', ...merged];
      expect(await accountTimeline(storage, 'acme', 200)).toEqual(expected);
      expect(await accountTimeline(storage, 'acme', 7)).toEqual(expected);
    });

    it('infers an account from a new work domain only when configured to', async () => {
      const storage = await open();
      await storage.appendEvents(eventsAt(site, [[t0, { type: 'identify', userId: 'u-1', traits: { email: 'ops@initech.com' } } as never]]));
      expect(await storage.findAccount(site, 'initech.com', options)).toBeNull();
      const auto = { autoAccounts: true };
      expect(await storage.findAccount(site, 'initech.com', auto)).toMatchObject({ id: 'initech.com', implied: true, people: 1 });
      expect((await storage.findPerson(site, 'u-1', auto))!.accounts).toEqual([expect.objectContaining({ id: 'initech.com', via: 'email-domain' })]);
    });

    it.skipIf(!subject.dump)('erases a person entirely: events, identifiers, traits, links, and every fact from their events', async () => {
      const storage = await open();
      await storage.appendEvents(story());
      // A call the CRM logged with her: imported touchpoints are hers too.
      await storage.importTouchpoints(site, [{ source: 'crm', externalId: 'call-1', type: 'sales_call', occurredAt: Date.UTC(2026, 0, 20), email: 'ann@northwind.io' }], { window: 0, now: Date.UTC(2026, 1, 1) });
      const ann = (await storage.findPerson(site, 'u-ann', options))!;
      const annEvents = await timeline(storage, 'u-ann');
      const counts = (await storage.erasePerson(site, 'u-ann'))!;
      expect(counts.events).toBe(annEvents.length);
      expect(counts.identifiers).toBe(4);
      expect(counts.touchpoints).toBe(1);
      expect(await storage.findPerson(site, 'u-ann', options)).toBeNull();
      const everything = await subject.dump!(storage);
      for (const trace of ['u-ann', 'ann@northwind.io', '"L"', '"P"', ann.id, ...annEvents]) {
        expect(everything, trace).not.toContain(trace);
      }
      // The others are untouched; Northwind keeps Ben.
      expect((await storage.accountPeople(site, 'northwind', options))!.map((person) => person.via)).toEqual(['email-domain']);
      expect(await timeline(storage, 'u-eve')).toHaveLength(3);
    });
  });
}
