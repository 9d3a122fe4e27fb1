/**
 * Reads for exports: every person with their identifiers, and every live account, a page at a
 * time in a stable order, so a warehouse load can go on where it stopped.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';

type Db = Kysely<Database>;

export interface ExportedPerson {
  id: string;
  identifiers: Array<{ kind: string; value: string }>;
  firstSeen: number;
}

export interface ExportedAccount {
  id: string;
  domain: string | null;
  firstSeen: number;
  lastSeen: number;
}

/** People after `after` (a person id), in id order, each whole: up to about `limit` identifiers. */
export async function exportPeople(db: Db, site: string, after: string | null, limit: number): Promise<ExportedPerson[]> {
  let query = db.selectFrom('identifiers').select(['person_id', 'kind', 'value', 'first_seen']).where('site', '=', site);
  if (after !== null) query = query.where('person_id', '>', after);
  const rows = await query.orderBy('person_id').orderBy('kind').orderBy('value').limit(limit + 1).execute();
  const people: ExportedPerson[] = [];
  for (const row of rows.slice(0, limit)) {
    const last = people.at(-1);
    if (last?.id === row.person_id) {
      last.identifiers.push({ kind: row.kind, value: row.value });
      last.firstSeen = Math.min(last.firstSeen, Number(row.first_seen));
    } else people.push({ id: row.person_id, identifiers: [{ kind: row.kind, value: row.value }], firstSeen: Number(row.first_seen) });
  }
  // The page cut a person's identifiers short: they come whole on the next page.
  if (rows.length > limit && rows[limit]!.person_id === people.at(-1)?.id && people.length > 1) people.pop();
  return people;
}

/** Live accounts (not merged into another) after `after`, in id order. */
export async function exportAccounts(db: Db, site: string, after: string | null, limit: number): Promise<ExportedAccount[]> {
  let query = db.selectFrom('accounts').select(['account_id', 'domain', 'first_seen', 'last_seen']).where('site', '=', site).where('merged_into', 'is', null);
  if (after !== null) query = query.where('account_id', '>', after);
  const rows = await query.orderBy('account_id').limit(limit).execute();
  return rows.map((row) => ({ id: row.account_id, domain: row.domain, firstSeen: Number(row.first_seen), lastSeen: Number(row.last_seen) }));
}
