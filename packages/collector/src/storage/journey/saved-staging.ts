/**
 * A site's staging saved in the database (analytics/kept-staging.ts decides when), so a collector
 * starting on it holds the staging again rather than staging everyone. One text, written in parts
 * small enough for any engine's row (D1 allows 2 MB), replaced whole; each part says how many
 * there are and what staging it belongs to, so a save that stopped halfway reads as none.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';

type Db = Kysely<Database>;

/** Characters per part: at most 3 bytes each in UTF-8, so a part stays under 1.5 MB. */
const partSize = 500_000;

export interface SavedStaging {
  /** The journey facts' version it reflects. */
  version: string;
  staging: string;
}

/** The site's saved staging if one was saved under this key (the model and options it was staged with), whole. */
export async function savedStaging(db: Db, site: string, key: string): Promise<SavedStaging | null> {
  const rows = await db.selectFrom('journey_stagings').select(['part', 'parts', 'key', 'version', 'data']).where('site', '=', site).orderBy('part').execute();
  const first = rows[0];
  if (!first || first.key !== key) return null;
  const whole = rows.length === first.parts && rows.every((row, index) => Number(row.part) === index && row.parts === first.parts && row.key === key && row.version === first.version);
  return whole ? { version: first.version, staging: rows.map((row) => row.data).join('') } : null;
}

/** Saves a site's staging in place of the one before, in the caller's transaction. */
export async function saveStaging(trx: Db, site: string, key: string, saved: SavedStaging): Promise<void> {
  await forgetStagings(trx, site);
  const data = partsOf(saved.staging);
  for (const [part, text] of data.entries()) {
    await trx.insertInto('journey_stagings').values({ site, part, parts: data.length, key, version: saved.version, data: text }).execute();
  }
}

/** The text in parts of at most `partSize`, never between the two halves of a surrogate pair (neither half alone is UTF-8). */
export function partsOf(text: string, size = partSize): string[] {
  const parts: string[] = [];
  let start = 0;
  do {
    let end = Math.min(text.length, start + size);
    const last = text.charCodeAt(end - 1);
    if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
    parts.push(text.slice(start, end));
    start = end;
  } while (start < text.length);
  return parts;
}

/** Forgets a site's saved staging (an erasure: it holds the person erased). */
export const forgetStagings = async (trx: Db, site: string): Promise<void> => void (await trx.deleteFrom('journey_stagings').where('site', '=', site).execute());
