import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { ImportedOwner, ImportResult } from './port.ts';
import type { OfflineTouchpoint } from '../import/offline-touchpoint.ts';
import { chunk } from './identity/scope.ts';
import { importReach, type ChangeScope } from './journey/change-scopes.ts';

type Db = Kysely<Database>;

/** Who an imported touchpoint names, as stored: an email if it has one, else its user id. */
const personKey = (touchpoint: OfflineTouchpoint) =>
  touchpoint.email ? { person_kind: 'email', person_value: touchpoint.email } : touchpoint.userId ? { person_kind: 'userId', person_value: touchpoint.userId } : { person_kind: null, person_value: null };

export const importedId = (touchpoint: Pick<OfflineTouchpoint, 'source' | 'externalId'>) => `${touchpoint.source}:${touchpoint.externalId}`;

/** Stores new touchpoints inside the caller's transaction, one at a time so a file's repeats are seen. */
export async function importTouchpoints(trx: Db, site: string, touchpoints: readonly OfflineTouchpoint[], window: number, now: number): Promise<ImportResult[]> {
  const results: ImportResult[] = [];
  for (const touchpoint of touchpoints) {
    const known = await trx
      .selectFrom('imported_touchpoints')
      .select('source')
      .where('site', '=', site)
      .where('source', '=', touchpoint.source)
      .where('external_id', '=', touchpoint.externalId)
      .executeTakeFirst();
    if (known) {
      results.push({ status: 'duplicate', id: importedId(touchpoint), reason: 'same source and externalId' });
      continue;
    }
    const person = personKey(touchpoint);
    if (person.person_kind !== null) {
      const twin = await trx
        .selectFrom('imported_touchpoints')
        .select(['source', 'external_id'])
        .where('site', '=', site)
        .where('person_kind', '=', person.person_kind)
        .where('person_value', '=', person.person_value)
        .where('type', '=', touchpoint.type)
        .where('occurred_at', '>=', touchpoint.occurredAt - window)
        .where('occurred_at', '<=', touchpoint.occurredAt + window)
        .orderBy('occurred_at')
        .executeTakeFirst();
      if (twin) {
        results.push({ status: 'duplicate', id: importedId({ source: twin.source, externalId: twin.external_id }), reason: 'same person, type and time' });
        continue;
      }
    }
    await trx
      .insertInto('imported_touchpoints')
      .values({
        site,
        source: touchpoint.source,
        external_id: touchpoint.externalId,
        type: touchpoint.type,
        occurred_at: touchpoint.occurredAt,
        ...person,
        account_id: touchpoint.accountId ?? null,
        domain: touchpoint.domain ?? null,
        payload: JSON.stringify(touchpoint),
        imported_at: now,
      })
      .onConflict((conflict) => conflict.doNothing())
      .execute();
    results.push({ status: 'imported', id: importedId(touchpoint) });
  }
  return results;
}

/** Whom the touchpoints an import stored reach (`results` as importTouchpoints gave them). */
export function importedReach(trx: Db, site: string, touchpoints: readonly OfflineTouchpoint[], results: readonly ImportResult[]): Promise<ChangeScope | null> {
  const stored = touchpoints.filter((_, index) => results[index]!.status === 'imported');
  return importReach(trx, site, stored.map((touchpoint) => ({ ...personKey(touchpoint), account_id: touchpoint.accountId ?? null, domain: touchpoint.domain ?? null })));
}

/** A person's or an account's imported touchpoints, in time order (then by id). */
export async function importedTouchpoints(db: Db, site: string, owner: ImportedOwner): Promise<Array<OfflineTouchpoint & { id: string }>> {
  const lookups: Array<[column: 'person_value' | 'account_id' | 'domain', kind: string | null, values: string[]]> =
    'emails' in owner
      ? [
          ['person_value', 'email', owner.emails],
          ['person_value', 'userId', owner.userIds],
        ]
      : [
          ['account_id', null, owner.accountIds],
          ['domain', null, owner.domains],
        ];
  const rows = new Map<string, { payload: string; occurred_at: number }>();
  for (const [column, kind, values] of lookups) {
    for (const part of chunk([...new Set(values)], 80)) {
      let query = db.selectFrom('imported_touchpoints').select(['source', 'external_id', 'payload', 'occurred_at']).where('site', '=', site).where(column, 'in', part);
      if (kind !== null) query = query.where('person_kind', '=', kind);
      for (const row of await query.execute()) rows.set(`${row.source}:${row.external_id}`, { payload: row.payload, occurred_at: Number(row.occurred_at) });
    }
  }
  return [...rows]
    .sort(([a, x], [b, y]) => x.occurred_at - y.occurred_at || (a < b ? -1 : a > b ? 1 : 0))
    .map(([id, row]) => ({ ...(JSON.parse(row.payload) as OfflineTouchpoint), id }));
}

/** Erasure: the imported touchpoints naming these identifiers. Resolves with how many went. */
export async function eraseImported(trx: Db, site: string, who: { emails: string[]; userIds: string[] }): Promise<number> {
  let erased = 0;
  for (const [kind, values] of [['email', who.emails], ['userId', who.userIds]] as const) {
    for (const part of chunk(values, 80)) {
      const deleted = await trx.deleteFrom('imported_touchpoints').where('site', '=', site).where('person_kind', '=', kind).where('person_value', 'in', part).executeTakeFirst();
      erased += Number(deleted.numDeletedRows);
    }
  }
  return erased;
}
