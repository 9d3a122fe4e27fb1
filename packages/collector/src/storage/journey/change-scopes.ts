/**
 * What each change that reaches the journey facts without events (an import, an admin change)
 * reached, logged under its number: a reader whose staging is a few changes behind follows them
 * as it follows new events, restaging those people rather than the whole site. A change that
 * cannot say whom it reached logs that it reached everyone in its site: a reader there stages
 * whole, a reader of another site reads on.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { chunk } from '../identity/scope.ts';
import { isFreeMailDomain } from '../../identity/free-mail.ts';

type Db = Kysely<Database>;

/**
 * Whom a change reached: streams (devices, `user:<id>`), people, accounts (ids as sent) and the
 * accounts of work domains (imported touchpoints that credit a company by its domain).
 */
export interface ChangeScope {
  streams: string[];
  persons: string[];
  accounts: string[];
  domains?: string[];
}

/**
 * Changes kept in the log. A staging further behind than this stages whole: by then most of the
 * site has likely changed anyway.
 */
export const loggedChanges = 500;

/** A change reaching more people than this is logged as reaching everyone (nothing logged). */
export const maxScopedPersons = 5_000;

/** A logged change that reached everyone in its site: its readers there stage whole, other sites' read on. */
const everyone = 'everyone';

/** Logs whom change `change` of the site reached (null: it cannot say), and forgets the oldest. */
export async function logChangeScope(trx: Db, site: string, change: number, scope: ChangeScope | null): Promise<void> {
  const reached = scope && scope.persons.length <= maxScopedPersons ? JSON.stringify(scope) : everyone;
  await trx.insertInto('journey_change_scopes').values({ change, site, scope: reached }).execute();
  await trx.deleteFrom('journey_change_scopes').where('change', '<=', change - loggedChanges).execute();
}

/**
 * Whom the changes after number `after` up to `upTo` reached in a site, or null when one of them
 * reached everyone there, or is no longer kept.
 */
export async function changeScopes(db: Db, site: string, after: number, upTo: number): Promise<ChangeScope | null> {
  if (upTo <= after) return upTo === after ? { streams: [], persons: [], accounts: [], domains: [] } : null;
  const rows = await db.selectFrom('journey_change_scopes').select(['change', 'site', 'scope']).where('change', '>', after).where('change', '<=', upTo).execute();
  if (rows.length !== upTo - after) return null;
  const streams = new Set<string>();
  const persons = new Set<string>();
  const accounts = new Set<string>();
  const domains = new Set<string>();
  for (const row of rows) {
    if (row.site !== site) continue;
    if (row.scope === everyone) return null;
    const scope = JSON.parse(row.scope) as ChangeScope;
    for (const stream of scope.streams) streams.add(stream);
    for (const person of scope.persons) persons.add(person);
    for (const account of scope.accounts) accounts.add(account);
    for (const domain of scope.domains ?? []) domains.add(domain);
  }
  return { streams: [...streams], persons: [...persons], accounts: [...accounts], domains: [...domains] };
}

/** Some people and the identifiers they hold. */
export interface Identities {
  persons: string[];
  identifiers: Array<{ kind: string; value: string }>;
}

/** These people's identifiers, read before a change that moves them. */
export async function identitiesOf(trx: Db, site: string, persons: string[]): Promise<Identities> {
  const identifiers = await trx.selectFrom('identifiers').select(['kind', 'value']).where('site', '=', site).where('person_id', 'in', persons).execute();
  return { persons, identifiers };
}

/** Whom a change to these people reached: themselves, and whoever holds one of their identifiers now. */
export async function reachedFrom(trx: Db, site: string, before: Identities): Promise<ChangeScope> {
  const owners = await ownersOf(trx, site, before.identifiers);
  return { streams: [], persons: [...new Set([...before.persons, ...owners.values()])], accounts: [] };
}

/** The person holding each of these identifiers now, by `kind:value`; those nobody holds are absent. */
async function ownersOf(trx: Db, site: string, identifiers: Iterable<{ kind: string; value: string }>): Promise<Map<string, string>> {
  const byKind = new Map<string, Set<string>>();
  for (const { kind, value } of identifiers) byKind.set(kind, (byKind.get(kind) ?? new Set()).add(value));
  const owners = new Map<string, string>();
  for (const [kind, values] of byKind) {
    // 80 values a statement: D1 binds at most 100 parameters.
    for (const part of chunk([...values], 80)) {
      const rows = await trx.selectFrom('identifiers').select(['value', 'person_id']).where('site', '=', site).where('kind', '=', kind).where('value', 'in', part).execute();
      for (const row of rows) owners.set(`${kind}:${row.value}`, row.person_id);
    }
  }
  return owners;
}

/**
 * Whom merging account `source` into `target` reaches, read before the merge: the source's
 * members (of it or an account merged into it), whose touchpoints and account move, and both
 * accounts. An imported touchpoint crediting the source is read only with the whole site, so
 * then it reaches everyone (null).
 */
export async function accountMergeReach(trx: Db, site: string, target: string, source: string): Promise<ChangeScope | null> {
  const rows = await trx.selectFrom('accounts').select(['account_id', 'merged_into']).where('site', '=', site).execute();
  const into = new Map(rows.map((row) => [row.account_id, row.merged_into]));
  const merging = rows.flatMap(({ account_id: id }) => {
    let cursor: string | null | undefined = id;
    for (let hops = 0; cursor && hops < 1000; hops++, cursor = into.get(cursor)) if (cursor === source) return [id];
    return [];
  });
  const persons = new Set<string>();
  // 80 ids a statement: D1 binds at most 100 parameters.
  for (const part of chunk(merging, 80)) {
    if (await trx.selectFrom('imported_touchpoints').select('source').where('site', '=', site).where('account_id', 'in', part).executeTakeFirst()) return null;
    const members = await trx
      .selectFrom('account_members as m')
      .innerJoin('identifiers as i', (join) => join.onRef('i.site', '=', 'm.site').onRef('i.kind', '=', 'm.actor_kind').onRef('i.value', '=', 'm.actor_value'))
      .select('i.person_id')
      .where('m.site', '=', site)
      .where('m.account_id', 'in', part)
      .execute();
    for (const row of members) persons.add(row.person_id);
  }
  // Their streams are read with them (kept-staging.ts): every event naming the source is a
  // member's, whose membership came with it.
  return { streams: [], persons: [...persons], accounts: [target, source] };
}

/** Who an imported touchpoint names, as stored. */
export interface ImportedWho {
  person_kind: string | null;
  person_value: string | null;
  account_id: string | null;
  domain: string | null;
}

/**
 * Whom new imported touchpoints reach: the people their email or user id belongs to now, who are
 * staged again with their accounts; for one naming nobody the graph knows, the account it credits
 * by id or by work domain (a CRM's leads and contacts the site never saw), staged again with its
 * account-only touchpoints.
 */
export async function importReach(trx: Db, site: string, imported: readonly ImportedWho[]): Promise<ChangeScope> {
  const owners = await ownersOf(
    trx,
    site,
    imported.flatMap((who) => (who.person_kind === null ? [] : [{ kind: who.person_kind, value: who.person_value! }])),
  );
  const persons = new Set<string>();
  const accounts = new Set<string>();
  const domains = new Set<string>();
  for (const who of imported) {
    const person = who.person_kind === null ? undefined : owners.get(`${who.person_kind}:${who.person_value}`);
    if (person !== undefined) persons.add(person);
    else {
      if (who.account_id !== null) accounts.add(who.account_id);
      if (who.domain !== null && !isFreeMailDomain(who.domain)) domains.add(who.domain);
    }
  }
  return { streams: [], persons: [...persons], accounts: [...accounts], domains: [...domains] };
}

/** Forgets whom a site's changes reached (an erasure: a scope names the person erased): its readers behind stage whole. */
export const forgetChangeScopes = async (trx: Db, site: string): Promise<void> =>
  void (await trx.updateTable('journey_change_scopes').set({ scope: everyone }).where('site', '=', site).execute());
