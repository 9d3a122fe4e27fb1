import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { StrongIdentifier } from '../../identity/identifiers.ts';
import type { StoredEvent } from '../port.ts';

type Db = Kysely<Database>;

/** Which events belong to someone: by user id, by stretches of devices, by whole unclaimed devices, by account. */
export interface EventScope {
  userIds: string[];
  /** Strong identifiers whose device stretches count. */
  owners: StrongIdentifier[];
  /** Devices nobody claimed: all their anonymous events count. */
  devices: string[];
  /** Accounts whose events (by groupId) count; the others then count only when they name no account. */
  groupIds?: string[];
}

export interface TimelineCursor {
  at: number;
  seq: number;
}

export interface ScopedEvent extends StoredEvent {
  timestamp: number;
}

export const chunk = <T>(items: T[], size = 40): T[][] =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));

/**
 * A page of the events in a scope, in corrected-time order (then arrival order). Each source is
 * read through its own index with the cursor and limit applied, then merged: a person's 5,000
 * events over ten devices cost a handful of indexed range reads, not a scan.
 */
export async function eventsIn(db: Db, site: string, scope: EventScope, options: { after?: TimelineCursor; limit: number; descending?: boolean }): Promise<ScopedEvent[]> {
  const { after, limit, descending } = options;
  const onlyUngrouped = scope.groupIds !== undefined;
  const direction = descending ? 'desc' : 'asc';
  const reads: Array<Promise<ScopedEvent[]>> = [];
  const base = () => {
    let query = db.selectFrom('events as e').select(['e.seq', 'e.payload', 'e.timestamp']).where('e.site', '=', site);
    if (after) {
      const op = descending ? '<' : '>';
      query = query.where((eb) => eb.or([eb('e.timestamp', op, after.at), eb.and([eb('e.timestamp', '=', after.at), eb('e.seq', op, after.seq)])]));
    }
    return query;
  };
  const finish = (query: ReturnType<typeof base>) =>
    query
      .orderBy('e.timestamp', direction)
      .orderBy('e.seq', direction)
      .limit(limit)
      .execute()
      .then((rows) => rows.map((row) => ({ seq: Number(row.seq), payload: row.payload, timestamp: Number(row.timestamp) })));

  for (const ids of chunk(scope.userIds)) {
    let query = base().where('e.user_id', 'in', ids);
    if (onlyUngrouped) query = query.where('e.group_id', 'is', null);
    reads.push(finish(query));
  }
  for (const owners of chunk(scope.owners, 20)) {
    let query = base()
      .innerJoin('device_segments as s', (join) => join.onRef('s.site', '=', 'e.site').onRef('s.anonymous_id', '=', 'e.anonymous_id'))
      .whereRef('e.timestamp', '>=', 's.from_at')
      .whereRef('e.timestamp', '<', 's.to_at')
      .where('e.user_id', 'is', null)
      .where((eb) => eb.or(owners.map((id) => eb.and([eb('s.owner_kind', '=', id.kind), eb('s.owner_value', '=', id.value)]))));
    if (onlyUngrouped) query = query.where('e.group_id', 'is', null);
    reads.push(finish(query));
  }
  for (const devices of chunk(scope.devices)) {
    let query = base().where('e.anonymous_id', 'in', devices).where('e.user_id', 'is', null);
    if (onlyUngrouped) query = query.where('e.group_id', 'is', null);
    reads.push(finish(query));
  }
  for (const groupIds of chunk(scope.groupIds ?? [])) reads.push(finish(base().where('e.group_id', 'in', groupIds)));

  const merged = new Map<number, ScopedEvent>();
  for (const rows of await Promise.all(reads)) for (const row of rows) merged.set(row.seq, row);
  const sign = descending ? -1 : 1;
  return [...merged.values()].sort((x, y) => sign * (x.timestamp - y.timestamp || x.seq - y.seq)).slice(0, limit);
}
