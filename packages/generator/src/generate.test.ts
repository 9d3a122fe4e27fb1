import { event as eventSchema, type JourneyEvent } from '@journey/protocol';
import { describe, expect, it } from 'vitest';
import { generate, type GeneratorOptions } from './index.ts';

const small: GeneratorOptions = { seed: 11, people: 300, accounts: 15 };
const all = (options: GeneratorOptions) => [...generate(options).events()];
const withoutSentAt = ({ sentAt: _, ...event }: JourneyEvent) => event;

describe('generate', () => {
  const dataset = generate(small);
  const events = [...dataset.events()];

  it('makes events the protocol accepts, each as the SDK would send it', () => {
    const refused = events.map((event) => eventSchema.safeParse(event)).filter((result) => !result.success);
    expect(refused.map((result) => result.error?.issues)).toEqual([]);
    const browser = events.filter((event) => event.anonymousId !== undefined);
    expect(browser.every((event) => event.context?.library?.name === 'journey.js' && event.context.sessionId && event.context.page?.url)).toBe(true);
    const types = new Set(events.map((event) => (event.type === 'track' ? event.event : event.type)));
    for (const expected of ['page', 'identify', 'group', 'Signed Up', 'Order Completed', 'Subscription Started', 'Subscription Renewed', 'Form Abandoned']) {
      expect(types).toContain(expected);
    }
  });

  it('makes exactly the people and accounts asked for, and about the events asked for', () => {
    const { totals, people, accounts } = dataset.truth;
    expect([totals.people, people.length, totals.accounts, accounts.length]).toEqual([300, 300, 15, 15]);
    expect(totals.events).toBe(events.length);
    expect(new Set(people.map((person) => person.id)).size).toBe(300);
    expect(people.filter((person) => person.accountId).length).toBeGreaterThanOrEqual(15);

    for (const events of [24_000, 60_000]) {
      const target = generate({ seed: 5, people: 1000, accounts: 40, events });
      expect(Math.abs(target.truth.totals.events - events)).toBeLessThan(events * 0.02);
    }
    expect(() => generate({ seed: 5, people: 1000, accounts: 40, events: 5000 })).toThrow(/fewer than these people's journeys need/);
  });

  it('gives the same bytes for the same seed and options, and others for another seed', () => {
    const again = generate(small);
    expect(JSON.stringify([...again.events()])).toBe(JSON.stringify(events));
    expect(JSON.stringify(again.truth)).toBe(JSON.stringify(dataset.truth));
    expect(JSON.stringify(again.touchpoints)).toBe(JSON.stringify(dataset.touchpoints));
    const other = all({ ...small, seed: 12 });
    expect(other.slice(0, 50).map((event) => event.messageId)).not.toEqual(events.slice(0, 50).map((event) => event.messageId));
  });

  it('streams the same events as making every journey at once and sorting them', () => {
    const units = [...dataset.truth.accounts.map((account) => account.id), ...dataset.truth.people.filter((person) => !person.accountId).map((person) => person.id)];
    const seen = new Set<string>();
    const whole: JourneyEvent[] = [];
    for (const id of units) {
      for (const event of dataset.eventsFor(id)) {
        // A couple's unit comes up once for each of them.
        if (!seen.has(event.messageId)) whole.push(event);
        seen.add(event.messageId);
      }
    }
    whole.sort((a, b) => (a.sentAt! < b.sentAt! ? -1 : a.sentAt! > b.sentAt! ? 1 : a.messageId < b.messageId ? -1 : 1));
    expect(whole).toEqual(events);
    const batches = [...generate(small).batches(7)];
    expect(batches.every((batch) => batch.length <= 7)).toBe(true);
    expect(batches.flat()).toEqual(events);
  });

  it('keeps visits apart, so a collector cutting sessions at 30 idle minutes finds the SDK’s sessions', () => {
    const byDevice = new Map<string, JourneyEvent[]>();
    for (const event of events) if (event.anonymousId) byDevice.set(event.anonymousId, [...(byDevice.get(event.anonymousId) ?? []), event]);
    for (const stream of byDevice.values()) {
      stream.sort((a, b) => (a.timestamp! < b.timestamp! ? -1 : a.timestamp! > b.timestamp! ? 1 : 0));
      for (let index = 1; index < stream.length; index++) {
        const [before, after] = [stream[index - 1]!, stream[index]!];
        const idle = Date.parse(after.timestamp!) - Date.parse(before.timestamp!);
        if (after.context!.sessionId === before.context!.sessionId) expect(idle).toBeLessThanOrEqual(30 * 60_000);
        else expect(idle).toBeGreaterThan(30 * 60_000);
      }
    }
    expect(new Set(events.map((event) => event.context?.sessionId).filter(Boolean)).size).toBe(dataset.truth.totals.sessions);
  });

  it('delivers in sentAt order, each messageId once', () => {
    const sentAt = events.map((event) => event.sentAt!);
    expect(sentAt).toEqual([...sentAt].sort());
    expect(new Set(events.map((event) => event.messageId)).size).toBe(events.length);
  });

  it('gathers the same truth while streaming as it makes on its own', () => {
    const alone = generate(small);
    expect(alone.truth).toEqual(dataset.truth);
    expect(alone.touchpoints).toEqual(dataset.touchpoints);
  });

  it('sends some visits late, which changes sentAt and nothing else', () => {
    const late = events.filter((event) => Date.parse(event.sentAt!) - Date.parse(event.timestamp!) > 10 * 60_000);
    expect(late.length).toBeGreaterThan(0);
    const onTime = all({ ...small, lateDelivery: false });
    expect(onTime.every((event) => Date.parse(event.sentAt!) - Date.parse(event.timestamp!) < 3000)).toBe(true);
    const byId = new Map(onTime.map((event) => [event.messageId, withoutSentAt(event)]));
    expect(events.map((event) => withoutSentAt(event))).toEqual(events.map((event) => byId.get(event.messageId)));
    // Delivered late is delivered out of order.
    const times = events.map((event) => event.timestamp!);
    expect(times).not.toEqual([...times].sort());
  });

  it('leaves timestamp to the collector when not importing history, as the SDK does', () => {
    const live = all({ ...small, historical: false });
    expect(live.filter((event) => event.anonymousId !== undefined).every((event) => event.timestamp === undefined && event.originalTimestamp)).toBe(true);
    // Server libraries stamp their events themselves.
    expect(live.filter((event) => event.anonymousId === undefined).every((event) => event.timestamp)).toBe(true);
  });

  it('links a person’s other devices only when they log in on them', () => {
    const people = generate({ ...small, people: 1000, accounts: 40 }).truth.people;
    expect(people.some((person) => person.devices.filter((device) => device.identified).length >= 2)).toBe(true);
    const apart = generate({ ...small, people: 1000, accounts: 40, crossDevice: false }).truth.people;
    expect(apart.some((person) => person.devices.length >= 2)).toBe(true);
    expect(apart.every((person) => person.devices.filter((device) => device.identified).length <= 1)).toBe(true);
  });

  it('lets couples share a laptop without logging out when asked: one anonymousId, two people', () => {
    const owners = (people: ReturnType<typeof generate>['truth']['people']) => {
      const byDevice = new Map<string, string[]>();
      for (const person of people) for (const device of person.devices) byDevice.set(device.anonymousId, [...(byDevice.get(device.anonymousId) ?? []), person.id]);
      return [...byDevice.values()];
    };
    const shared = generate({ seed: 11, people: 2000, accounts: 0, sharedDevices: true });
    const sharedDevices = owners(shared.truth.people).filter((ids) => ids.length === 2);
    expect(sharedDevices.length).toBeGreaterThan(10);
    expect(shared.truth.people.filter((person) => person.devices.some((device) => device.shared)).length).toBe(sharedDevices.length * 2);
    // On it, one person's visits go out under the other's user id until they identify themselves.
    const userIdsByDevice = new Map<string, Set<string>>();
    for (const event of shared.events()) {
      if (event.anonymousId && event.userId) userIdsByDevice.set(event.anonymousId, (userIdsByDevice.get(event.anonymousId) ?? new Set()).add(event.userId));
    }
    expect([...userIdsByDevice.values()].filter((ids) => ids.size === 2).length).toBeGreaterThan(0);
    expect(owners(dataset.truth.people).every((ids) => ids.length === 1)).toBe(true);
  });

  it('refuses options it cannot honour', () => {
    expect(() => generate({ people: 10, accounts: 11 })).toThrow(/accounts cannot outnumber people/);
    expect(() => generate({ people: 0 })).toThrow();
    expect(() => generate({ start: 'yesterday' })).toThrow();
  });
});
