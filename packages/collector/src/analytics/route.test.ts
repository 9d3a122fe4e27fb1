import { describe, expect, it, vi } from 'vitest';
import { createCollector } from '../app.ts';
import { patience } from './snapshots.ts';
import { secretKey, testCollector, writeKey } from '../testing/collector.ts';

const visit = (device: string, at: string) => ({ type: 'page', messageId: `${device}-${at}`, anonymousId: device, timestamp: at, context: { page: { url: 'https://northwind.io/', path: '/' } } });

describe('aggregate queries on a live site', () => {
  it('answer from data up to analyticsMaxAge old while newer data takes long to stage, then from the newer', async () => {
    let clock = Date.parse('2026-02-01T00:00:00Z');
    const collector = await testCollector({ config: { analyticsMaxAge: 60_000 }, now: () => clock });
    const funnel = async () => (await collector.app.request('/v1/funnel?from=2026-01-01&to=2026-01-31', { headers: { Authorization: `Bearer ${secretKey}` } })).json();

    await collector.post('/v1/batch', { batch: [visit('ann', '2026-01-05T09:00:00Z')] });
    const first = await funnel();
    expect(first).toMatchObject({ asOf: '2026-02-01T00:00:00.000Z', people: { cohort: 1 } });

    // Reading what changed takes a while, as a change reaching many people on a big site does.
    const read = collector.storage.scopedJourneyFacts.bind(collector.storage);
    vi.spyOn(collector.storage, 'scopedJourneyFacts').mockImplementation(async (...args) => (await new Promise((resolve) => setTimeout(resolve, patience * 3)), read(...args)));
    await collector.post('/v1/batch', { batch: [visit('ben', '2026-01-06T09:00:00Z')] });
    clock += 10_000;
    // Ten seconds on: the answer may still come from what was staged before Ben's visit.
    expect(await funnel()).toMatchObject({ asOf: first.asOf, people: { cohort: 1 } });
    // The staging that request started lands, and the next answers have Ben.
    await vi.waitFor(async () => expect(await funnel()).toMatchObject({ asOf: '2026-02-01T00:00:10.000Z', people: { cohort: 2 } }), { timeout: 5_000 });

    await collector.post('/v1/batch', { batch: [visit('cleo', '2026-01-07T09:00:00Z')] });
    clock += 120_000;
    // Past the age: the answer waits for the newest data.
    expect(await funnel()).toMatchObject({ asOf: '2026-02-01T00:02:10.000Z', people: { cohort: 3 } });
  });

  it('answer nothing staged before an erasure, however young, once the person is erased', async () => {
    let clock = Date.parse('2026-02-01T00:00:00Z');
    const collector = await testCollector({ config: { analyticsMaxAge: 60_000 }, now: () => clock });
    const admin = { Authorization: `Bearer ${secretKey}` };
    const funnel = async () => (await collector.app.request('/v1/funnel?from=2026-01-01&to=2026-01-31', { headers: admin })).json();
    const signUp = { type: 'identify', messageId: 'ann-signup', anonymousId: 'ann', userId: 'u-ann', timestamp: '2026-01-05T09:01:00Z' };
    await collector.post('/v1/batch', { batch: [visit('ann', '2026-01-05T09:00:00Z'), signUp, visit('ben', '2026-01-06T09:00:00Z')] });
    expect(await funnel()).toMatchObject({ people: { cohort: 2 } });

    // The staging after the erasure (a whole one) takes long, as on a big site.
    const read = collector.storage.journeyFacts.bind(collector.storage);
    vi.spyOn(collector.storage, 'journeyFacts').mockImplementation(async (...args) => (await new Promise((resolve) => setTimeout(resolve, patience * 3)), read(...args)));
    expect((await collector.app.request('/v1/persons/u-ann', { method: 'DELETE', headers: admin })).status).toBe(200);
    clock += 10_000;
    // Ten seconds on, well within the age an answer may have: it waits for a staging without her.
    expect(await funnel()).toMatchObject({ asOf: '2026-02-01T00:00:10.000Z', people: { cohort: 1 } });
  });

  it('answer from the newer data when it is staged within a moment, as a few new events are', async () => {
    let clock = Date.parse('2026-02-01T00:00:00Z');
    const collector = await testCollector({ config: { analyticsMaxAge: 60_000 }, now: () => clock });
    const funnel = async () => (await collector.app.request('/v1/funnel?from=2026-01-01&to=2026-01-31', { headers: { Authorization: `Bearer ${secretKey}` } })).json();
    await collector.post('/v1/batch', { batch: [visit('ann', '2026-01-05T09:00:00Z')] });
    expect(await funnel()).toMatchObject({ asOf: '2026-02-01T00:00:00.000Z', people: { cohort: 1 } });
    await collector.post('/v1/batch', { batch: [visit('ben', '2026-01-06T09:00:00Z')] });
    clock += 10_000;
    expect(await funnel()).toMatchObject({ asOf: '2026-02-01T00:00:10.000Z', people: { cohort: 2 } });
  });

  it('follow changes in the background once staged, so the first answer after a change already has it', async () => {
    let clock = Date.parse('2026-02-01T00:00:00Z');
    const collector = await testCollector({ config: { analyticsMaxAge: 60_000, analyticsFollowInterval: 20 }, now: () => clock });
    const funnel = async () => (await collector.app.request('/v1/funnel?from=2026-01-01&to=2026-01-31', { headers: { Authorization: `Bearer ${secretKey}` } })).json();
    await collector.post('/v1/batch', { batch: [visit('ann', '2026-01-05T09:00:00Z')] });
    expect(await funnel()).toMatchObject({ people: { cohort: 1 } });

    // A quiet hour: the staging is found current again and again.
    clock += 3_600_000;
    await vi.waitFor(async () => expect((await funnel()).asOf).toBe('2026-02-01T01:00:00.000Z'));
    await collector.post('/v1/batch', { batch: [visit('ben', '2026-01-06T09:00:00Z')] });
    // No query asked, yet the next answer has Ben: the rollup (a second after the write) and the
    // staging followed on their own.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await funnel()).toMatchObject({ people: { cohort: 2 } });
  });

  it('stage as the collector starts when analyticsWarmUp is on, so the first query finds them staged', async () => {
    const { storage, post } = await testCollector();
    await post('/v1/batch', { batch: [visit('ann', '2026-01-05T09:00:00Z')] });
    const reads = vi.spyOn(storage, 'journeyFacts');
    const start = (analyticsWarmUp: boolean) =>
      createCollector({ storage, config: { writeKeys: [{ key: writeKey, site: 'default', allowedOrigins: '*' }], secretKey, analyticsWarmUp }, log: () => {} });
    start(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(reads).not.toHaveBeenCalled();
    const app = start(true);
    await vi.waitFor(() => expect(reads).toHaveBeenCalledTimes(1));
    const answer = await (await app.request('/v1/funnel?from=2026-01-01&to=2026-01-31', { headers: { Authorization: `Bearer ${secretKey}` } })).json();
    expect(answer).toMatchObject({ people: { cohort: 1 } });
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('start from the staging saved by the collector before, held again at once, staging nobody anew, unless analyticsSaveInterval is 0', async () => {
    const { storage, post } = await testCollector();
    await post('/v1/batch', { batch: [visit('ann', '2026-01-05T09:00:00Z'), visit('ben', '2026-01-06T09:00:00Z')] });
    const reads = vi.spyOn(storage, 'journeyFacts');
    const saves = vi.spyOn(storage, 'saveStaging');
    const start = (analyticsSaveInterval?: number) => {
      const app = createCollector({ storage, config: { writeKeys: [{ key: writeKey, site: 'default', allowedOrigins: '*' }], secretKey, ...(analyticsSaveInterval !== undefined && { analyticsSaveInterval }) }, log: () => {} });
      return async () => (await app.request('/v1/funnel?from=2026-01-01&to=2026-01-31', { headers: { Authorization: `Bearer ${secretKey}` } })).json();
    };
    // Saved a moment after the staging (at most analyticsSaveInterval on; half a minute by default).
    expect(await start(50)()).toMatchObject({ people: { cohort: 2 } });
    expect(saves).not.toHaveBeenCalled();
    await vi.waitFor(() => expect(saves).toHaveBeenCalledTimes(1));
    expect(reads).toHaveBeenCalledTimes(1);
    // Started again: the saved staging is read as the collector starts, and Cleo's visit since
    // followed from it, before any query.
    await post('/v1/batch', { batch: [visit('cleo', '2026-01-07T09:00:00Z')] });
    const saved = vi.spyOn(storage, 'savedStaging');
    const followed = vi.spyOn(storage, 'scopedJourneyFacts');
    const funnel = start();
    await vi.waitFor(() => expect(followed).toHaveBeenCalled());
    expect(saved).toHaveBeenCalledTimes(1);
    expect(await funnel()).toMatchObject({ people: { cohort: 3 } });
    expect(reads).toHaveBeenCalledTimes(1);
    // Saving off: neither saved nor read.
    expect(await start(0)()).toMatchObject({ people: { cohort: 3 } });
    expect(reads).toHaveBeenCalledTimes(2);
    // Nothing saved since the first: the one held again is followed, and saved when ten minutes are up.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(saves).toHaveBeenCalledTimes(1);
  });
});
