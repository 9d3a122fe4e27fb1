import { DatabaseSync } from 'node:sqlite';
import { Kysely, SqliteDialect } from 'kysely';
import { afterEach, describe, expect, it } from 'vitest';
import type { Database } from '../schema.ts';
import { migrate } from '../migrations.ts';
import { kyselyDatabase } from '../sqlite/driver.ts';
import { nodeSqlite } from '../sqlite/node-sqlite.ts';
import { eventsIn, pagesOf, queryLimits, type EventScope, type TimelineCursor } from './scope.ts';

// The storage contract suites page timelines forwards through every adapter; here the reading
// itself is checked both ways, on an in-memory SQLite database, with more sources than a page.
const opened: Array<Kysely<Database>> = [];
afterEach(async () => {
  for (const db of opened.splice(0)) await db.destroy();
});

async function database(): Promise<Kysely<Database>> {
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: kyselyDatabase(nodeSqlite.open(':memory:')) }) });
  opened.push(db);
  await migrate(db, 'sqlite');
  return db;
}

/** 30 devices, 20 events each, their times interleaved and some shared by several devices. */
async function interleaved(db: Kysely<Database>): Promise<EventScope> {
  const rows = [];
  for (let device = 0; device < 30; device++) {
    for (let i = 0; i < 20; i++) {
      const timestamp = 1_000_000 + (i * 7 + device * 13) * 1000 + (device % 3 === 0 ? 0 : device);
      rows.push({ site: 'default', message_id: `m-${device}-${i}`, type: 'page', anonymous_id: `d${device}`, user_id: null, group_id: null, timestamp, received_at: timestamp, payload: JSON.stringify({ device, i }) });
    }
  }
  for (let start = 0; start < rows.length; start += 100) await db.insertInto('events').values(rows.slice(start, start + 100)).execute();
  return { userIds: [], owners: [], devices: Array.from({ length: 30 }, (_, device) => `d${device}`) };
}

async function allPages(db: Kysely<Database>, scope: EventScope, limit: number, descending: boolean): Promise<number[]> {
  const seqs: number[] = [];
  let after: TimelineCursor | undefined;
  for (let pages = 0; pages <= 600; pages++) {
    const page = await eventsIn(db, 'default', scope, { limit, descending, ...(after && { after }) });
    seqs.push(...page.map((event) => event.seq));
    if (page.length < limit) break;
    const last = page.at(-1)!;
    after = { at: last.timestamp, seq: last.seq };
  }
  return seqs;
}

describe('eventsIn', () => {
  it('pages many sources in time order either way, each event once', { timeout: 30_000 }, async () => {
    const db = await database();
    const scope = await interleaved(db);
    const expected = (
      await db.selectFrom('events').select(['seq', 'timestamp']).orderBy('timestamp').orderBy('seq').execute()
    ).map((row) => Number(row.seq));
    expect(expected).toHaveLength(600);
    // Pages of 2 read each source that deep; the others a few deep first, then on where the page may reach.
    for (const limit of [2, 7, 50, 500]) {
      expect(await allPages(db, scope, limit, false), `forwards, pages of ${limit}`).toEqual(expected);
      expect(await allPages(db, scope, limit, true), `backwards, pages of ${limit}`).toEqual([...expected].reverse());
    }
  });
});

describe('pagesOf', () => {
  it('reads a whole table at once, or a page at a time with other work let in between', async () => {
    const db = await database();
    await interleaved(db);
    const query = () => db.selectFrom('events').select(['seq', 'message_id']).where('site', '=', 'default');
    const read = async () => {
      const pages: number[][] = [];
      for await (const rows of pagesOf(db, query())) pages.push(rows.map((row) => Number(row.seq)));
      return pages;
    };
    const all = (await query().orderBy('seq').execute()).map((row) => Number(row.seq));
    const once = await read();
    expect(once).toHaveLength(1);
    expect(once[0]!.sort((x, y) => x - y)).toEqual(all);

    queryLimits.set(db, { maxParameters: 32_766, maxCompoundSelect: 500, pageRows: 250 });
    const order: string[] = [];
    setTimeout(() => order.push('a request'), 0);
    const pages = await read();
    order.push('read');
    expect(pages.map((page) => page.length)).toEqual([250, 250, 100]);
    expect(pages.flat()).toEqual(all);
    expect(order).toEqual(['a request', 'read']);
  });
});

