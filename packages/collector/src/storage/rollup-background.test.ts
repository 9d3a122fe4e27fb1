import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { openSqliteStorage } from './sqlite/index.ts';
import { eventsAt, t0 } from './story.ts';
import { eventsPerBackgroundPass } from './journey/rollup.ts';

const folder = mkdtempSync(join(tmpdir(), 'journey-rollup-background-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
afterEach(() => vi.useRealTimers());

/** A turn of the event loop: the database's group commit runs in setImmediate, which stays real. */
const turn = () => new Promise((resolve) => setImmediate(resolve));
/** Time enough for this many passes that start at once (none that waits for a rest). */
async function passes(count: number): Promise<void> {
  for (let step = 0; step < count; step++) {
    await turn();
    await vi.advanceTimersByTimeAsync(0);
  }
}

describe('the journey rollup in the background', () => {
  it('catches up pass after pass, without a rest or a query, once writes stop', async () => {
    const storage = await openSqliteStorage(join(folder, 'journey.db'));
    const events = eventsAt(
      'default',
      Array.from({ length: 4 * eventsPerBackgroundPass + 11 }, (_, i): [number, Record<string, unknown>] => [
        t0 + i * 60_000,
        { type: 'page', anonymousId: `device-${i % 40}`, context: { page: { path: `/page-${i % 7}` } } },
      ]),
    );
    // Only the rollup's timers are fake: a rest between passes never ends unless the test says so.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    // Built once (a first build takes everything at once); what comes after is followed in passes.
    await storage.appendEvents(events.slice(0, 1));
    await vi.advanceTimersByTimeAsync(1000);
    await passes(10);
    expect(await storage.journeyVersion({ settled: false })).toBe('1:0:0');
    await storage.appendEvents(events.slice(1));
    // A write is followed a moment later (a second), then every pass starts at once.
    await vi.advanceTimersByTimeAsync(1000);
    await passes(50);
    const unsettled = await storage.journeyVersion({ settled: false });
    vi.useRealTimers();
    // As far as the rollup has come without a query is as far as a query would make it come.
    expect(unsettled).toBe(await storage.journeyVersion());
    await storage.close();
  });
});
