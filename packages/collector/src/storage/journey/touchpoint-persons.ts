/**
 * The rollup's touchpoints as stored, each with the person it belongs to now: its user id's
 * person; else the person owning its device's stretch at its time; else its device's own. People
 * are found in memory, from the identifiers and device stretches the touchpoints name, rather than
 * by joins in SQL: a whole site's read is then a plain scan of the table, not a walk of an index
 * with a lookup per row and three joined lookups more (on a million events, 4.2–5.3 s → 2.6–3.5 s).
 */
import type { Kysely } from 'kysely';
import type { Database, JourneyTouchpointsTable } from '../schema.ts';
import { chunk, pagesOf, unindexed } from '../identity/scope.ts';
import type { Touchpoint } from '../../journey/touchpoint.ts';

type Db = Kysely<Database>;

/** A touchpoint derived from events, with the stream (device, or `user:<id>`) it was derived from. */
export type StreamTouchpoint = Touchpoint & { stream: string };

interface Stretch {
  from: number;
  to: number;
  /** Its owner, an identifier. */
  kind: string;
  value: string;
}

/**
 * A site's touchpoints (all of them, or those of some streams), with their people and the live
 * account their groupId names (`accountOf`).
 */
export async function touchpointsWithPersons(db: Db, site: string, streams: readonly string[] | undefined, size: number, accountOf: (groupId: string) => string | undefined): Promise<StreamTouchpoint[]> {
  const select = () =>
    db.selectFrom('journey_touchpoints as t').select(['t.id', 't.stream', 't.kind', 't.at', 't.name', 't.channel', 't.source', 't.medium', 't.campaign', 't.path', 't.group_id', 't.user_id', 't.anonymous_id']);
  const segmentQuery = () => db.selectFrom('device_segments').select(['anonymous_id', 'from_at', 'to_at', 'owner_kind', 'owner_value']).where('site', '=', site);
  const identifierQuery = () => db.selectFrom('identifiers').select(['kind', 'value', 'person_id']).where('site', '=', site);

  const stretches = new Map<string, Stretch[]>();
  const addStretches = (rows: Array<{ anonymous_id: string; from_at: number | string; to_at: number | string; owner_kind: string; owner_value: string }>) => {
    for (const row of rows) {
      const stretch = { from: Number(row.from_at), to: Number(row.to_at), kind: row.owner_kind, value: row.owner_value };
      const known = stretches.get(row.anonymous_id);
      if (known) known.push(stretch);
      else stretches.set(row.anonymous_id, [stretch]);
    }
  };
  // By kind, then value: a lookup builds no key.
  const persons = new Map<string, Map<string, string>>();
  const found = (identifiers: Array<{ kind: string; value: string; person_id: string }>) => {
    for (const { kind, value, person_id } of identifiers) {
      const ofKind = persons.get(kind);
      if (ofKind) ofKind.set(value, person_id);
      else persons.set(kind, new Map([[value, person_id]]));
    }
  };
  const touchpointOf = touchpointMaker(stretches, persons, accountOf);

  if (streams === undefined) {
    // A whole site: everyone's stretches and identifiers, then the touchpoints, a page at a time
    // where the database runs on this thread.
    addStretches(await segmentQuery().execute());
    found(await identifierQuery().execute());
    const touchpoints: StreamTouchpoint[] = [];
    for await (const rows of pagesOf(db, select().where(unindexed('t.site'), '=', site))) for (const row of rows) touchpoints.push(touchpointOf(row));
    return touchpoints;
  }

  const rows = [];
  for (const part of chunk([...streams], size)) for (const row of await select().where('t.site', '=', site).where('t.stream', 'in', part).execute()) rows.push(row);
  const devices = [...new Set(rows.flatMap((row) => (row.anonymous_id === null ? [] : [row.anonymous_id])))];
  for (const part of chunk(devices, size)) addStretches(await segmentQuery().where('anonymous_id', 'in', part).execute());
  const wanted = new Map<string, Set<string>>([['userId', new Set(rows.flatMap((row) => (row.user_id === null ? [] : [row.user_id])))], ['anonymousId', new Set(devices)]]);
  for (const list of stretches.values()) {
    for (const { kind, value } of list) {
      if (!wanted.has(kind)) wanted.set(kind, new Set());
      wanted.get(kind)!.add(value);
    }
  }
  for (const [kind, values] of wanted) for (const part of chunk([...values], size)) found(await identifierQuery().where('kind', '=', kind).where('value', 'in', part).execute());
  return rows.map(touchpointOf);
}

/** A stored touchpoint row, as read. */
type TouchpointRow = Omit<JourneyTouchpointsTable, 'site'>;

/** A stored touchpoint with its person (by the identifiers and stretches found) and account. */
function touchpointMaker(stretches: Map<string, Stretch[]>, persons: Map<string, Map<string, string>>, accountOf: (groupId: string) => string | undefined): (row: TouchpointRow) => StreamTouchpoint {
  // Kinds, channels, sources, campaigns, names and pages repeat across a site's touchpoints: each
  // held once, not once per row, or the first staging keeps (and the collector marks, and marks
  // again) millions of copies of a few thousand strings.
  const pool = new Map<string, string>();
  const shared = <T extends string | null>(value: T): T => {
    if (value === null) return value;
    const known = pool.get(value);
    if (known !== undefined) return known as T;
    pool.set(value, value);
    return value;
  };
  return (row) => {
    const at = Number(row.at);
    let person = row.user_id === null ? undefined : persons.get('userId')?.get(row.user_id);
    if (person === undefined && row.anonymous_id !== null) {
      const stretch = stretches.get(row.anonymous_id)?.find(({ from, to }) => from <= at && to > at);
      person = (stretch && persons.get(stretch.kind)?.get(stretch.value)) ?? persons.get('anonymousId')?.get(row.anonymous_id);
    }
    const touchpoint: StreamTouchpoint = {
      id: row.id,
      stream: row.stream,
      kind: shared(row.kind) as Touchpoint['kind'],
      at,
      name: shared(row.name),
      channel: shared(row.channel) as Touchpoint['channel'],
      source: shared(row.source),
      medium: shared(row.medium),
      campaign: shared(row.campaign),
    };
    if (row.path !== null) touchpoint.path = shared(row.path);
    if (person !== undefined) touchpoint.personId = person;
    const account = row.group_id === null ? undefined : accountOf(row.group_id);
    if (account !== undefined) touchpoint.accountId = account;
    return touchpoint;
  };
}
