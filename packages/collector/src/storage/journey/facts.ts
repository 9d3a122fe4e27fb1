/**
 * What the aggregate journey queries read, for a whole site at once: the touchpoints (derived
 * from events, and imported) with the person each belongs to, who is in which account, and the
 * traits stages and filters look at. People are resolved here, through the same identity tables
 * the timelines read, so a merge or a split shows at once.
 */
import type { Kysely } from 'kysely';
import type { JsonValue } from '@journey/protocol';
import type { Database } from '../schema.ts';
import type { OfflineTouchpoint } from '../../import/offline-touchpoint.ts';
import { isFreeMailDomain } from '../../identity/free-mail.ts';
import { importedId } from '../imports.ts';
import { byKind, chunk, limitsOf } from '../identity/scope.ts';
import { touchpointsWithPersons, type StreamTouchpoint } from './touchpoint-persons.ts';

type Db = Kysely<Database>;

export type { StreamTouchpoint };

export interface JourneyFacts {
  /**
   * Session entries and key events, with their person (none where nobody is known) and, when the
   * event named one by its groupId, their account.
   */
  touchpoints: StreamTouchpoint[];
  /** Imported touchpoints, with the person and account they name (when known). */
  imported: Array<{ touchpoint: OfflineTouchpoint & { id: string }; personId?: string; accountId?: string }>;
  /**
   * Each person's account, where what they do that names no account counts: the one of their
   * latest group() call, then of their latest activity; without any, their work email's. Merges
   * followed. As the account journey credits them (storage/identity/read.ts, accountEvents).
   */
  accountOfPerson: Record<string, string>;
  /** Traits as facts: every setting of a key, with its time (the latest wins). */
  traits: Array<{ owner: 'person' | 'account'; id: string; key: string; value: JsonValue; at: number; messageId: string }>;
  /** The live accounts claiming each domain (a work email's account; several claim none). */
  domainClaims: Record<string, string[]>;
}

export interface JourneyFactsOptions {
  /** Person traits the stage model's rules read; account traits are all read (filters). */
  personTraits: string[];
  /** A work-email domain no account claims is an account of its own. */
  autoAccounts: boolean;
}

/** Part of a site's journey facts: what kept staging reads again after a change. */
export interface JourneyScope {
  /** Streams (devices, `user:<id>`) whose touchpoints to read. */
  streams: readonly string[];
  /** People whose imported touchpoints, account and traits to read. */
  persons: readonly string[];
  /**
   * Accounts (ids as sent) whose traits and account-only imported touchpoints (naming nobody the
   * graph knows) to read, with every id merged with them.
   */
  accounts: readonly string[];
  /** Work domains whose account (the one claiming it, or the domain itself with autoAccounts) to read as above. */
  domains?: readonly string[];
}

export interface ScopedJourneyFacts extends JourneyFacts {
  /** The streams holding a touchpoint of the scope's people now. */
  streamsOfPersons: string[];
  /**
   * Who else the scope reaches now: the people its streams' devices and user ids belong to (with
   * touchpoints there or not), and those merged into its people.
   */
  personsReached: string[];
  /** The live ids of the scope's accounts, and those of them merged into another since. */
  accounts: string[];
}

/** A site's journey facts, whole. */
export async function journeyFacts(db: Db, site: string, options: JourneyFactsOptions): Promise<JourneyFacts> {
  const { accounts: _, identities: __, ...facts } = await readFacts(db, site, options);
  return facts;
}

/**
 * The journey facts of some streams, people and accounts, and who else they reach now: what kept
 * staging reads to follow a change without reading the whole site (analytics/kept-staging.ts).
 */
export async function scopedJourneyFacts(db: Db, site: string, options: JourneyFactsOptions, scope: JourneyScope): Promise<ScopedJourneyFacts> {
  const { identities, ...facts } = await readFacts(db, site, options, scope);
  const size = Math.max(1, Math.min(500, limitsOf(db).maxParameters - 20));
  const devices = scope.streams.filter((stream) => !stream.startsWith('user:'));
  const users = scope.streams.filter((stream) => stream.startsWith('user:')).map((stream) => stream.slice('user:'.length));
  const personsReached = new Set<string>();
  const streamsOfPersons = new Set<string>();
  for (const part of chunk(devices, size)) {
    for (const row of await db.selectFrom('identifiers').select('person_id').where('site', '=', site).where('kind', '=', 'anonymousId').where('value', 'in', part).execute()) personsReached.add(row.person_id);
    const owners = await db
      .selectFrom('device_segments as s')
      .innerJoin('identifiers as o', (join) => join.onRef('o.site', '=', 's.site').onRef('o.kind', '=', 's.owner_kind').onRef('o.value', '=', 's.owner_value'))
      .select('o.person_id')
      .where('s.site', '=', site)
      .where('s.anonymous_id', 'in', part)
      .execute();
    for (const row of owners) personsReached.add(row.person_id);
  }
  for (const part of chunk(users, size)) {
    for (const row of await db.selectFrom('identifiers').select('person_id').where('site', '=', site).where('kind', '=', 'userId').where('value', 'in', part).execute()) personsReached.add(row.person_id);
  }
  // By the people's identifiers, each kind's values a part at a time: the owner indexes lead.
  for (const { kind, values } of byKind(identities, size)) {
    if (kind === 'anonymousId') for (const value of values) streamsOfPersons.add(value);
    const segments = await db.selectFrom('device_segments').select('anonymous_id').where('site', '=', site).where('owner_kind', '=', kind).where('owner_value', 'in', values).execute();
    for (const row of segments) streamsOfPersons.add(row.anonymous_id);
    if (kind !== 'userId') continue;
    // Not DISTINCT: SQLite would walk the stream index for its order rather than look up the user ids.
    const byUser = await db.selectFrom('journey_touchpoints').select('stream').where('site', '=', site).where('user_id', 'in', values).execute();
    for (const row of byUser) streamsOfPersons.add(row.stream);
  }
  for (const part of chunk([...scope.persons], size)) {
    for (const row of await db.selectFrom('person_redirects').select('from_id').where('site', '=', site).where('to_id', 'in', part).execute()) personsReached.add(row.from_id);
  }
  return { ...facts, streamsOfPersons: [...streamsOfPersons], personsReached: [...personsReached] };
}

type Identity = { kind: string; value: string; person_id: string; email_domain: string | null };

async function readFacts(db: Db, site: string, options: JourneyFactsOptions, scope?: JourneyScope): Promise<JourneyFacts & { accounts: string[]; identities: Identity[] }> {
  const { live: accounts, byDomain } = await liveAccounts(db, site);
  const accountOfDomain = (domain: string | null): string | undefined => {
    if (!domain || isFreeMailDomain(domain)) return undefined;
    const owners = byDomain.get(domain);
    if (owners) return owners.length === 1 ? owners[0] : undefined; // an ambiguous domain matches nobody
    return options.autoAccounts ? domain : undefined;
  };
  /** The account an imported touchpoint credits: the live one of its id, else its domain's. */
  const creditedBy = (row: { account_id: string | null; domain: string | null }) => (row.account_id !== null ? accounts.get(row.account_id) : undefined) ?? accountOfDomain(row.domain);
  const size = Math.max(1, Math.min(500, limitsOf(db).maxParameters - 20));
  // A scope's people by their identifiers, each kind's values a part at a time: the owner
  // indexes lead (a join from person ids leaves the choice to SQLite's planner, which scans).
  const identities: Identity[] = [];
  for (const part of chunk([...(scope?.persons ?? [])], size)) {
    for (const row of await db.selectFrom('identifiers').select(['kind', 'value', 'person_id', 'email_domain']).where('site', '=', site).where('person_id', 'in', part).execute()) identities.push(row);
  }
  const owners: Array<{ kind: string; values: string[] } | undefined> = scope ? byKind(identities, size) : [undefined];
  const scopeAccounts = scope && [
    ...new Set([
      ...scope.accounts.flatMap((id) => (accounts.has(id) ? [accounts.get(id)!] : [])),
      ...(scope.domains ?? []).flatMap((domain) => accountOfDomain(domain) ?? []),
    ]),
  ];
  const rawAccounts = scopeAccounts && [...accounts].filter(([, live]) => scopeAccounts.includes(live)).map(([raw]) => raw);

  const touchpoints = await touchpointsWithPersons(db, site, scope?.streams, size, (groupId) => accounts.get(groupId));

  const importedQuery = () =>
    db
      .selectFrom('imported_touchpoints as m')
      .leftJoin('identifiers as i', (join) => join.onRef('i.site', '=', 'm.site').onRef('i.kind', '=', 'm.person_kind').onRef('i.value', '=', 'm.person_value'))
      .select(['m.source', 'm.external_id', 'm.payload', 'm.account_id', 'm.domain', 'i.person_id'])
      .where('m.site', '=', site);
  const imported = [];
  for (const owner of owners) {
    let query = importedQuery();
    if (owner) query = query.where('m.person_kind', '=', owner.kind).where('m.person_value', 'in', owner.values);
    for (const row of await query.execute()) imported.push(row);
  }
  if (scopeAccounts?.length) {
    // The scope's accounts' touchpoints naming nobody the graph knows, by account id or by domain.
    const wanted = new Set(scopeAccounts);
    const domains = [...byDomain.keys()].filter((domain) => wanted.has(accountOfDomain(domain)!));
    if (options.autoAccounts) domains.push(...scopeAccounts.filter((account) => !byDomain.has(account)));
    const seen = new Set<string>();
    for (const [column, values] of [['m.account_id', rawAccounts!], ['m.domain', domains]] as const) {
      for (const part of chunk(values, size)) {
        for (const row of await importedQuery().where(column, 'in', part).where('i.person_id', 'is', null).execute()) {
          const id = `${row.source}\u0000${row.external_id}`;
          if (seen.has(id) || !wanted.has(creditedBy(row)!)) continue;
          seen.add(id);
          imported.push(row);
        }
      }
    }
  }

  const members = [];
  for (const owner of owners) {
    let query = db
      .selectFrom('account_members as m')
      .innerJoin('identifiers as i', (join) => join.onRef('i.site', '=', 'm.site').onRef('i.kind', '=', 'm.actor_kind').onRef('i.value', '=', 'm.actor_value'))
      .select(['i.person_id', 'm.account_id', 'm.last_group_at', 'm.last_seen'])
      .where('m.site', '=', site);
    if (owner) query = query.where('m.actor_kind', '=', owner.kind).where('m.actor_value', 'in', owner.values);
    for (const row of await query.execute()) members.push(row);
  }
  const emails = scope
    ? identities.filter((identity) => identity.kind === 'email')
    : await db.selectFrom('identifiers').select(['person_id', 'email_domain']).where('site', '=', site).where('kind', '=', 'email').execute();

  const traitRows = [];
  const traitQuery = () =>
    db
      .selectFrom('trait_facts as f')
      .leftJoin('identifiers as i', (join) => join.onRef('i.site', '=', 'f.site').onRef('i.kind', '=', 'f.owner_kind').onRef('i.value', '=', 'f.owner_value'))
      .select(['f.owner_kind', 'f.owner_value', 'f.key', 'f.value', 'f.at', 'f.message_id', 'i.person_id'])
      .where('f.site', '=', site);
  if (!scope) {
    const query = traitQuery().where((eb) => eb.or([eb('f.owner_kind', '=', 'account'), ...(options.personTraits.length ? [eb('f.key', 'in', options.personTraits)] : [])]));
    for (const row of await query.execute()) traitRows.push(row);
  } else {
    for (const part of chunk(rawAccounts!, size)) for (const row of await traitQuery().where('f.owner_kind', '=', 'account').where('f.owner_value', 'in', part).execute()) traitRows.push(row);
    if (options.personTraits.length) {
      for (const owner of owners) {
        const query = traitQuery().where('f.owner_kind', '=', owner!.kind).where('f.owner_value', 'in', owner!.values).where('f.key', 'in', options.personTraits);
        for (const row of await query.execute()) traitRows.push(row);
      }
    }
  }

  const best = new Map<string, { account: string; grouped: number; last: number }>();
  for (const row of members) {
    const account = accounts.get(row.account_id);
    if (account === undefined) continue;
    const grouped = row.last_group_at === null ? -Infinity : Number(row.last_group_at);
    const last = Number(row.last_seen);
    const known = best.get(row.person_id);
    if (!known || grouped > known.grouped || (grouped === known.grouped && (last > known.last || (last === known.last && account < known.account)))) {
      best.set(row.person_id, { account, grouped, last });
    }
  }
  const accountOfPerson: Record<string, string> = {};
  for (const row of emails) {
    const account = accountOfDomain(row.email_domain);
    // Two work emails at two domains: the first domain's account, whatever order rows come in.
    const known = accountOfPerson[row.person_id];
    if (account !== undefined && !best.has(row.person_id) && (known === undefined || account < known)) accountOfPerson[row.person_id] = account;
  }
  for (const [person, { account }] of best) accountOfPerson[person] = account;

  return {
    touchpoints,
    imported: imported.map((row) => {
      const accountId = creditedBy(row);
      return {
        touchpoint: { ...(JSON.parse(row.payload) as OfflineTouchpoint), id: importedId({ source: row.source, externalId: row.external_id }) },
        ...(row.person_id !== null && { personId: row.person_id }),
        ...(accountId !== undefined && { accountId }),
      };
    }),
    accountOfPerson,
    traits: traitRows.flatMap((row) => {
      const owner = row.owner_kind === 'account' ? ({ owner: 'account', id: accounts.get(row.owner_value) } as const) : ({ owner: 'person', id: row.person_id ?? undefined } as const);
      return owner.id === undefined ? [] : [{ ...owner, id: owner.id, key: row.key, value: JSON.parse(row.value) as JsonValue, at: Number(row.at), messageId: row.message_id }];
    }),
    domainClaims: Object.fromEntries([...byDomain.keys()].sort().map((domain) => [domain, byDomain.get(domain)!.map((id) => accounts.get(id) ?? id).sort()])),
    // And those of the scope merged away since: what is held of them goes.
    accounts: scopeAccounts ? [...scopeAccounts, ...scope.accounts.filter((id) => accounts.has(id) && accounts.get(id) !== id)] : [],
    identities,
  };
}

/**
 * Every account id of the site and the live account it is now (admin merges followed), and the
 * live accounts by domain: one domain may be claimed by several (then it names none).
 */
async function liveAccounts(db: Db, site: string): Promise<{ live: Map<string, string>; byDomain: Map<string, string[]> }> {
  const rows = await db.selectFrom('accounts').select(['account_id', 'domain', 'merged_into']).where('site', '=', site).execute();
  const into = new Map(rows.map((row) => [row.account_id, row.merged_into]));
  const live = new Map<string, string>();
  const byDomain = new Map<string, string[]>();
  for (const row of rows) {
    let id = row.account_id;
    for (let hops = 0; hops < 20 && into.get(id); hops++) id = into.get(id)!;
    if (!into.get(id)) live.set(row.account_id, id);
    if (row.merged_into === null && row.domain !== null) byDomain.set(row.domain, [...(byDomain.get(row.domain) ?? []), row.account_id]);
  }
  return { live, byDomain };
}
