import { describe, expect, it } from 'vitest';
import { generate } from '@journey/generator';
import { secretKey, testCollector } from '../testing/collector.ts';

/**
 * The generator's journeys, sent as a site would send them and imported as a CRM would export
 * them, must come out of the collector as the generator made them: each identified person's and
 * each account's stage, when they got there, and the channel of their first touch.
 */
describe('journeys held to the generator’s truth', () => {
  it('finds every identified person’s and every account’s stage and first channel', { timeout: 60_000 }, async () => {
    const dataset = generate({ seed: 7, people: 200, accounts: 25, sharedDevices: false });
    const collector = await testCollector({ config: { rateLimit: { perWriteKey: { perSecond: 0, burst: 0 }, perIp: { perSecond: 0, burst: 0 } } } });
    for (const batch of dataset.batches(500)) {
      const answer = await (await collector.post('/v1/batch', { batch })).json();
      expect(answer.rejected).toEqual([]);
    }
    const imported = await collector.app.request('/v1/import', {
      method: 'POST',
      body: JSON.stringify(dataset.touchpoints),
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${secretKey}` },
    });
    expect((await imported.json()).rejected).toBe(0);

    const journey = async (path: string) => (await collector.app.request(path, { headers: { Authorization: `Bearer ${secretKey}` } })).json();
    const people = dataset.truth.people.filter((person) => person.userId && person.devices.every((device) => device.identified) && person.stage);
    expect(people.length).toBeGreaterThan(10);
    for (const person of people) {
      const found = await journey(`/v1/persons/${encodeURIComponent(person.userId!)}/journey`);
      expect({ person: person.id, stage: found.stage, channel: found.touchpoints[0]?.channel }).toEqual({ person: person.id, stage: person.stage, channel: person.firstTouch!.channel });
      for (const [stage, truth] of Object.entries(person.stages)) {
        expect(found.stages.find((entry: any) => entry.stage === stage), `${person.id} ${stage}`).toMatchObject({ status: truth!.status, at: truth!.at });
      }
    }
    // An account is known once one of its people signs up (group()); before that its visitors
    // are anonymous to any collector.
    const signedUp = new Set(dataset.truth.people.filter((person) => person.userId).map((person) => person.accountId));
    const accounts = dataset.truth.accounts.filter((account) => account.stage && signedUp.has(account.id));
    expect(accounts.length).toBeGreaterThan(0);
    const identifiedDevices = new Set(dataset.truth.people.filter((person) => person.userId).flatMap((person) => person.devices.filter((device) => device.identified).map((device) => device.anonymousId)));
    let checkedFirstTouches = 0;
    for (const account of accounts) {
      const found = await journey(`/v1/accounts/${encodeURIComponent(account.id)}/journey`);
      expect({ account: account.id, stage: found.stage, error: found.error }).toEqual({ account: account.id, stage: account.stage, error: undefined });
      // Its first touch, when it came from a device someone later identified on: a colleague who
      // never signed up stays anonymous to any collector.
      if (identifiedDevices.has(account.firstTouch!.anonymousId)) {
        expect(found.stats.firstTouch, account.id).toBe(account.firstTouch!.at);
        checkedFirstTouches += 1;
      }
    }
    expect(checkedFirstTouches).toBeGreaterThan(0);
  });
});
