/**
 * Lists of accounts and people as staged: where each is in the journey, how many touches on how
 * many channels, when they were last active. Pure: the routes and the dashboard page through them.
 */
import type { JsonValue } from '@journey/protocol';
import { countOf, timeOf, type StagedOwner } from './owner.ts';
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

/**
 * When an owner was last active: their last touchpoint's time (touchpoints are in journey order),
 * from the times where the owner holds them apart (one read back builds its touchpoints when read).
 */
const lastAt = (owner: StagedOwner) => timeOf(owner)(countOf(owner) - 1);

/**
 * Most recently active first (ids break ties), then the page asked for, its rows made for the page
 * only: on a million events the people are 63,000, and a row for each took most of a page's time.
 */
function paged<T extends DirectoryRow>(owners: StagedOwner[], query: DirectoryQuery, rowOf: (owner: StagedOwner) => T): DirectoryPage<T> {
  const sorted = owners.map((owner) => ({ owner, at: lastAt(owner) })).sort((a, b) => b.at - a.at || (a.owner.id < b.owner.id ? -1 : a.owner.id > b.owner.id ? 1 : 0));
  return { total: sorted.length, rows: sorted.slice(query.offset, query.offset + query.limit).map(({ owner }) => rowOf(owner)) };
}

export function accountDirectory(owners: StagedOwners, query: DirectoryQuery): DirectoryPage<AccountRow> {
  const people = new Map<string, number>();
  for (const account of Object.values(owners.accountOfPerson)) people.set(account, (people.get(account) ?? 0) + 1);
  const needle = query.search?.toLowerCase();
  const nameOf = (owner: StagedOwner) => text((owners.accountTraits.get(owner.id) ?? {})['name']);
  const chosen = owners.accounts.filter((owner) => {
    const traits = owners.accountTraits.get(owner.id) ?? {};
    if (query.stage !== undefined && owner.history.current !== query.stage) return false;
    return !needle || [owner.id, text(traits['name']), text(traits['domain']), text(traits['website'])].some((value) => value?.toLowerCase().includes(needle));
  });
  return paged(chosen, query, (owner) => ({ ...row(owner, nameOf(owner)), people: people.get(owner.id) ?? 0 }));
}

export function personDirectory(owners: StagedOwners, query: DirectoryQuery & { ids?: ReadonlySet<string> }): DirectoryPage<PersonRow> {
  const needle = query.search?.toLowerCase();
  const chosen = owners.people.filter((owner) => {
    if (query.stage !== undefined && owner.history.current !== query.stage) return false;
    if (query.account !== undefined && owners.accountOfPerson[owner.id] !== query.account) return false;
    // A search matches part of the person's id, or one of the people an identifier names (ids).
    return !needle || owner.id.toLowerCase().includes(needle) || !!query.ids?.has(owner.id);
  });
  return paged(chosen, query, (owner) => {
    const account = owners.accountOfPerson[owner.id];
    return { ...row(owner, undefined), ...(account !== undefined && { account }) };
  });
}
