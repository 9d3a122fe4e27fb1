/**
 * The journey rollup: touchpoints derived from stored events, kept in step by following the events
 * table's arrival order (seq). A stream's touchpoints are a pure function of its events, so arrival
 * order, duplicates and late events cannot matter; the rollup only decides how little to read.
 *
 * Each pass takes the events since the last one. A device's events extend its latest session,
 * kept beside its touchpoints (`journey_streams`), when they come after it began: no event is read
 * twice, however long the session. Anything else (an event from an earlier session, one that may
 * split the session, a landing that changes after the session had touchpoints, a device without a
 * kept session) derives the device's touchpoints again from the last sure session boundary before
 * the new events (a gap of over 30 minutes) onward, so a device's long history is not read again
 * for every new visit.
 */
import { sql, type CompiledQuery, type Kysely, type SelectQueryBuilder } from 'kysely';
import type { Database, JourneyTouchpointsTable } from '../schema.ts';
import { inOrder, type RunWrites } from '../identity/apply.ts';
import { chunk, unindexed } from '../identity/scope.ts';
import { isKeyEvent, keyEventSet, keyEventTouchpoint, sessionTouchpoint, touchpointsOf, type JourneyEvent } from '../../journey/touchpoints.ts';
import { inSessionOrder, latestSession, orderOf, sessionFrom, sessionTimeout, withEvent, withLateEvent, type OpenSession, type Session } from '../../journey/sessions.ts';
import type { Touchpoint } from '../../journey/touchpoint.ts';

type Db = Kysely<Database>;

/**
 * Events one pass follows. An embedded database answers on the thread that serves requests, so a
 * pass's reads and parsing hold requests up while they run: a few thousand events at a time keeps
 * that to milliseconds. What they change is written in short transactions (up to 500 extended
 * streams, or 40 derived again), so ingestion waits at most one of those.
 */
export const eventsPerPass = 2_000;

/**
 * Events a pass in the background follows, beside ingestion: fewer, so requests wait less behind
 * it. Under the ingestion benchmark's load, passes of 500 rather than 2,000 gave a lower p99
 * (130–150 ms against 160–170 ms on a slow VM) and peak RSS (~225 MB against ~250 MB) at the same
 * throughput; a query that waits for the rollup catches up in passes of `eventsPerPass`.
 */
export const eventsPerBackgroundPass = 500;

/**
 * Events of one device read at a time when its touchpoints are derived from a long way back (the
 * first build, a boundary hours before): the first part is derived, and each next part extends its
 * latest session, as following does. One device's history (a crawler's, a load test's: tens of
 * thousands of events in a session that never ends) then costs what this many events cost, not
 * all of it at once; read whole, the ingestion benchmark's one device made the first build hold
 * ~70 MB and the collector's peak RSS double.
 */
export const eventsPerRead = 500;

const rollup = 'touchpoints';

/** A device's events are one stream; events a server sent with only a user id are that user's. */
export const streamOf = (row: { anonymous_id: string | null; user_id: string | null }): string | null =>
  row.anonymous_id ?? (row.user_id === null ? null : `user:${row.user_id}`);

/**
 * Changes that reach the journey facts without events (admin merges, splits, erasure, imports),
 * counted in the database beside the rollup's position: every collector on it sees them.
 */
const adminChanges = 'admin-changes';

/**
 * Events that committed after a pass went past their seq (PostgreSQL), counted each time a pass
 * follows some: the facts changed though the position did not move.
 */
const lateCommits = 'late-commits';

/** The state of the journey facts: the rollup's position and the counts of admin changes and late commits. */
export async function factsVersion(db: Db): Promise<{ position: number; changes: number; late: number }> {
  const rows = await db.selectFrom('journey_rollup').select(['name', 'seq']).where('name', 'in', [rollup, adminChanges, lateCommits]).execute();
  const seq = (name: string) => Number(rows.find((row) => row.name === name)?.seq ?? 0);
  return { position: seq(rollup), changes: seq(adminChanges), late: seq(lateCommits) };
}

/** Counts an admin change, in its transaction; resolves with its number. */
export async function countAdminChange(trx: Db): Promise<number> {
  await count(trx, adminChanges);
  return (await factsVersion(trx)).changes;
}

const count = (trx: Db, name: string) =>
  trx
    .insertInto('journey_rollup')
    .values({ name, seq: 1 })
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
 * One pass: up to `limit` events after the position followed (their streams extended or
 * derived again), then the position moved past them. A stream that gets events meanwhile is
 * derived with those too, and again next pass: harmless. Stopped half-way, the position stays and
 * the next pass redoes it. Resolves with how many events it followed (0: up to date).
 */
export async function followEvents(db: Db, options: FollowOptions, limit = eventsPerPass): Promise<number> {
  const position = await rollupPosition(db);
  if (position === 0) {
    const built = await buildAll(db, options);
    if (built > 0) return built;
  }
  // PostgreSQL hands out seqs before commit, so a transaction can commit a lower seq after a pass
  // went past it: each pass keeps the seqs it found missing within a margin behind it, and the
  // next one follows those that have appeared since.
  const lookback = options.lookback ?? 0;
  const gaps = lookback > 0 ? await missingSeqs(db) : [];
  const select = () => db.selectFrom('events').select(['seq', 'site', 'anonymous_id', 'user_id', 'group_id', 'timestamp', 'payload']);
  const after = await select().where('seq', '>', position).orderBy('seq').limit(limit).execute();
  const filled = gaps.length > 0 ? (await Promise.all(chunk(gaps, 500).map((part) => select().where('seq', 'in', part).execute()))).flat() : [];
  if (after.length === 0 && filled.length === 0) return 0;

  // Read and parsed here, outside the writes, so ingestion waits only for the writes.
  const bySite = new Map<string, Map<string, Fresh[]>>();
  for (const row of [...filled, ...after]) {
    const stream = streamOf(row);
    if (stream === null) continue;
    if (!bySite.has(row.site)) bySite.set(row.site, new Map());
    const streams = bySite.get(row.site)!;
    if (!streams.has(stream)) streams.set(stream, []);
    const event = JSON.parse(row.payload) as JourneyEvent;
    streams.get(stream)!.push({ event, order: orderOf(event), origin: originOf(row) });
  }
  const last = Math.max(position, ...after.map((row) => Number(row.seq)));
  const seen = new Set([...after, ...filled].map((row) => Number(row.seq)));
  for (const [site, streams] of bySite) {
    for (const part of chunk([...streams], 500)) await followStreams(db, site, new Map(part), last, options);
  }
  const missing = lookback > 0 ? [...gaps, ...range(Math.max(position, last - lookback) + 1, last)].filter((seq) => seq > last - lookback && !seen.has(seq)) : [];
  await options.write(async (trx) => {
    await moveTo(trx, last);
    if (lookback > 0) await keepMissing(trx, { missing, seen: [...seen], before: last - lookback });
    if (filled.length > 0) await count(trx, lateCommits);
  });
  return after.length + filled.length;
}

/** A new event of a stream, parsed, with the ids its row keeps. */
interface Fresh {
  event: JourneyEvent;
  order: { at: number; messageId: string };
  origin: Origin;
}

/** The ids an event's row keeps, by which a touchpoint's owner is resolved. */
type Origin = Pick<JourneyTouchpointsTable, 'anonymous_id' | 'user_id' | 'group_id'>;

const originOf = (row: Origin): Origin => ({ anonymous_id: row.anonymous_id, user_id: row.user_id, group_id: row.group_id });

/** A device's latest session as the rollup keeps it, with its first event's ids. */
interface KeptSession {
  open: OpenSession;
  origin: Origin;
}

const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from + 1) }, (_, i) => from + i);

const gapPrefix = 'gap:';

/** The seqs earlier passes found missing, which a transaction may still commit. */
async function missingSeqs(db: Db): Promise<number[]> {
  const rows = await db.selectFrom('journey_rollup').select('seq').where('name', 'like', `${gapPrefix}%`).execute();
  return rows.map((row) => Number(row.seq));
}

/**
 * Keeps the seqs still missing, forgets those seen and those too far behind to wait for. Kept as a
 * union, so two passes side by side (two collectors) never forget a gap the other found.
 */
async function keepMissing(trx: Db, { missing, seen, before }: { missing: number[]; seen: number[]; before: number }): Promise<void> {
  await trx.deleteFrom('journey_rollup').where('name', 'like', `${gapPrefix}%`).where('seq', '<=', before).execute();
  for (const part of chunk(seen, 1000)) await trx.deleteFrom('journey_rollup').where('name', 'in', part.map((seq) => `${gapPrefix}${seq}`)).execute();
  for (const part of chunk(missing, 1000)) {
    await trx
      .insertInto('journey_rollup')
      .values(part.map((seq) => ({ name: `${gapPrefix}${seq}`, seq })))
      .onConflict((conflict) => conflict.column('name').doNothing())
      .execute();
  }
}

/**
 * Follows these streams' new events: extends each device's kept session where the events come
 * after it began, derives the others again from their last session boundary. The sessions are
 * extended before the write, against the kept ones as read then; the write checks that they are
 * still what was kept (another collector's pass, an erasure) and extends them again if not. Those
 * derived again go in writes of their own, a few at a time: each reads inside its transaction.
 */
async function followStreams(db: Db, site: string, streams: Map<string, Fresh[]>, through: number, options: FollowOptions): Promise<void> {
  const devices = [...streams.keys()].filter((stream) => !stream.startsWith('user:'));
  for (const fresh of streams.values()) fresh.sort((a, b) => inSessionOrder(a.order, b.order));
  const read = await keptSessions(db, site, devices, options.maxParameters);
  let plan = followPlan(site, streams, read);
  await options.write(async (trx) => {
    const kept = await keptSessions(trx, site, devices, options.maxParameters);
    if (devices.some((device) => kept.get(device) !== read.get(device))) plan = followPlan(site, streams, kept);
    await (options.runWrites ?? inOrder)(trx, [...upsertTouchpoints(trx, plan.rows, options.maxParameters), ...keepSessions(trx, site, plan.sessions, options.maxParameters)]);
  });
  for (const part of chunk([...plan.again], 40)) await options.write((trx) => deriveStreams(trx, site, new Map(part), options, through));
}

/** Devices' kept sessions, as stored (JSON). */
async function keptSessions(db: Db, site: string, devices: string[], maxParameters: number): Promise<Map<string, string>> {
  const kept = new Map<string, string>();
  for (const part of chunk(devices, Math.max(1, maxParameters - 1))) {
    const rows = await db.selectFrom('journey_streams').select(['stream', 'session']).where('site', '=', site).where('stream', 'in', part).execute();
    for (const row of rows) kept.set(row.stream, row.session);
  }
  return kept;
}

/** What following the streams' new events writes, and which streams to derive again. */
function followPlan(site: string, streams: Map<string, Fresh[]>, kept: Map<string, string>) {
  const keyEvents = keyEventSet();
  const rows: TouchpointRow[] = [];
  const sessions: Array<[stream: string, kept: KeptSession]> = [];
  const again: StreamChanges = new Map();
  for (const [stream, fresh] of streams) {
    if (stream.startsWith('user:')) {
      // A user's device-less events make no sessions: each key event stands alone.
      for (const { event, origin } of fresh) if (isKeyEvent(event, keyEvents)) rows.push(touchpointRow(site, stream, keyEventTouchpoint(event, undefined), origin));
      continue;
    }
    const stored = kept.get(stream);
    const extended = stored === undefined ? null : extend(site, stream, JSON.parse(stored) as KeptSession, fresh, keyEvents);
    if (extended) {
      rows.push(...extended.rows);
      sessions.push([stream, extended.kept]);
    } else {
      again.set(stream, fresh[0]!.order.at);
    }
  }
  return { rows, sessions, again };
}

/**
 * A device's kept session extended by its new events, in order, with the touchpoints they add; or
 * null when they cannot simply extend it: a late event one session cannot place, or a landing that
 * changes after the session had touchpoints.
 */
function extend(site: string, device: string, kept: KeptSession, fresh: readonly Fresh[], keyEvents: ReadonlySet<string>): { rows: TouchpointRow[]; kept: KeptSession } | null {
  let { open, origin } = kept;
  const rows: TouchpointRow[] = [];
  const entries = new Map<string, TouchpointRow>();
  const named = sessionNamer(device);
  for (const { event, order, origin: eventOrigin } of fresh) {
    // Late by a moment (requests racing to commit), an event usually falls inside the open session.
    const next = inSessionOrder(order, open.last) > 0 ? withEvent(open, event) : withLateEvent(open, event);
    if (!next) return null;
    const started = next.first.messageId !== open.first.messageId;
    const relanded = !started && (next.entry !== open.entry || next.tagged !== open.tagged);
    // Its entry touchpoint and key events already went out with the old landing.
    if (relanded && open.visit) return null;
    if (started) origin = eventOrigin;
    const entered = next.visit && (started || relanded || !open.visit);
    const key = isKeyEvent(event, keyEvents);
    if (entered || key) {
      const session = next.visit ? named(next) : undefined;
      if (session && entered) entries.set(session.id, touchpointRow(site, device, sessionTouchpoint(session), origin));
      if (key) rows.push(touchpointRow(site, device, keyEventTouchpoint(event, session), eventOrigin));
    }
    open = next;
  }
  return { rows: [...entries.values(), ...rows], kept: { open, origin } };
}

/** Names a device's sessions from their landing (the channel), again only when the landing changes. */
function sessionNamer(device: string): (open: OpenSession) => Session {
  let last: { open: OpenSession; session: Session } | undefined;
  return (open) => {
    if (last?.open.first !== open.first || last.open.entry !== open.entry || last.open.tagged !== open.tagged) last = { open, session: sessionFrom(device, open, []) };
    return last.session;
  };
}

type TouchpointRow = JourneyTouchpointsTable;

const touchpointRow = (site: string, stream: string, touchpoint: Touchpoint, origin: Origin): TouchpointRow => ({
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
  ...origin,
});

const touchpointColumns = 14;

/** Writes touchpoints, replacing any with the same id. */
function upsertTouchpoints(trx: Db, rows: TouchpointRow[], maxParameters: number): Array<CompiledQuery<unknown>> {
  const perInsert = Math.max(1, Math.floor((maxParameters - 1) / touchpointColumns));
  return chunk(rows, perInsert).map((part) =>
    trx
      .insertInto('journey_touchpoints')
      .values(part)
      .onConflict((conflict) =>
        conflict.columns(['site', 'id']).doUpdateSet((eb) => ({
          stream: eb.ref('excluded.stream'),
          kind: eb.ref('excluded.kind'),
          at: eb.ref('excluded.at'),
          name: eb.ref('excluded.name'),
          channel: eb.ref('excluded.channel'),
          source: eb.ref('excluded.source'),
          medium: eb.ref('excluded.medium'),
          campaign: eb.ref('excluded.campaign'),
          path: eb.ref('excluded.path'),
          anonymous_id: eb.ref('excluded.anonymous_id'),
          user_id: eb.ref('excluded.user_id'),
          group_id: eb.ref('excluded.group_id'),
        })),
      )
      .compile(),
  );
}

/** Keeps devices' latest sessions; a device left without events keeps none. */
function keepSessions(trx: Db, site: string, sessions: Array<[stream: string, kept: KeptSession | undefined]>, maxParameters: number): Array<CompiledQuery<unknown>> {
  const writes: Array<CompiledQuery<unknown>> = [];
  const gone = sessions.filter(([, kept]) => !kept).map(([stream]) => stream);
  for (const part of chunk(gone, Math.max(1, maxParameters - 1))) writes.push(trx.deleteFrom('journey_streams').where('site', '=', site).where('stream', 'in', part).compile());
  const rows = sessions.flatMap(([stream, kept]) => (kept ? [{ site, stream, session: JSON.stringify(kept) }] : []));
  for (const part of chunk(rows, Math.max(1, Math.floor(maxParameters / 3)))) {
    writes.push(
      trx
        .insertInto('journey_streams')
        .values(part)
        .onConflict((conflict) => conflict.columns(['site', 'stream']).doUpdateSet((eb) => ({ session: eb.ref('excluded.session') })))
        .compile(),
    );
  }
  return writes;
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
    // The seqs narrow it: `site = ?` read every event the site ever had (165 ms on a million).
    .where(unindexed('site'), '=', site)
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
    for (const part of chunk(streams, 40)) await options.write((trx) => deriveStreams(trx, site, new Map(part.map((stream) => [stream, null])), options, last));
  }
  await options.write((trx) => moveTo(trx, last));
  return Math.max(1, Number(top?.count ?? 0));
}

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
 * With `through`, only events up to that seq, the ones the rollup has followed: a device's later
 * events, stored already, then come in a later pass after its kept session and extend it, rather
 * than arriving "late" to a session that already holds them and deriving it again.
 */
export async function deriveStreams(trx: Db, site: string, streams: StreamChanges, options: DeriveOptions, through?: number): Promise<void> {
  const runWrites = options.runWrites ?? inOrder;
  const select = () => {
    const query = trx.selectFrom('events').select(['anonymous_id', 'user_id', 'group_id', 'timestamp', 'payload']).where('site', '=', site);
    return through === undefined ? query : query.where('seq', '<=', through);
  };
  // One read per device, from two hours before its own new events: an OR of devices makes SQLite
  // scan the site, and one time for all would make a late event's neighbours read their whole past.
  const recent = new Map<string, EventRow[]>();
  for (const [stream, since] of streams) {
    if (since === null || stream.startsWith('user:')) continue;
    const rows = await select().where('anonymous_id', '=', stream).where('timestamp', '>=', since - reachBack).orderBy('timestamp').execute();
    recent.set(stream, rows);
  }

  const writes: Array<CompiledQuery<unknown>> = [];
  const rows: TouchpointRow[] = [];
  const removals: Array<[stream: string, from: number | null]> = [];
  const sessions: Array<[stream: string, kept: KeptSession | undefined]> = [];
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
    } else {
      const read = since === null ? [] : (recent.get(stream) ?? []);
      const within = since === null ? undefined : boundaryWithin(read, since);
      if (within !== undefined) {
        from = within;
        events = read.filter((row) => Number(row.timestamp) >= within);
      } else {
        from = since === null ? null : await sessionBoundary(trx, site, stream, Math.min(since, Number(read[0]?.timestamp ?? since)));
        const derived = await deriveDevice(select, site, stream, from);
        if (derived) {
          rows.push(...derived.rows);
          removals.push([stream, from]);
          sessions.push([stream, derived.kept]);
          continue;
        }
        // A part that cannot extend the one before it (rare: a landing that changes after its
        // session had touchpoints): the device is read whole.
        let query = select().where('anonymous_id', '=', stream);
        if (from !== null) query = query.where('timestamp', '>=', from);
        events = await query.execute();
      }
    }
    const derived = derive(site, stream, events);
    rows.push(...derived.rows);
    removals.push([stream, from]);
    // From a session boundary on, the events read hold the device's latest session whole.
    if (user === null) sessions.push([stream, derived.kept]);
  }
  // One statement per stream: an OR of streams makes SQLite walk the whole site's index.
  for (const [stream, from] of removals) {
    let remove = trx.deleteFrom('journey_touchpoints').where('site', '=', site).where('stream', '=', stream);
    if (from !== null) remove = remove.where('at', '>=', from);
    writes.push(remove.compile());
  }
  writes.push(...upsertTouchpoints(trx, rows, options.maxParameters), ...keepSessions(trx, site, sessions, options.maxParameters));
  await runWrites(trx, writes);
}

/** A stream's touchpoints from these events of it, and (a device's) the latest session they make. */
function derive(site: string, stream: string, events: readonly EventRow[]): { rows: TouchpointRow[]; kept: KeptSession | undefined } {
  const byMessage = new Map<string, EventRow>();
  const parsed = events.map((row) => {
    const event = JSON.parse(row.payload) as JourneyEvent;
    byMessage.set(event.messageId, row);
    return event;
  });
  const rows: TouchpointRow[] = [];
  for (const touchpoint of touchpointsOf(parsed).touchpoints) {
    // A session is whoever's its first event was; a key event, whoever's it is.
    const origin = byMessage.get(touchpoint.kind === 'session' ? touchpoint.id.slice('session:'.length) : touchpoint.id)!;
    rows.push(touchpointRow(site, stream, touchpoint, originOf(origin)));
  }
  const open = latestSession(parsed);
  return { rows, kept: open && { open, origin: originOf(byMessage.get(open.first.messageId)!) } };
}

/**
 * A device's touchpoints from `from` on (null: from its first event), read `eventsPerRead` events
 * at a time in session order: the first part derived, each next one extending the latest session as
 * following does. Undefined when a part cannot extend it; the caller then reads the device whole.
 */
async function deriveDevice(
  select: () => SelectQueryBuilder<Database, 'events', EventRow>,
  site: string,
  device: string,
  from: number | null,
): Promise<{ rows: TouchpointRow[]; kept: KeptSession | undefined } | undefined> {
  const keyEvents = keyEventSet();
  let rows: TouchpointRow[] = [];
  let kept: KeptSession | undefined;
  let last: { at: number; messageId: string } | undefined;
  for (;;) {
    let query = select().where('anonymous_id', '=', device);
    // From where the last part ended, as the index's range: each part reads only its own events.
    const lower = last?.at ?? from;
    if (lower !== null) query = query.where('timestamp', '>=', lower);
    if (last) {
      const { at, messageId } = last;
      query = query.where((eb) => eb.or([eb('timestamp', '>', at), eb('message_id', '>', messageId)]));
    }
    const part = await query.orderBy('timestamp').orderBy('message_id').limit(eventsPerRead).execute();
    if (kept === undefined) {
      ({ rows, kept } = derive(site, device, part));
    } else {
      const fresh = part.map((row): Fresh => {
        const event = JSON.parse(row.payload) as JourneyEvent;
        return { event, order: orderOf(event), origin: originOf(row) };
      });
      // The database's order of equal times may not be ours (PostgreSQL's collation).
      fresh.sort((a, b) => inSessionOrder(a.order, b.order));
      const extended = extend(site, device, kept, fresh, keyEvents);
      if (!extended) return undefined;
      // A session extended again replaces its entry touchpoint (same id): the latest one stands.
      rows.push(...extended.rows);
      kept = extended.kept;
    }
    if (part.length < eventsPerRead) return { rows: dedupe(rows), kept };
    last = { at: Number(part.at(-1)!.timestamp), messageId: (JSON.parse(part.at(-1)!.payload) as JourneyEvent).messageId };
  }
}

/** Touchpoints by id, the last of each: one statement may not upsert the same row twice. */
const dedupe = (rows: readonly TouchpointRow[]): TouchpointRow[] => [...new Map(rows.map((row) => [row.id, row])).values()];

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
