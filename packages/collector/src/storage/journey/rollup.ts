/**
 * The journey rollup: touchpoints derived from stored events, kept in step by following the events
 * table's arrival order (seq). Each pass takes the streams (devices) that got events since the
 * last pass and derives their touchpoints again: a stream's touchpoints are a pure function of its
 * events, so arrival order, duplicates and late events cannot matter. Only from the last sure
 * session boundary before the new events (a gap of over 30 minutes) onward, so a device's long
 * history is not read again for every new visit.
 */
import { sql, type CompiledQuery, type Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { inOrder, type RunWrites } from '../identity/apply.ts';
import { chunk } from '../identity/scope.ts';
import { touchpointsOf, type JourneyEvent } from '../../journey/touchpoints.ts';
import { sessionTimeout } from '../../journey/sessions.ts';

type Db = Kysely<Database>;

/**
 * Events one pass follows. The streams they touched are derived in small transactions, so
 * ingestion waits at most one of those.
 */
export const eventsPerPass = 20_000;

const rollup = 'touchpoints';

/** A device's events are one stream; events a server sent with only a user id are that user's. */
export const streamOf = (row: { anonymous_id: string | null; user_id: string | null }): string | null =>
  row.anonymous_id ?? (row.user_id === null ? null : `user:${row.user_id}`);

/**
 * Changes that reach the journey facts without events (admin merges, splits, erasure, imports),
 * counted in the database beside the rollup's position: every collector on it sees them.
 */
const adminChanges = 'admin-changes';

/** The state of the journey facts: the rollup's position and the count of admin changes. */
export async function factsVersion(db: Db): Promise<{ position: number; changes: number }> {
  const rows = await db.selectFrom('journey_rollup').select(['name', 'seq']).where('name', 'in', [rollup, adminChanges]).execute();
  const seq = (name: string) => Number(rows.find((row) => row.name === name)?.seq ?? 0);
  return { position: seq(rollup), changes: seq(adminChanges) };
}

/** Counts an admin change, in its transaction. */
export const countAdminChange = (trx: Db) =>
  trx
    .insertInto('journey_rollup')
    .values({ name: adminChanges, seq: 1 })
    .onConflict((conflict) => conflict.column('name').doUpdateSet({ seq: sql`${sql.ref('journey_rollup.seq')} + 1` }))
    .execute();

/** Where the rollup stands: the last seq it reflects. */
export async function rollupPosition(db: Db): Promise<number> {
  const row = await db.selectFrom('journey_rollup').select('seq').where('name', '=', rollup).executeTakeFirst();
  return row ? Number(row.seq) : 0;
}

export interface DeriveOptions {
  maxParameters: number;
  runWrites?: RunWrites;
}

export interface FollowOptions extends DeriveOptions {
  /** Seqs to look back, where transactions commit out of seq order (PostgreSQL). */
  lookback?: number;
  /** Runs a write serialised with event writes (the storage's group commit). */
  write: <T>(work: (trx: Db) => Promise<T>) => Promise<T>;
}

/** Streams to derive again, each from the earliest new event's time on; null: all of it. */
export type StreamChanges = Map<string, number | null>;

/**
 * One pass: the streams of up to `eventsPerPass` events after the position, derived again, then
 * the position moved past them. A stream that gets events meanwhile is derived with those too, and
 * again next pass: harmless. Stopped half-way, the position stays and the next pass redoes it.
 * Resolves with how many events it followed (0: up to date).
 */
export async function followEvents(db: Db, options: FollowOptions): Promise<number> {
  const position = await rollupPosition(db);
  if (position === 0) {
    const built = await buildAll(db, options);
    if (built > 0) return built;
  }
  // PostgreSQL hands out seqs before commit, so a transaction can commit a lower seq after a pass
  // went past it: there the pass looks back a margin, which re-derives a few streams for nothing.
  const from = Math.max(0, position - (options.lookback ?? 0));
  const rows = await db
    .selectFrom('events')
    .select(['seq', 'site', 'anonymous_id', 'user_id', 'timestamp'])
    .where('seq', '>', from)
    .orderBy('seq')
    .limit(eventsPerPass + (position - from))
    .execute();
  const fresh = rows.filter((row) => Number(row.seq) > position);
  if (fresh.length === 0) return 0;
  const changes = new Map<string, StreamChanges>();
  for (const row of rows) {
    const stream = streamOf(row);
    if (stream === null) continue;
    if (!changes.has(row.site)) changes.set(row.site, new Map());
    const site = changes.get(row.site)!;
    site.set(stream, Math.min(site.get(stream) ?? Infinity, Number(row.timestamp)));
  }
  for (const [site, streams] of changes) {
    for (const part of chunk([...streams], 40)) await options.write((trx) => deriveStreams(trx, site, new Map(part), options));
  }
  const last = Number(fresh.at(-1)!.seq);
  await options.write((trx) => moveTo(trx, last));
  return fresh.length;
}

/**
 * The streams and accounts events between two seqs name (a stream for each user id too: its
 * person may have changed), or null when there are more than `limit` such events.
 */
export async function changedSince(db: Db, site: string, after: number, upTo: number, limit: number): Promise<{ streams: string[]; accounts: string[] } | null> {
  const rows = await db
    .selectFrom('events')
    .select(['anonymous_id', 'user_id', 'group_id'])
    .where('seq', '>', after)
    .where('seq', '<=', upTo)
    .where('site', '=', site)
    .limit(limit + 1)
    .execute();
  if (rows.length > limit) return null;
  const streams = new Set<string>();
  const accounts = new Set<string>();
  for (const row of rows) {
    const stream = streamOf(row);
    if (stream !== null) streams.add(stream);
    if (row.user_id !== null) streams.add(`user:${row.user_id}`);
    if (row.group_id !== null) accounts.add(row.group_id);
  }
  return { streams: [...streams], accounts: [...accounts] };
}

/** The rollup now reflects every event up to `seq`. Never back: two passes may run side by side (two collectors on one PostgreSQL). */
const moveTo = (trx: Db, seq: number) =>
  trx
    .insertInto('journey_rollup')
    .values({ name: rollup, seq })
    .onConflict((conflict) => conflict.column('name').doUpdateSet({ seq }).where('journey_rollup.seq', '<', seq))
    .execute();

/**
 * The first pass (a new database's first events, or a collector upgraded in place over millions):
 * every stream derived once, whole. Following seq instead would read a device's later events again in
 * every pass that holds one of its earlier ones. Resolves with how many events it covered.
 */
async function buildAll(db: Db, options: FollowOptions): Promise<number> {
  const top = await db.selectFrom('events').select((eb) => [eb.fn.max('seq').as('seq'), eb.fn.countAll().as('count')]).executeTakeFirst();
  const last = Number(top?.seq ?? 0);
  if (last === 0) return 0;
  const devices = await db.selectFrom('events').select(['site', 'anonymous_id']).distinct().where('anonymous_id', 'is not', null).where('seq', '<=', last).execute();
  const users = await db.selectFrom('events').select(['site', 'user_id']).distinct().where('anonymous_id', 'is', null).where('user_id', 'is not', null).where('seq', '<=', last).execute();
  const bySite = new Map<string, string[]>();
  for (const row of [...devices.map((d) => ({ site: d.site, stream: d.anonymous_id! })), ...users.map((u) => ({ site: u.site, stream: `user:${u.user_id!}` }))]) {
    if (!bySite.has(row.site)) bySite.set(row.site, []);
    bySite.get(row.site)!.push(row.stream);
  }
  for (const [site, streams] of bySite) {
    for (const part of chunk(streams, 40)) await options.write((trx) => deriveStreams(trx, site, new Map(part.map((stream) => [stream, null])), options));
  }
  await options.write((trx) => moveTo(trx, last));
  return Math.max(1, Number(top?.count ?? 0));
}

const columns = 14;
const walkBack = 100;

/**
 * Where a device's sessions can change when events from `since` on are new: at the first event
 * after the last gap of over 30 minutes before `since`. A gap that long ends a session whatever
 * came after it, so everything before it stays as derived.
 */
async function sessionBoundary(trx: Db, site: string, device: string, since: number): Promise<number> {
  let earliest = since;
  for (;;) {
    const rows = await trx
      .selectFrom('events')
      .select('timestamp')
      .where('site', '=', site)
      .where('anonymous_id', '=', device)
      .where('timestamp', '<', earliest)
      .orderBy('timestamp', 'desc')
      .limit(walkBack)
      .execute();
    const step = walkToGap(earliest, rows.map((row) => Number(row.timestamp)));
    if (step.gap || rows.length < walkBack) return step.earliest;
    earliest = step.earliest;
  }
}

/**
 * Walks back from `earliest` over a device's earlier event times (latest first) until a gap of over
 * 30 minutes: then `earliest` is the first event after it. Without one, how far back it got.
 */
function walkToGap(earliest: number, times: readonly number[]): { gap: boolean; earliest: number } {
  for (const at of times) {
    if (earliest - at > sessionTimeout) return { gap: true, earliest };
    earliest = at;
  }
  return { gap: false, earliest };
}

/** How far before a stream's new events one read reaches, to find the session boundary among what it read. */
const reachBack = 2 * 60 * 60 * 1000;

type EventRow = { anonymous_id: string | null; user_id: string | null; group_id: string | null; timestamp: number; payload: string };

/**
 * Replaces these streams' touchpoints, from each one's boundary on, with ones derived from their
 * stored events. One read of a device's recent events finds most boundaries (a gap of over 30
 * minutes within two hours before the new events); a device busy for longer walks back further.
 */
export async function deriveStreams(trx: Db, site: string, streams: StreamChanges, options: DeriveOptions): Promise<void> {
  const runWrites = options.runWrites ?? inOrder;
  const perInsert = Math.max(1, Math.floor((options.maxParameters - 1) / columns));
  const select = () => trx.selectFrom('events').select(['anonymous_id', 'user_id', 'group_id', 'timestamp', 'payload']).where('site', '=', site);
  // One read per device, from two hours before its own new events: an OR of devices makes SQLite
  // scan the site, and one time for all would make a late event's neighbours read their whole past.
  const recent = new Map<string, EventRow[]>();
  for (const [stream, since] of streams) {
    if (since === null || stream.startsWith('user:')) continue;
    const rows = await select().where('anonymous_id', '=', stream).where('timestamp', '>=', since - reachBack).orderBy('timestamp').execute();
    recent.set(stream, rows);
  }

  const writes: Array<CompiledQuery<unknown>> = [];
  const rows = [];
  const removals: Array<[stream: string, from: number | null]> = [];
  for (const [stream, since] of streams) {
    const user = stream.startsWith('user:') ? stream.slice('user:'.length) : null;
    let from: number | null = null;
    let events: EventRow[];
    if (user !== null) {
      // A user's device-less events make no sessions: each key event stands alone.
      from = since;
      let query = select().where('user_id', '=', user).where('anonymous_id', 'is', null);
      if (from !== null) query = query.where('timestamp', '>=', from);
      events = await query.execute();
    } else if (since === null) {
      events = await select().where('anonymous_id', '=', stream).execute();
    } else {
      const read = recent.get(stream) ?? [];
      const within = boundaryWithin(read, since);
      from = within ?? (await sessionBoundary(trx, site, stream, Math.min(since, Number(read[0]?.timestamp ?? since))));
      events = within !== undefined ? read.filter((row) => Number(row.timestamp) >= from!) : await select().where('anonymous_id', '=', stream).where('timestamp', '>=', from).execute();
    }
    const byMessage = new Map<string, EventRow>();
    const parsed = events.map((row) => {
      const event = JSON.parse(row.payload) as JourneyEvent;
      byMessage.set(event.messageId, row);
      return event;
    });
    for (const touchpoint of touchpointsOf(parsed).touchpoints) {
      // A session is whoever's its first event was; a key event, whoever's it is.
      const origin = byMessage.get(touchpoint.kind === 'session' ? touchpoint.id.slice('session:'.length) : touchpoint.id)!;
      rows.push({
        site,
        id: touchpoint.id,
        stream,
        kind: touchpoint.kind,
        at: touchpoint.at,
        name: touchpoint.name,
        channel: touchpoint.channel,
        source: touchpoint.source,
        medium: touchpoint.medium,
        campaign: touchpoint.campaign,
        path: touchpoint.path ?? null,
        anonymous_id: origin.anonymous_id,
        user_id: origin.user_id,
        group_id: origin.group_id,
      });
    }
    removals.push([stream, from]);
  }
  // One statement per stream: an OR of streams makes SQLite walk the whole site's index.
  for (const [stream, from] of removals) {
    let remove = trx.deleteFrom('journey_touchpoints').where('site', '=', site).where('stream', '=', stream);
    if (from !== null) remove = remove.where('at', '>=', from);
    writes.push(remove.compile());
  }
  for (let start = 0; start < rows.length; start += perInsert) {
    writes.push(trx.insertInto('journey_touchpoints').values(rows.slice(start, start + perInsert)).compile());
  }
  await runWrites(trx, writes);
}

/**
 * The boundary before `since` among a device's events (time order) when they show it: the first
 * event after the last gap of over 30 minutes before `since`. Undefined when the read does not
 * reach back to such a gap.
 */
function boundaryWithin(events: readonly EventRow[], since: number): number | undefined {
  const before = events.filter((row) => Number(row.timestamp) < since).map((row) => Number(row.timestamp));
  const step = walkToGap(since, before.reverse());
  if (step.gap) return step.earliest;
  // Nothing earlier within the read: if the read reached back over 30 minutes, that is the gap.
  const reached = since - reachBack;
  return step.earliest - reached > sessionTimeout ? step.earliest : undefined;
}
