import type { Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import { identifierKey, type StrongIdentifier } from '../../identity/identifiers.ts';
import type { ErasureCounts } from '../../identity/records.ts';
import { beginning } from '../../identity/resolve.ts';
import { noteSplit, recomputeDevices, recomputePeople } from './apply.ts';
import { byKind, chunk, eventsIn } from './scope.ts';
import { eraseImported } from '../imports.ts';
import { personParts, scopeOf } from './read.ts';
import { IdentityConflictError } from '../port.ts';

type Db = Kysely<Database>;


const strongOf = (parts: Awaited<ReturnType<typeof personParts>>): StrongIdentifier[] =>
  parts.strong.map((id) => ({ kind: id.kind as StrongIdentifier['kind'], value: id.value }));

/**
 * Separates these identifiers from the rest of their person: a fact, dated now, that automatic
 * links across it are not followed again (only an admin's later merge joins the two sides).
 */
export async function splitPerson(trx: Db, site: string, personId: string, members: StrongIdentifier[], at: number, splitId: string): Promise<void> {
  const parts = await personParts(trx, site, personId);
  const own = new Set(strongOf(parts).map(identifierKey));
  const leaving = members.filter((id) => own.has(identifierKey(id)));
  if (leaving.length !== members.length) throw new IdentityConflictError('every identifier to split off must belong to the person');
  if (leaving.length === 0 || leaving.length === own.size) throw new IdentityConflictError('a split must leave identifiers on both sides');
  for (const id of leaving) await trx.insertInto('identity_splits').values({ site, split_id: splitId, at, kind: id.kind, value: id.value }).execute();
  noteSplit(trx, site);
  await recomputePeople(trx, site, strongOf(parts));
}

/**
 * Makes two people one: a link between them with the rule "merge", dated now. A person with no
 * user id or email (an anonymous visitor) joins by their devices being claimed from the start.
 */
export async function mergePeople(trx: Db, site: string, into: string, other: string, at: number, messageId: string): Promise<void> {
  if (into === other) return;
  const [target, source] = await Promise.all([personParts(trx, site, into), personParts(trx, site, other)]);
  const targetId = strongOf(target)[0];
  if (!targetId) throw new IdentityConflictError('the person to merge into needs a userId or an email');
  const sourceId = strongOf(source)[0];
  if (sourceId) {
    await trx
      .insertInto('identity_links')
      .values({ site, message_id: messageId, idx: 0, at, rule: 'merge', a_kind: targetId.kind, a_value: targetId.value, b_kind: sourceId.kind, b_value: sourceId.value })
      .execute();
    await recomputePeople(trx, site, [targetId, sourceId]);
  }
  for (const anonymousId of source.unclaimed) {
    await trx
      .insertInto('device_claims')
      .values({ site, message_id: messageId, anonymous_id: anonymousId, owner_kind: targetId.kind, owner_value: targetId.value, at: beginning, rule: 'merge' })
      .execute();
  }
  if (source.unclaimed.length) await recomputeDevices(trx, site, source.unclaimed);
}

export async function mergeAccounts(trx: Db, site: string, into: string, other: string): Promise<void> {
  if (into === other) return;
  // No cycles: the target must not (eventually) be merged into the source.
  let cursor: string | null = into;
  for (let hops = 0; cursor && hops < 1000; hops++) {
    if (cursor === other) throw new IdentityConflictError('the account to merge into was itself merged into the other');
    const row: { merged_into: string | null } | undefined = await trx.selectFrom('accounts').select('merged_into').where('site', '=', site).where('account_id', '=', cursor).executeTakeFirst();
    cursor = row?.merged_into ?? null;
  }
  await trx.updateTable('accounts').set({ merged_into: into }).where('site', '=', site).where('account_id', '=', other).execute();
}

/**
 * The right to erasure: every event of the person, every identifier, trait and link naming them,
 * and every fact recorded from their events. A shared device keeps only its other users' stretches.
 */
export async function erasePerson(trx: Db, site: string, personId: string): Promise<ErasureCounts> {
  const parts = await personParts(trx, site, personId);
  const strong = strongOf(parts);
  const counts: ErasureCounts = { events: 0, identifiers: 0, traits: 0, links: 0, touchpoints: 0 };
  counts.touchpoints = await eraseImported(trx, site, {
    emails: strong.filter((id) => id.kind === 'email').map((id) => id.value),
    userIds: strong.filter((id) => id.kind === 'userId').map((id) => id.value),
  });

  // The events first, a page at a time, remembering their messageIds to purge facts they left.
  const scope = scopeOf(parts);
  const messageIds: string[] = [];
  for (;;) {
    const page = await eventsIn(trx, site, scope, { limit: 500 });
    if (!page.length) break;
    for (const part of chunk(page.map((event) => event.seq), 90)) {
      const rows = await trx.selectFrom('events').select('message_id').where('seq', 'in', part).execute();
      messageIds.push(...rows.map((row) => row.message_id));
      const deleted = await trx.deleteFrom('events').where('seq', 'in', part).executeTakeFirst();
      counts.events += Number(deleted.numDeletedRows);
    }
  }


  const shared = new Set(parts.stretches.map((stretch) => stretch.anonymous_id));
  const neighbours = new Map<string, StrongIdentifier>();
  for (const { kind, values } of byKind(strong)) {
    const links = [
      ...(await trx.selectFrom('identity_links').selectAll().where('site', '=', site).where('a_kind', '=', kind).where('a_value', 'in', values).execute()),
      ...(await trx.selectFrom('identity_links').selectAll().where('site', '=', site).where('b_kind', '=', kind).where('b_value', 'in', values).execute()),
    ];
    const own = new Set(strong.map(identifierKey));
    for (const link of links) {
      for (const end of [{ kind: link.a_kind, value: link.a_value }, { kind: link.b_kind, value: link.b_value }] as StrongIdentifier[]) {
        if (!own.has(identifierKey(end))) neighbours.set(identifierKey(end), end);
      }
      const deleted = await trx.deleteFrom('identity_links').where('site', '=', site).where('message_id', '=', link.message_id).where('idx', '=', link.idx).executeTakeFirst();
      counts.links += Number(deleted.numDeletedRows);
    }
    await trx.deleteFrom('device_claims').where('site', '=', site).where('owner_kind', '=', kind).where('owner_value', 'in', values).execute();
    await trx.deleteFrom('device_first_use').where('site', '=', site).where('owner_kind', '=', kind).where('owner_value', 'in', values).execute();
    await trx.deleteFrom('identity_splits').where('site', '=', site).where('kind', '=', kind).where('value', 'in', values).execute();
  }

  // Devices: their stretches are re-derived without this person; one left with no owner at all is theirs entirely.
  await recomputeDevices(trx, site, [...shared]);
  const remaining = new Set<string>();
  for (const ids of chunk([...shared])) {
    for (const row of await trx.selectFrom('device_segments').select('anonymous_id').where('site', '=', site).where('anonymous_id', 'in', ids).execute()) {
      remaining.add(row.anonymous_id);
    }
  }
  const ownDevices = [...[...shared].filter((device) => !remaining.has(device)), ...parts.unclaimed];

  const owners = [
    ...strong,
    ...ownDevices.map((value) => ({ kind: 'anonymousId', value })),
  ] as Array<{ kind: string; value: string }>;
  for (const { kind, values } of byKind(owners)) {
    counts.traits += Number((await trx.deleteFrom('trait_facts').where('site', '=', site).where('owner_kind', '=', kind).where('owner_value', 'in', values).executeTakeFirst()).numDeletedRows);
    await trx.deleteFrom('account_members').where('site', '=', site).where('actor_kind', '=', kind).where('actor_value', 'in', values).execute();
    if (kind === 'anonymousId') {
      await trx.deleteFrom('device_claims').where('site', '=', site).where('anonymous_id', 'in', values).execute();
      await trx.deleteFrom('device_first_use').where('site', '=', site).where('anonymous_id', 'in', values).execute();
    }
    const deleted = await trx.deleteFrom('identifiers').where('site', '=', site).where('kind', '=', kind).where('value', 'in', values).executeTakeFirst();
    counts.identifiers += Number(deleted.numDeletedRows);
  }
  // What the person's stretches of shared devices said: traits and memberships recorded from their events.
  for (const part of chunk(messageIds, 90)) {
    counts.traits += Number((await trx.deleteFrom('trait_facts').where('site', '=', site).where('message_id', 'in', part).executeTakeFirst()).numDeletedRows);
    await trx.deleteFrom('account_members').where('site', '=', site).where('first_message_id', 'in', part).execute();
    await trx.deleteFrom('device_segments').where('site', '=', site).where('message_id', 'in', part).execute();
  }
  for (const device of ownDevices) await trx.deleteFrom('device_segments').where('site', '=', site).where('anonymous_id', '=', device).execute();
  await trx.deleteFrom('person_redirects').where('site', '=', site).where((eb) => eb.or([eb('to_id', '=', personId), eb('from_id', '=', personId)])).execute();
  if (neighbours.size) await recomputePeople(trx, site, [...neighbours.values()]);
  return counts;
}
