import { sql, type Kysely, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../schema.ts';
import { letRequestsIn } from '../../background.ts';
import type { StrongIdentifier } from '../../identity/identifiers.ts';
import type { StoredEvent } from '../port.ts';

type Db = Kysely<Database>;

/** Where someone's events are: by user id, by stretches of devices, by whole unclaimed devices. */
export interface EventSources {
  userIds: string[];
  /** Strong identifiers whose device stretches count. */
  owners: StrongIdentifier[];
  /** Devices nobody claimed: all their anonymous events count. */
  devices: string[];
}

/** Which events belong to someone, or to an account. */
export interface EventScope extends EventSources {
  /**
   * An account's: the ids its events name (groupId: its own and those merged into it). The
   * scope's own events then count when they name one of them or none, and those of `naming` (its
   * other people) only when they name one of them. Every event naming an account is its
   * sender's, and the sender a member by it, so the account's people hold all of them.
   */
  groupIds?: string[];
  naming?: EventSources;
}

export interface TimelineCursor {
  at: number;
  seq: number;
}

export interface ScopedEvent extends StoredEvent {
  timestamp: number;
}

/** What one statement may hold on a database: bound parameters, and terms of a UNION. */
export interface QueryLimits {
  maxParameters: number;
  maxCompoundSelect: number;
  /**
   * Where the database answers on the caller's own thread (an embedded SQLite), the most rows a
   * read of a whole site takes in one statement: between such pages other work runs.
   */
  pageRows?: number;
}

/**
 * The limits of the database behind a Kysely instance or transaction, registered by the storage
 * that opened it (sql-storage.ts); SQLite's defaults where none was. D1 allows 100 parameters
 * and 5 compound terms, so its timeline reads come in smaller statements.
 */
export const queryLimits = new WeakMap<Db, QueryLimits>();
export const limitsOf = (db: Db): QueryLimits => queryLimits.get(db) ?? { maxParameters: 32_766, maxCompoundSelect: 500 };

/**
 * A column compared as an expression, so no index is used for it: where something else narrows
 * the read (a range of seqs) or the whole table is read anyway. SQLite keeps no statistics here,
 * and given `site = ?` it walks an index leading on site through every row the site has, with a
 * lookup of each; `site || ''` leaves it the rowid range or a plain scan (PostgreSQL plans
 * these as well, by the seq index or a sequential scan).
 */
export const unindexed = (column: string) => sql<string>`${sql.ref(column)} || ''`;

/**
 * The rows of a read of a whole site: at once, or where the database runs on this thread
 * (`pageRows`), a page at a time in rowid order, other work let in between pages (a timer of
 * 0 ms). Rows written meanwhile may or may not be read, and a row rewritten meanwhile (a new
 * rowid) may come twice: the caller's later reading of what changed since it began sets it right.
 */
export async function* pagesOf<O>(db: Db, query: SelectQueryBuilder<any, any, O>): AsyncGenerator<O[]> {
  const { pageRows } = limitsOf(db);
  if (!pageRows) return yield await query.execute();
  let after = 0;
  for (;;) {
    const rows = (await query.select(sql<number>`rowid`.as('page_rowid')).where(sql`rowid`, '>', after).orderBy(sql`rowid`).limit(pageRows).execute()) as Array<O & { page_rowid: number }>;
    if (rows.length) yield rows;
    if (rows.length < pageRows) return;
    after = Number(rows.at(-1)!.page_rowid);
    await letRequestsIn();
  }
}

export const chunk = <T>(items: T[], size = 40): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * Identifiers grouped by kind, in chunks: `kind = ? AND value IN (…)` is a few index lookups,
 * while an OR of (kind, value) pairs makes SQLite scan the site's rows, which grows with the graph.
 */
export function byKind(ids: Array<{ kind: string; value: string }>, size = 80): Array<{ kind: string; values: string[] }> {
  const groups = new Map<string, string[]>();
  for (const id of ids) {
    const values = groups.get(id.kind) ?? [];
    if (!values.includes(id.value)) values.push(id.value);
    groups.set(id.kind, values);
  }
  return [...groups].flatMap(([kind, values]) => chunk(values, size).map((part) => ({ kind, values: part })));
}

/**
 * A page of the events in a scope, in corrected-time order (then arrival order). Each source (a
 * user id, a stretch of a device, an unclaimed device) is read through its
 * own index, in time order, stopping at the limit, reading only positions; the positions are
 * merged, and only the page's payloads are read. A person's 5,000 events over ten devices, or an
 * account's 50,000, cost small indexed range reads, never a scan or a sort of everything.
 */
export async function eventsIn(db: Db, site: string, scope: EventScope, options: { after?: TimelineCursor; limit: number; descending?: boolean }): Promise<ScopedEvent[]> {
  const { after, limit, descending } = options;
  const direction = descending ? sql`desc` : sql`asc`;
  const op = descending ? sql`<` : sql`>`;

  // The stretches of devices these people own, found by owner first (a small, indexed read).
  const stretchesOf = async (owners: StrongIdentifier[]) => {
    const stretches: Array<{ anonymous_id: string; from_at: number; to_at: number }> = [];
    for (const { kind, values } of byKind(owners)) {
      const rows = await db
        .selectFrom('device_segments')
        .select(['anonymous_id', 'from_at', 'to_at'])
        .where('site', '=', site)
        .where('owner_kind', '=', kind)
        .where('owner_value', 'in', values)
        .execute();
      stretches.push(...rows.map((row) => ({ anonymous_id: row.anonymous_id, from_at: Number(row.from_at), to_at: Number(row.to_at) })));
    }
    return stretches;
  };
  // One source per user id, stretch or device, each its own ordered, limited subquery.
  const sourcesOf = async ({ userIds, owners, devices }: EventSources, named: RawBuilder<unknown>) => [
    ...[...new Set(userIds)].map((userId) => sql`user_id = ${userId}${named}`),
    ...(await stretchesOf(owners)).map((stretch) => sql`anonymous_id = ${stretch.anonymous_id} and user_id is null and "timestamp" >= ${stretch.from_at} and "timestamp" < ${stretch.to_at}${named}`),
    ...[...new Set(devices)].map((device) => sql`anonymous_id = ${device} and user_id is null${named}`),
  ];
  // Which account an event names is read from the index that says whose it is (each ends in group_id).
  const groupIds = [...new Set(scope.groupIds ?? [])];
  const naming = groupIds.length ? sql`group_id in (${sql.join(groupIds)})` : undefined;
  const own = scope.groupIds === undefined ? sql`` : naming ? sql` and (group_id is null or ${naming})` : sql` and group_id is null`;
  const past = (position: Position, op: RawBuilder<unknown>) => sql` and ("timestamp" ${op} ${position.timestamp} or ("timestamp" = ${position.timestamp} and seq ${op} ${position.seq}))`;
  const cursor = after ? past({ timestamp: after.at, seq: after.seq }, op) : sql``;
  const sources = [...(await sourcesOf(scope, own)), ...(naming && scope.naming ? await sourcesOf(scope.naming, sql` and ${naming}`) : [])].map((where, source) => ({
    source,
    where: sql`${where}${cursor}`,
  }));
  const read = (reads: SourceRead[], each: number) => readSources(db, site, reads, each, direction, groupIds.length);
  const sign = descending ? -1 : 1;
  const inPageOrder = (x: Position, y: Position) => sign * (x.timestamp - y.timestamp || x.seq - y.seq);

  // Few sources: each read a page deep. Many (an account's people and devices): each read a few
  // events deep first; the page cannot end later than the `limit`-th of those, so only the sources
  // whose first few all come before that are read on, up to it. An account of 200 people reads
  // ~1,000 positions that way rather than 20,000.
  const probe = Math.max(4, Math.ceil((2 * limit) / sources.length));
  let found: SourcePosition[];
  if (probe >= limit) {
    found = await read(sources, limit);
  } else {
    found = await read(sources, probe);
    const sorted = [...found].sort(inPageOrder);
    const bound = sorted[limit - 1];
    const lastOf = new Map<number, SourcePosition>();
    const counts = new Map<number, number>();
    for (const position of sorted) {
      lastOf.set(position.source, position);
      counts.set(position.source, (counts.get(position.source) ?? 0) + 1);
    }
    const further = sources.flatMap(({ source, where }) => {
      const last = lastOf.get(source);
      // Read whole already, or its first few reach past the bound.
      if (!last || counts.get(source)! < probe || (bound && inPageOrder(last, bound) >= 0)) return [];
      const upTo = bound ? past(bound, descending ? sql`>=` : sql`<=`) : sql``;
      return [{ source, where: sql`${where}${past(last, op)}${upTo}` }];
    });
    if (further.length) found = [...found, ...(await read(further, limit))];
  }
  const positions = new Map<number, number>();
  for (const row of found) positions.set(row.seq, row.timestamp);
  const page = [...positions]
    .map(([seq, timestamp]) => ({ seq, timestamp }))
    .sort(inPageOrder)
    .slice(0, limit);
  const { maxParameters } = limitsOf(db);
  const payloads = new Map<number, string>();
  for (const part of chunk(page.map((event) => event.seq), Math.min(500, maxParameters))) {
    for (const row of await db.selectFrom('events').select(['seq', 'payload']).where('seq', 'in', part).execute()) payloads.set(Number(row.seq), row.payload);
  }
  return page.map((event) => ({ ...event, payload: payloads.get(event.seq)! }));
}

type Position = { seq: number; timestamp: number };
type SourcePosition = Position & { source: number };
type SourceRead = { source: number; where: RawBuilder<unknown> };

/**
 * Each source's first `each` positions (in page order) where its condition holds. UNION ALL of
 * subqueries, many per statement: one round trip, and each part still walks its own index in
 * order and stops at its limit.
 */
async function readSources(db: Db, site: string, reads: SourceRead[], each: number, direction: RawBuilder<unknown>, groupIds: number): Promise<SourcePosition[]> {
  const { maxParameters, maxCompoundSelect } = limitsOf(db);
  // Each part binds at most 15 parameters (site, 3 for a stretch, 3 for the cursor, 3 past its own
  // last read, 3 up to the bound, its limit), and an account's ids.
  const statements = chunk(reads, Math.max(1, Math.min(60, maxCompoundSelect, Math.floor((maxParameters - 1) / (15 + groupIds))))).map(async (part) => {
    const unions = sql.join(
      part.map(
        ({ source, where }, index) =>
          sql`select ${sql.lit(source)} as source, seq, "timestamp" from (select seq, "timestamp" from events where site = ${site} and ${where} order by "timestamp" ${direction}, seq ${direction} limit ${each}) as ${sql.raw(`s${index}`)}`,
      ),
      sql` union all `,
    );
    const { rows } = await sql<SourcePosition>`${unions}`.execute(db);
    return rows.map((row) => ({ source: Number(row.source), seq: Number(row.seq), timestamp: Number(row.timestamp) }));
  });
  return (await Promise.all(statements)).flat();
}
