import type { Kysely } from 'kysely';
import type { JsonValue } from '@journey/protocol';
import type { Database } from '../schema.ts';
import type { PersonLabel } from '../port.ts';
import { isFreeMailDomain } from '../../identity/free-mail.ts';
import { normalizeDomain, normalizeEmail, type IdKind, type StrongIdentifier } from '../../identity/identifiers.ts';
import { beginning, end } from '../../identity/resolve.ts';
import type { AccountMembership, AccountRecord, PersonDevice, PersonRecord, PersonSummary, TraitValue } from '../../identity/records.ts';
import { byKind, chunk, eventsIn, type EventScope, type EventSources, type ScopedEvent, type TimelineCursor } from './scope.ts';

type Db = Kysely<Database>;

export interface IdentityOptions {
  /** Treat a work-email domain no account claims as an account of its own. */
  autoAccounts: boolean;
}

/** Most devices one person's timeline follows, earliest first: past it, a device stays anonymous. */
export const maxDevicesPerPerson = 1000;

const iso = (ms: number | null | undefined) => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

/** A person id from any reference: a person id (old ones redirect), a userId, an email or an anonymousId. */
export async function resolvePerson(db: Db, site: string, ref: string): Promise<string | null> {
  if (ref.startsWith('p_')) {
    const current = await db.selectFrom('identifiers').select('person_id').where('site', '=', site).where('person_id', '=', ref).executeTakeFirst();
    if (current) return ref;
    const moved = await db.selectFrom('person_redirects').select('to_id').where('site', '=', site).where('from_id', '=', ref).executeTakeFirst();
    if (moved) return moved.to_id;
    return null;
  }
  const email = normalizeEmail(ref);
  const candidates: Array<[IdKind, string]> = [['userId', ref], ...(email ? [['email', email] as [IdKind, string]] : []), ['anonymousId', ref]];
  for (const [kind, value] of candidates) {
    const row = await db.selectFrom('identifiers').select('person_id').where('site', '=', site).where('kind', '=', kind).where('value', '=', value).executeTakeFirst();
    if (row) return row.person_id;
  }
  return null;
}

export interface PersonParts {
  strong: Array<{ kind: IdKind; value: string; first_seen: number; first_message_id: string }>;
  stretches: Array<{ anonymous_id: string; from_at: number; to_at: number; owner_kind: string; owner_value: string; message_id: string; rule: string }>;
  /** Devices nobody claimed that are this person (an anonymous visitor). */
  unclaimed: string[];
}

/** What a person is made of: strong identifiers, stretches of devices, and unclaimed devices. */
export async function personParts(db: Db, site: string, personId: string): Promise<PersonParts> {
  const rows = await db.selectFrom('identifiers').select(['kind', 'value', 'first_seen', 'first_message_id']).where('site', '=', site).where('person_id', '=', personId).execute();
  const strong = rows.filter((row) => row.kind !== 'anonymousId').map((row) => ({ ...row, kind: row.kind as IdKind, first_seen: Number(row.first_seen) }));
  const stretches: PersonParts['stretches'] = [];
  for (const { kind, values } of byKind(strong)) {
    const found = await db.selectFrom('device_segments').selectAll().where('site', '=', site).where('owner_kind', '=', kind).where('owner_value', 'in', values).execute();
    stretches.push(...found.map((row) => ({ ...row, from_at: Number(row.from_at), to_at: Number(row.to_at) })));
  }
  // Only the first devices count, earliest claim first: a spammed identifier cannot swallow thousands.
  stretches.sort((x, y) => (x.message_id < y.message_id ? -1 : 1));
  const devices = [...new Set(stretches.map((stretch) => stretch.anonymous_id))].slice(0, maxDevicesPerPerson);
  const kept = new Set(devices);
  const anonymous = rows.filter((row) => row.kind === 'anonymousId').map((row) => row.value);
  const claimed = new Set<string>();
  for (const ids of chunk(anonymous)) {
    for (const row of await db.selectFrom('device_segments').select('anonymous_id').where('site', '=', site).where('anonymous_id', 'in', ids).execute()) {
      claimed.add(row.anonymous_id);
    }
  }
  return {
    strong,
    stretches: stretches.filter((stretch) => kept.has(stretch.anonymous_id)),
    unclaimed: anonymous.filter((id) => !claimed.has(id)),
  };
}

export const scopeOf = (parts: PersonParts): EventScope => ({
  userIds: parts.strong.filter((id) => id.kind === 'userId').map((id) => id.value),
  owners: parts.strong.map((id) => ({ kind: id.kind as StrongIdentifier['kind'], value: id.value })),
  devices: parts.unclaimed,
});

export async function personTimeline(db: Db, site: string, personId: string, page: { after?: TimelineCursor; limit: number }): Promise<ScopedEvent[]> {
  return eventsIn(db, site, scopeOf(await personParts(db, site, personId)), page);
}

/** Traits, latest value per key (by event time), first-seen kept, from facts on these owners. */
async function traitsOf(db: Db, site: string, owners: Owner[]): Promise<Record<string, TraitValue>> {
  const facts: Array<{ key: string; value: string; at: number; message_id: string }> = [];
  for (const { kind, values } of byKind(owners)) {
    const rows = await db
      .selectFrom('trait_facts')
      .select(['owner_kind', 'owner_value', 'key', 'value', 'at', 'message_id'])
      .where('site', '=', site)
      .where('owner_kind', '=', kind)
      .where('owner_value', 'in', values)
      .execute();
    for (const row of rows) {
      const at = Number(row.at);
      // A device's facts count only within this person's stretches of it.
      const within = owners.some((owner) => owner.kind === row.owner_kind && owner.value === row.owner_value && (owner.from === undefined || (at >= owner.from && at < owner.to!)));
      if (within) facts.push({ key: row.key, value: row.value, at, message_id: row.message_id });
    }
  }
  const traits: Record<string, TraitValue & { at: number; messageId: string; first: number }> = {};
  for (const fact of facts) {
    const known = traits[fact.key];
    const newer = !known || fact.at > known.at || (fact.at === known.at && fact.message_id > known.messageId);
    const first = Math.min(known?.first ?? fact.at, fact.at);
    traits[fact.key] = newer
      ? { value: JSON.parse(fact.value) as JsonValue, updatedAt: iso(fact.at)!, firstSeen: iso(first)!, at: fact.at, messageId: fact.message_id, first }
      : { ...known!, first, firstSeen: iso(first)! };
  }
  return Object.fromEntries(Object.entries(traits).map(([key, { value, firstSeen, updatedAt }]) => [key, { value, firstSeen, updatedAt }]));
}

type Owner = { kind: string; value: string; from?: number; to?: number };

const personOwners = (parts: PersonParts): Owner[] => [
  ...parts.strong.map((id) => ({ kind: id.kind, value: id.value })),
  ...parts.stretches.map((stretch) => ({ kind: 'anonymousId', value: stretch.anonymous_id, from: stretch.from_at, to: stretch.to_at })),
  ...parts.unclaimed.map((value) => ({ kind: 'anonymousId', value })),
];

/** The account an id resolves to, following admin merges. */
async function mergedTarget(db: Db, site: string, accountId: string): Promise<{ id: string; domain: string | null } | null> {
  let id = accountId;
  for (let hops = 0; hops < 20; hops++) {
    const row = await db.selectFrom('accounts').select(['account_id', 'domain', 'merged_into']).where('site', '=', site).where('account_id', '=', id).executeTakeFirst();
    if (!row) return null;
    if (!row.merged_into) return { id: row.account_id, domain: row.domain };
    id = row.merged_into;
  }
  return null;
}

/** The single live account with this domain, or null when none or several (an ambiguous domain matches nobody). */
async function accountByDomain(db: Db, site: string, domain: string): Promise<{ id: string; domain: string } | null> {
  const rows = await db.selectFrom('accounts').select('account_id').where('site', '=', site).where('domain', '=', domain).where('merged_into', 'is', null).limit(2).execute();
  return rows.length === 1 ? { id: rows[0]!.account_id, domain } : null;
}

/** A person's accounts: named by group() or groupId (following merges), or inferred from a work email's domain. */
export async function accountsOf(db: Db, site: string, parts: PersonParts, options: IdentityOptions): Promise<AccountMembership[]> {
  const actors = personOwners(parts);
  // Ordered by the latest group() call, then by activity: an event naming an account (groupId)
  // does not move the person; a group() call does.
  const found = new Map<string, AccountMembership & { last: number; grouped: number }>();
  for (const { kind, values } of byKind(actors)) {
    const rows = await db.selectFrom('account_members').selectAll().where('site', '=', site).where('actor_kind', '=', kind).where('actor_value', 'in', values).execute();
    for (const row of rows) {
      const last = Number(row.last_seen);
      const within = actors.some((actor) => actor.kind === row.actor_kind && actor.value === row.actor_value && (actor.from === undefined || (last >= actor.from && last < actor.to!)));
      if (!within) continue;
      const account = await mergedTarget(db, site, row.account_id);
      if (!account) continue;
      const known = found.get(account.id);
      const first = Math.min(Number(row.first_seen), known ? Date.parse(known.firstSeen!) : Infinity);
      const lastSeen = Math.max(last, known?.last ?? -Infinity);
      const grouped = Math.max(row.last_group_at === null ? -Infinity : Number(row.last_group_at), known?.grouped ?? -Infinity);
      found.set(account.id, {
        id: account.id,
        domain: account.domain,
        via: known?.via === 'group' || row.rule === 'group' ? 'group' : 'context',
        firstSeen: iso(first),
        lastSeen: iso(lastSeen),
        last: lastSeen,
        grouped,
      });
    }
  }
  for (const email of parts.strong.filter((id) => id.kind === 'email')) {
    const domain = email.value.slice(email.value.lastIndexOf('@') + 1);
    if (isFreeMailDomain(domain)) continue;
    const account = (await accountByDomain(db, site, domain)) ?? (options.autoAccounts && !(await domainTaken(db, site, domain)) ? { id: domain, domain } : null);
    if (account && !found.has(account.id)) {
      found.set(account.id, { id: account.id, domain: account.domain, via: 'email-domain', firstSeen: iso(email.first_seen), lastSeen: null, last: -Infinity, grouped: -Infinity });
    }
  }
  // Most recent first: the account a person's events without a groupId are credited to.
  return [...found.values()]
    .sort((x, y) => y.grouped - x.grouped || y.last - x.last || (x.id < y.id ? -1 : 1))
    .map(({ last: _last, grouped: _grouped, ...membership }) => membership);
}

const domainTaken = async (db: Db, site: string, domain: string) =>
  !!(await db.selectFrom('accounts').select('account_id').where('site', '=', site).where('domain', '=', domain).where('merged_into', 'is', null).executeTakeFirst());

export async function personRecord(db: Db, site: string, personId: string, options: IdentityOptions): Promise<PersonRecord | null> {
  const parts = await personParts(db, site, personId);
  if (!parts.strong.length && !parts.unclaimed.length) return null;
  const scope = scopeOf(parts);
  const [first] = await eventsIn(db, site, scope, { limit: 1 });
  const [last] = await eventsIn(db, site, scope, { limit: 1, descending: true });

  const links: PersonRecord['links'] = [];
  const seenLinks = new Set<string>();
  for (const { kind, values } of byKind(parts.strong)) {
    const rows = await db.selectFrom('identity_links').selectAll().where('site', '=', site).where('a_kind', '=', kind).where('a_value', 'in', values).execute();
    for (const row of rows) {
      const key = `${row.message_id}\u0000${row.idx}`;
      if (seenLinks.has(key)) continue;
      seenLinks.add(key);
      links.push({
        a: { kind: row.a_kind as IdKind, value: row.a_value },
        b: { kind: row.b_kind as IdKind, value: row.b_value },
        rule: row.rule,
        messageId: row.message_id,
        at: iso(Number(row.at))!,
      });
    }
  }
  const anonymousFirstSeen = new Map<string, number>();
  for (const ids of chunk([...new Set([...parts.stretches.map((s) => s.anonymous_id), ...parts.unclaimed])])) {
    for (const row of await db.selectFrom('identifiers').select(['value', 'first_seen']).where('site', '=', site).where('kind', '=', 'anonymousId').where('value', 'in', ids).execute()) {
      anonymousFirstSeen.set(row.value, Number(row.first_seen));
    }
  }
  return {
    id: personId,
    identifiers: [
      ...parts.strong.map((id) => ({ kind: id.kind, value: id.value, firstSeen: iso(id.first_seen)! })),
      ...[...anonymousFirstSeen].map(([value, firstSeen]) => ({ kind: 'anonymousId' as const, value, firstSeen: iso(firstSeen)! })),
    ],
    devices: [
      ...parts.stretches.map((stretch) => ({
        ...stretchOf(stretch),
        linkedBy: { rule: stretch.rule, messageId: stretch.message_id, at: iso(stretch.from_at === beginning ? null : stretch.from_at) ?? '' },
      })),
      ...parts.unclaimed.map((anonymousId) => ({ anonymousId, from: null, to: null, linkedBy: null })),
    ],
    links,
    traits: await traitsOf(db, site, personOwners(parts)),
    accounts: await accountsOf(db, site, parts, options),
    firstSeen: iso(first?.timestamp),
    lastSeen: iso(last?.timestamp),
  };
}

const stretchOf = (stretch: PersonParts['stretches'][number]): PersonDevice => ({
  anonymousId: stretch.anonymous_id,
  from: stretch.from_at === beginning ? null : iso(stretch.from_at),
  to: stretch.to_at === end ? null : iso(stretch.to_at),
});

/** The devices each person's timeline follows, each with the stretch that is theirs: as `personRecord` lists them, without why. */
export async function personDevices(db: Db, site: string, personIds: readonly string[]): Promise<Record<string, PersonDevice[]>> {
  const devices: Record<string, PersonDevice[]> = {};
  for await (const [ref, parts] of partsOfPeople(db, site, personIds)) {
    devices[ref] = [...parts.stretches.map(stretchOf), ...parts.unclaimed.map((anonymousId) => ({ anonymousId, from: null, to: null }))];
  }
  return devices;
}

/** Each person of these refs that is known, once, with what they are made of. */
async function* partsOfPeople(db: Db, site: string, refs: readonly string[]): AsyncGenerator<[ref: string, parts: PersonParts]> {
  for (const ref of new Set(refs)) {
    const id = await resolvePerson(db, site, ref);
    if (id === null) continue;
    const parts = await personParts(db, site, id);
    if (parts.strong.length || parts.unclaimed.length) yield [ref, parts];
  }
}

/** Each person's email (the first their record names) and `name` trait, where they have them: as `personRecord` gives them. */
export async function personLabels(db: Db, site: string, personIds: readonly string[]): Promise<Record<string, PersonLabel>> {
  const labels: Record<string, PersonLabel> = {};
  for await (const [ref, parts] of partsOfPeople(db, site, personIds)) {
    const email = parts.strong.find((identifier) => identifier.kind === 'email')?.value;
    const name = (await traitsOf(db, site, personOwners(parts)))['name']?.value;
    labels[ref] = { ...(email !== undefined && { email }), ...(typeof name === 'string' && { name }) };
  }
  return labels;
}

/** An account from its id (merged ones lead to where they went) or its domain; implied accounts when enabled. */
export async function resolveAccount(db: Db, site: string, ref: string, options: IdentityOptions): Promise<{ id: string; implied: boolean } | null> {
  const direct = await mergedTarget(db, site, ref);
  if (direct) return { id: direct.id, implied: false };
  const domain = normalizeDomain(ref);
  if (!domain) return null;
  const byDomain = await accountByDomain(db, site, domain);
  if (byDomain) return { id: byDomain.id, implied: false };
  if (options.autoAccounts && !isFreeMailDomain(domain) && !(await domainTaken(db, site, domain))) {
    const someone = await db.selectFrom('identifiers').select('value').where('site', '=', site).where('email_domain', '=', domain).executeTakeFirst();
    if (someone) return { id: domain, implied: true };
  }
  return null;
}

async function mergedInto(db: Db, site: string, accountId: string): Promise<string[]> {
  const all = [accountId];
  for (let i = 0; i < all.length && i < 1000; i++) {
    const rows = await db.selectFrom('accounts').select('account_id').where('site', '=', site).where('merged_into', '=', all[i]!).execute();
    all.push(...rows.map((row) => row.account_id));
  }
  return all;
}

/** The people of an account: members by group() or groupId, and colleagues by a work email at its domain. */
export async function accountPeople(db: Db, site: string, account: { id: string; implied: boolean }, options: IdentityOptions): Promise<PersonSummary[]> {
  const ids = account.implied ? [] : await mergedInto(db, site, account.id);
  const domain = account.implied ? account.id : ((await mergedTarget(db, site, account.id))?.domain ?? null);
  const people = new Map<string, PersonSummary & { first: number; last: number }>();
  const add = (personId: string, via: AccountMembership['via'], first: number, last: number) => {
    const known = people.get(personId);
    const better = !known || known.via === 'email-domain';
    people.set(personId, {
      id: personId,
      identifiers: [],
      via: better ? via : known!.via,
      first: Math.min(first, known?.first ?? Infinity),
      last: Math.max(last, known?.last ?? -Infinity),
      firstSeen: null,
      lastSeen: null,
    });
  };
  for (const part of chunk(ids)) {
    const rows = await db
      .selectFrom('account_members as m')
      .innerJoin('identifiers as i', (join) => join.onRef('i.site', '=', 'm.site').onRef('i.kind', '=', 'm.actor_kind').onRef('i.value', '=', 'm.actor_value'))
      .select(['i.person_id', 'm.rule', 'm.first_seen', 'm.last_seen'])
      .where('m.site', '=', site)
      .where('m.account_id', 'in', part)
      .execute();
    for (const row of rows) add(row.person_id, row.rule === 'group' ? 'group' : 'context', Number(row.first_seen), Number(row.last_seen));
  }
  const sharedDomain = domain && !isFreeMailDomain(domain) && (account.implied || (await accountByDomain(db, site, domain))?.id === account.id);
  if (sharedDomain) {
    const rows = await db.selectFrom('identifiers').select(['person_id', 'first_seen']).where('site', '=', site).where('kind', '=', 'email').where('email_domain', '=', domain).execute();
    for (const row of rows) add(row.person_id, 'email-domain', Number(row.first_seen), Number(row.first_seen));
  }
  for (const ids of chunk([...people.keys()])) {
    const rows = await db.selectFrom('identifiers').select(['person_id', 'kind', 'value']).where('site', '=', site).where('person_id', 'in', ids).where('kind', '!=', 'anonymousId').execute();
    for (const row of rows) people.get(row.person_id)!.identifiers.push({ kind: row.kind as IdKind, value: row.value });
  }
  return [...people.values()]
    .filter((person) => person.identifiers.length || person.via !== 'email-domain')
    .sort((x, y) => x.first - y.first || (x.id < y.id ? -1 : 1))
    .map(({ first, last, ...person }) => ({ ...person, firstSeen: iso(Number.isFinite(first) ? first : null), lastSeen: iso(Number.isFinite(last) ? last : null) }));
}

export async function accountRecord(db: Db, site: string, account: { id: string; implied: boolean }, options: IdentityOptions): Promise<AccountRecord> {
  const people = await accountPeople(db, site, account, options);
  if (account.implied) {
    return { id: account.id, domain: account.id, merged: [], implied: true, traits: {}, people: people.length, firstSeen: null, lastSeen: null };
  }
  const ids = await mergedInto(db, site, account.id);
  const rows = await db.selectFrom('accounts').selectAll().where('site', '=', site).where('account_id', 'in', ids).execute();
  const own = rows.find((row) => row.account_id === account.id)!;
  return {
    id: account.id,
    domain: own.domain,
    merged: ids.slice(1),
    implied: false,
    traits: await traitsOf(db, site, ids.map((id) => ({ kind: 'account', value: id }))),
    people: people.length,
    firstSeen: iso(Math.min(...rows.map((row) => Number(row.first_seen)))),
    lastSeen: iso(Math.max(...rows.map((row) => Number(row.last_seen)))),
  };
}

/**
 * An account's events: those naming it (groupId), every one sent by one of its people, and those
 * of its people that name no account, when it is the person's most recent account. Both are read
 * through its people's devices and user ids. The people and their accounts are read in bulk:
 * an account of 200 people costs a few queries, not a few per person.
 */
export async function accountEvents(db: Db, site: string, account: { id: string; implied: boolean }, page: { after?: TimelineCursor; limit: number }, options: IdentityOptions): Promise<ScopedEvent[]> {
  const ids = account.implied ? [] : await mergedInto(db, site, account.id);
  const people = new Set((await accountPeople(db, site, account, options)).map((person) => person.id));
  const identifiers: Array<{ person_id: string; kind: string; value: string }> = [];
  for (const part of chunk([...people], 80)) {
    identifiers.push(...(await db.selectFrom('identifiers').select(['person_id', 'kind', 'value']).where('site', '=', site).where('person_id', 'in', part).execute()));
  }
  // Each person's most recent account: the latest group() call, then the latest activity.
  const best = new Map<string, { account: string; grouped: number; last: number }>();
  const personOf = new Map(identifiers.map((id) => [`${id.kind}\u0000${id.value}`, id.person_id]));
  const targets = new Map<string, Promise<string>>();
  const targetOf = (accountId: string) => {
    if (!targets.has(accountId)) targets.set(accountId, mergedTarget(db, site, accountId).then((found) => found?.id ?? accountId));
    return targets.get(accountId)!;
  };
  for (const { kind, values } of byKind(identifiers)) {
    const rows = await db.selectFrom('account_members').selectAll().where('site', '=', site).where('actor_kind', '=', kind).where('actor_value', 'in', values).execute();
    for (const row of rows) {
      const person = personOf.get(`${row.actor_kind}\u0000${row.actor_value}`)!;
      const target = await targetOf(row.account_id);
      const grouped = row.last_group_at === null ? -Infinity : Number(row.last_group_at);
      const last = Number(row.last_seen);
      const known = best.get(person);
      if (!known || grouped > known.grouped || (grouped === known.grouped && last > known.last)) best.set(person, { account: target, grouped, last });
    }
  }
  // People with no membership of their own are here by their email's domain: this is their account.
  const credited = new Set([...people].filter((person) => (best.get(person)?.account ?? account.id) === account.id));
  // Devices someone claimed are read by their stretches, the others whole.
  const claimed = new Set<string>();
  for (const part of chunk(identifiers.filter((id) => id.kind === 'anonymousId').map((id) => id.value), 80)) {
    for (const row of await db.selectFrom('device_segments').select('anonymous_id').where('site', '=', site).where('anonymous_id', 'in', part).execute()) claimed.add(row.anonymous_id);
  }
  // Every person's sources: the credited people's events count when they name this account or
  // none, the others' only when they name it (each is a member by such an event).
  const sourcesOf = (persons: Set<string>): EventSources => {
    const sources: EventSources = { userIds: [], owners: [], devices: [] };
    for (const id of identifiers) {
      if (!persons.has(id.person_id) || id.kind === 'anonymousId') continue;
      if (id.kind === 'userId') sources.userIds.push(id.value);
      sources.owners.push({ kind: id.kind as StrongIdentifier['kind'], value: id.value });
    }
    sources.devices = identifiers.filter((id) => persons.has(id.person_id) && id.kind === 'anonymousId' && !claimed.has(id.value)).map((id) => id.value);
    return sources;
  };
  const others = new Set([...people].filter((person) => !credited.has(person)));
  // Every source binds the account's ids: an account with many merged into it is read a few ids
  // at a time (D1 binds at most 100 parameters a statement), each read a page deep, merged.
  const [first = [], ...more] = chunk(ids, 40);
  const everyone = more.length ? sourcesOf(people) : undefined;
  const reads = [
    eventsIn(db, site, { ...sourcesOf(credited), groupIds: first, naming: sourcesOf(others) }, page),
    ...more.map((part) => eventsIn(db, site, { userIds: [], owners: [], devices: [], groupIds: part, naming: everyone }, page)),
  ];
  if (reads.length === 1) return reads[0]!;
  const bySeq = new Map((await Promise.all(reads)).flat().map((event) => [event.seq, event]));
  return [...bySeq.values()].sort((x, y) => x.timestamp - y.timestamp || x.seq - y.seq).slice(0, page.limit);
}
