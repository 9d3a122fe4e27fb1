/**
 * Lists of accounts and people as staged: where each is in the journey, how many touches on how
 * many channels, when they were last active. Pure: the routes and the dashboard page through them.
 */
import type { JsonValue } from '@journey/protocol';
import type { StagedOwner } from './owner.ts';
import type { StagedOwners } from './site-journeys.ts';

export interface DirectoryRow {
  id: string;
  /** The `name` trait (accounts), where there is one. */
  name?: string;
  stage: string | null;
  touches: number;
  channels: number;
  firstActivity: string;
  lastActivity: string;
}

export interface AccountRow extends DirectoryRow {
  /** People whose account it is. */
  people: number;
}

export interface PersonRow extends DirectoryRow {
  account?: string;
}

export interface DirectoryQuery {
  /** Case-insensitive part of the id or of the name, domain or website trait. */
  search?: string;
  stage?: string;
  /** People of this account only. */
  account?: string;
  limit: number;
  offset: number;
}

export interface DirectoryPage<T> {
  total: number;
  rows: T[];
}

const text = (value: JsonValue | undefined) => (typeof value === 'string' ? value : undefined);

function row(owner: StagedOwner, name: string | undefined): DirectoryRow {
  const { touchpoints } = owner;
  return {
    id: owner.id,
    ...(name !== undefined && { name }),
    stage: owner.history.current,
    touches: touchpoints.length,
    channels: new Set(touchpoints.map((touchpoint) => touchpoint.channel)).size,
    firstActivity: new Date(touchpoints[0]!.at).toISOString(),
    lastActivity: new Date(touchpoints.at(-1)!.at).toISOString(),
  };
}

/** Most recently active first (ids break ties), then the page asked for. */
function paged<T extends DirectoryRow>(rows: T[], query: DirectoryQuery): DirectoryPage<T> {
  rows.sort((a, b) => (a.lastActivity < b.lastActivity ? 1 : a.lastActivity > b.lastActivity ? -1 : a.id < b.id ? -1 : 1));
  return { total: rows.length, rows: rows.slice(query.offset, query.offset + query.limit) };
}

export function accountDirectory(owners: StagedOwners, query: DirectoryQuery): DirectoryPage<AccountRow> {
  const people = new Map<string, number>();
  for (const account of Object.values(owners.accountOfPerson)) people.set(account, (people.get(account) ?? 0) + 1);
  const needle = query.search?.toLowerCase();
  const rows = owners.accounts.flatMap((owner): AccountRow[] => {
    const traits = owners.accountTraits.get(owner.id) ?? {};
    const name = text(traits['name']);
    if (query.stage !== undefined && owner.history.current !== query.stage) return [];
    if (needle && ![owner.id, name, text(traits['domain']), text(traits['website'])].some((value) => value?.toLowerCase().includes(needle))) return [];
    return [{ ...row(owner, name), people: people.get(owner.id) ?? 0 }];
  });
  return paged(rows, query);
}

export function personDirectory(owners: StagedOwners, query: DirectoryQuery & { ids?: ReadonlySet<string> }): DirectoryPage<PersonRow> {
  const needle = query.search?.toLowerCase();
  const rows = owners.people.flatMap((owner): PersonRow[] => {
    const account = owners.accountOfPerson[owner.id];
    if (query.stage !== undefined && owner.history.current !== query.stage) return [];
    if (query.account !== undefined && account !== query.account) return [];
    // A search matches part of the person's id, or one of the people an identifier names (ids).
    if (needle && !owner.id.toLowerCase().includes(needle) && !query.ids?.has(owner.id)) return [];
    return [{ ...row(owner, undefined), ...(account !== undefined && { account }) }];
  });
  return paged(rows, query);
}
