/**
 * The journey rollup: touchpoints derived from stored events, kept in step by following the events
 * table's arrival order (seq). Each pass takes the streams (devices) that got events since the
 * last pass and derives their touchpoints again from all their events: a stream's touchpoints are
 * a pure function of its events, so arrival order, duplicates and late events cannot matter.
 */
import type { CompiledQuery, Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { inOrder, type RunWrites } from '../identity/apply.ts';
import { chunk } from '../identity/scope.ts';
import { touchpointsOf, type JourneyEvent } from '../../journey/touchpoints.ts';

type Db = Kysely<Database>;

/**
 * Events one pass follows. The streams they touched are derived in small transactions, so
 * ingestion waits at most one of those; a larger pass derives a device seen across it once.
 */
export const eventsPerPass = 50_000;

const rollup = 'touchpoints';

/** A device's events are one stream; events a server sent with only a user id are that user's. */
export const streamOf = (row: { anonymous_id: string | null; user_id: string | null }): string | null =>
  row.anonymous_id ?? (row.user_id === null ? null : `user:${row.user_id}`);

/** Where the rollup stands: the last seq it reflects. */
export async function rollupPosition(db: Db): Promise<number> {
  const row = await db.selectFrom('journey_rollup').select('seq').where('name', '=', rollup).executeTakeFirst();
  return row ? Number(row.seq) : 0;
}

export interface FollowOptions {
  maxParameters: number;
  runWrites?: RunWrites;
  /** Seqs to look back, where transactions commit out of seq order (PostgreSQL). */
  lookback?: number;
  /** Runs a write serialised with event writes (the storage's group commit). */
  write: <T>(work: (trx: Db) => Promise<T>) => Promise<T>;
}

/**
 * One pass: the streams of up to `eventsPerPass` events after the position, derived again, then
 * the position moved past them. A stream that gets events meanwhile is derived from those too, and
 * again next pass: harmless. Stopped half-way, the position stays and the next pass redoes it.
 * Resolves with how many events it followed (0: up to date).
 */
export async function followEvents(db: Db, options: FollowOptions): Promise<number> {
  const position = await rollupPosition(db);
  // PostgreSQL hands out seqs before commit, so a transaction can commit a lower seq after a pass
  // went past it: there the pass looks back a margin, which re-derives a few streams for nothing.
  const from = Math.max(0, position - (options.lookback ?? 0));
  const rows = await db
    .selectFrom('events')
    .select(['seq', 'site', 'anonymous_id', 'user_id'])
    .where('seq', '>', from)
    .orderBy('seq')
    .limit(eventsPerPass + (position - from))
    .execute();
  const fresh = rows.filter((row) => Number(row.seq) > position);
  if (fresh.length === 0) return 0;
  const streams = new Map<string, Set<string>>();
  for (const row of rows) {
    const stream = streamOf(row);
    if (stream === null) continue;
    if (!streams.has(row.site)) streams.set(row.site, new Set());
    streams.get(row.site)!.add(stream);
  }
  for (const [site, ids] of streams) {
    for (const part of chunk([...ids], streamsPerRead(options.maxParameters))) await options.write((trx) => deriveStreams(trx, site, part, options));
  }
  const last = Number(fresh.at(-1)!.seq);
  await options.write((trx) =>
    trx
      .insertInto('journey_rollup')
      .values({ name: rollup, seq: last })
      // Never back: two passes may run side by side (two collectors on one PostgreSQL).
      .onConflict((conflict) => conflict.column('name').doUpdateSet({ seq: last }).where('journey_rollup.seq', '<', last))
      .execute(),
  );
  return fresh.length;
}

const streamsPerRead = (maxParameters: number) => Math.min(40, maxParameters - 2);

const columns = 14;

/** Replaces these streams' touchpoints with ones derived from their stored events (none left: none). */
export async function deriveStreams(trx: Db, site: string, streams: string[], options: { maxParameters: number; runWrites?: RunWrites }): Promise<void> {
  const runWrites = options.runWrites ?? inOrder;
  const perInsert = Math.max(1, Math.floor((options.maxParameters - 1) / columns));
  for (const part of chunk(streams, streamsPerRead(options.maxParameters))) {
    const devices = part.filter((stream) => !stream.startsWith('user:'));
    const users = part.filter((stream) => stream.startsWith('user:')).map((stream) => stream.slice(5));
    const events = [
      ...(devices.length ? await trx.selectFrom('events').select(['anonymous_id', 'user_id', 'group_id', 'payload']).where('site', '=', site).where('anonymous_id', 'in', devices).execute() : []),
      ...(users.length
        ? await trx.selectFrom('events').select(['anonymous_id', 'user_id', 'group_id', 'payload']).where('site', '=', site).where('user_id', 'in', users).where('anonymous_id', 'is', null).execute()
        : []),
    ];
    const byMessage = new Map<string, (typeof events)[number]>();
    const byStream = new Map<string, JourneyEvent[]>();
    for (const row of events) {
      const event = JSON.parse(row.payload) as JourneyEvent;
      byMessage.set(event.messageId, row);
      const stream = streamOf(row)!;
      const list = byStream.get(stream);
      if (list) list.push(event);
      else byStream.set(stream, [event]);
    }
    const rows = [];
    for (const [stream, mine] of byStream) {
      for (const touchpoint of touchpointsOf(mine).touchpoints) {
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
    }
    const writes: Array<CompiledQuery<unknown>> = [trx.deleteFrom('journey_touchpoints').where('site', '=', site).where('stream', 'in', part).compile()];
    for (let start = 0; start < rows.length; start += perInsert) {
      writes.push(trx.insertInto('journey_touchpoints').values(rows.slice(start, start + perInsert)).compile());
    }
    await runWrites(trx, writes);
  }
}
