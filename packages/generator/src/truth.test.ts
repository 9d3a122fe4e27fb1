import type { JourneyEvent } from '@journey/protocol';
import { describe, expect, it } from 'vitest';
import { generate, stages, type PersonTruth, type Stage } from './index.ts';
import { readChannel } from './read-channel.testing.ts';

const dataset = generate({ seed: 21, people: 600, accounts: 30 });
const events = [...dataset.events()];
const time = (iso: string | undefined) => (iso === undefined ? undefined : Date.parse(iso));

/** A person's events: whatever their devices sent, and what the server sent under their user id. */
function eventsOf(person: PersonTruth): JourneyEvent[] {
  const devices = new Set(person.devices.map((device) => device.anonymousId));
  return events.filter((event) => (event.anonymousId !== undefined ? devices.has(event.anonymousId) : event.userId === person.userId));
}

/**
 * The default stage model (issue 6), written from its rules and applied to events and offline
 * touchpoints: a stage is reached at its first match or at any later stage's, whichever is first.
 */
function stagesFrom(own: JourneyEvent[], email: string): Partial<Record<Stage, number>> {
  const first: number[] = [Infinity, Infinity, Infinity, Infinity];
  const match = (stage: number, at: number) => (first[stage] = Math.min(first[stage]!, at));
  const orders: number[] = [];
  for (const event of own) {
    const at = Date.parse(event.timestamp!);
    match(0, at);
    if (event.type === 'page' && /^\/(pricing|docs|case-studies)(\/|$)/.test(event.context!.page!.path!)) match(1, at);
    if (event.type !== 'track') continue;
    if (['Signed Up', 'Demo Requested', 'Webinar Registered'].includes(event.event)) match(1, at);
    if (['Order Completed', 'Subscription Started'].includes(event.event)) match(2, at);
    if (['Subscription Renewed', 'Referral Sent'].includes(event.event)) match(3, at);
    if (event.event === 'Order Completed') orders.push(at);
  }
  if (orders.length >= 2) match(3, orders.sort((a, b) => a - b)[1]!);
  for (const touchpoint of dataset.touchpoints.filter((touchpoint) => touchpoint.email === email)) {
    const at = Date.parse(touchpoint.occurredAt);
    match(0, at);
    if (['webinar', 'demo'].includes(touchpoint.type)) match(1, at);
    if (touchpoint.type === 'closed_won') match(2, at);
  }
  const reached: Partial<Record<Stage, number>> = {};
  let later = Infinity;
  for (let stage = 3; stage >= 0; stage--) {
    later = Math.min(later, first[stage]!);
    if (later < Infinity) reached[stages[stage]!] = later;
  }
  return reached;
}

describe('the truth', () => {
  it('places every person where the default stage rules place what they did', () => {
    for (const person of dataset.truth.people) {
      const truth = Object.fromEntries(Object.entries(person.stages).map(([stage, entry]) => [stage, time(entry.at)]));
      expect(truth, person.id).toEqual(stagesFrom(eventsOf(person), person.email));
      expect(person.stage).toBe(stages.filter((stage) => person.stages[stage]).at(-1));
    }
    // Every stage is represented, and some people stop at each.
    for (const stage of stages) expect(dataset.truth.people.some((person) => person.stage === stage), stage).toBe(true);
  });

  it('says someone bought when an order, a subscription or a closed deal of theirs says so', () => {
    const buyers = dataset.truth.people.filter((person) => person.convertedAt);
    expect(buyers.length).toBeGreaterThan(10);
    for (const person of buyers) {
      const at = person.convertedAt!;
      const orders = eventsOf(person).filter((event) => event.type === 'track' && ['Order Completed', 'Subscription Started'].includes(event.event) && event.timestamp === at);
      const deals = dataset.touchpoints.filter((touchpoint) => touchpoint.type === 'closed_won' && touchpoint.email === person.email && touchpoint.occurredAt === at);
      expect(orders.length + deals.length, person.id).toBeGreaterThan(0);
      // Whoever ordered on the site was logged in as themselves.
      expect(orders.every((event) => event.userId === person.userId)).toBe(true);
    }
  });

  it('names each first touch: the first page view of a journey, and the channel it arrived through', () => {
    for (const person of dataset.truth.people) {
      const own = eventsOf(person);
      const first = own.reduce((a, b) => (a.timestamp! <= b.timestamp! ? a : b));
      const touch = person.firstTouch!;
      expect([touch.at, touch.anonymousId, touch.path]).toEqual([first.timestamp, first.anonymousId, first.context?.page?.path]);
      const landing = first.context!;
      expect(readChannel({ utm: landing.campaign as Record<string, string>, clickIds: landing.clickIds as Record<string, string>, referrer: landing.page!.referrer! }), person.id).toBe(touch.channel);
      expect(person.channels[0]).toBe(touch.channel);
    }
  });

  it('only ever shows a consideration page first as a landing, so collectors agree however they read page rules', () => {
    for (const person of dataset.truth.people) {
      const page = eventsOf(person)
        .filter((event) => event.type === 'page' && /^\/(pricing|docs|case-studies)(\/|$)/.test(event.context!.page!.path!))
        .sort((a, b) => (a.timestamp! < b.timestamp! ? -1 : 1))[0];
      if (page) expect(page.context!.page!.referrer!.startsWith(dataset.settings.site), person.id).toBe(false);
    }
  });

  it('places an account by its people: aware with the first, buying with the first buyer, at least as far as any', () => {
    const people = new Map(dataset.truth.people.map((person) => [person.id, person]));
    for (const account of dataset.truth.accounts) {
      const members = account.people.map((id) => people.get(id)!);
      expect(members.every((person) => person.accountId === account.id)).toBe(true);
      const earliest = (stage: Stage) => members.map((person) => time(person.stages[stage]?.at) ?? Infinity).reduce((a, b) => Math.min(a, b));
      expect(time(account.stages.awareness?.at)).toBe(earliest('awareness'));
      expect(time(account.stages.purchase?.at) ?? Infinity).toBe(earliest('purchase'));
      const furthest = Math.max(...members.map((person) => stages.indexOf(person.stage!)));
      expect(stages.indexOf(account.stage!)).toBeGreaterThanOrEqual(furthest);
      if (account.convertedAt) expect(account.daysToPurchase).toBe(Math.floor((time(account.convertedAt)! - time(account.firstTouch!.at)!) / 86_400_000));
    }
  });

  it('counts touches as the journey map does: session entries, key events and offline touchpoints', () => {
    const person = dataset.truth.people.find((candidate) => candidate.touches.offline > 0 && candidate.touches.events > 0)!;
    const own = eventsOf(person);
    const sessions = new Set(own.map((event) => event.context?.sessionId).filter(Boolean)).size;
    const keyEvents = own.filter((event) => event.type === 'track' && event.event !== 'Form Abandoned').length;
    const offline = dataset.touchpoints.filter((touchpoint) => touchpoint.email === person.email).length;
    expect(person.touches).toEqual({ sessions, events: keyEvents, offline, total: sessions + keyEvents + offline });
  });
});

describe('the journeys', () => {
  // Large enough for averages; the truth alone is made, without writing events.
  const { truth } = generate({ seed: 1, people: 10_000, accounts: 400 });
  const average = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

  it('look like B2B journeys: about 31 touches over about 3 channels, several people, half a year to purchase', () => {
    const bought = truth.accounts.filter((account) => account.convertedAt);
    expect(bought.length).toBeGreaterThan(30);
    expect(average(bought.map((account) => account.touchesToPurchase!))).toBeGreaterThan(25);
    expect(average(bought.map((account) => account.touchesToPurchase!))).toBeLessThan(40);
    expect(average(bought.map((account) => account.channelsToPurchase!.length))).toBeGreaterThan(2.6);
    expect(average(bought.map((account) => account.channelsToPurchase!.length))).toBeLessThan(3.8);
    expect(average(bought.map((account) => account.daysToPurchase!))).toBeGreaterThan(130);
    expect(average(bought.map((account) => account.daysToPurchase!))).toBeLessThan(230);
    expect(average(bought.map((account) => account.people.length))).toBeGreaterThan(3);
  });

  it('lose people at every stage, at plausible rates', () => {
    const share = (people: PersonTruth[], stage: Stage) => people.filter((person) => person.stages[stage]).length / people.length;
    const individuals = truth.people.filter((person) => person.audience === 'b2c');
    expect(share(individuals, 'awareness')).toBe(1);
    expect(share(individuals, 'consideration')).toBeGreaterThan(0.3);
    expect(share(individuals, 'consideration')).toBeLessThan(0.5);
    expect(share(individuals, 'purchase')).toBeGreaterThan(0.08);
    expect(share(individuals, 'purchase')).toBeLessThan(0.18);
    expect(share(individuals, 'loyalty') / share(individuals, 'purchase')).toBeGreaterThan(0.4);
    const channels = new Set(individuals.map((person) => person.firstTouch?.channel));
    expect(channels.size).toBeGreaterThanOrEqual(7);
  });
});
