import type { CompiledQuery, Kysely } from 'kysely';
import type { Database } from '../schema.ts';
import type { IdentityFacts } from '../../identity/facts.ts';
import { emailDomain, identifierKey, normalizeDomain, type Identifier, type StrongIdentifier } from '../../identity/identifiers.ts';
import { beginning, partition, personId, segments, type Claim, type Edge, type Node, type Split } from '../../identity/resolve.ts';
import { byKind } from './scope.ts';

type Db = Kysely<Database>;

/** One accepted event's facts, with what identifies the event. */
export interface EventFacts {
  site: string;
  messageId: string;
  at: number;
  facts: IdentityFacts;
}

/** What a batch of facts changed, so only that is recomputed. */
interface Touched {
  strong: Map<string, StrongIdentifier>;
  devices: Set<string>;
  accounts: Set<string>;
}

const touchedBySite = new Map<string, Touched>();
const touched = (site: string): Touched => {
  let entry = touchedBySite.get(site);
  if (!entry) touchedBySite.set(site, (entry = { strong: new Map(), devices: new Set(), accounts: new Set() }));
  return entry;
};

/**
 * Records the facts of newly stored events and brings the derived graph up to date, inside the
 * caller's transaction. Derived state (who is who, whose stretch of a device's history) is always
 * recomputed from all the facts it depends on, never patched, so arrival order cannot matter.
 */
export async function applyFacts(trx: Db, batch: EventFacts[], runWrites: RunWrites = inOrder): Promise<void> {
  touchedBySite.clear();
  // Recording facts only writes (each idempotent, none reads another's result), so they go to the
  // database together: one round trip on D1, where they run as one atomic batch().
  const writes: Array<CompiledQuery<unknown>> = [];
  const memberships = new BatchMemberships();
  // An identifier named for the first time gets its row once, with the person it ends up in; the
  // others have their first sighting moved earlier where this batch saw them earlier.
  const fresh = new Map<string, NewIdentifiers>();
  for (const [site, sightings] of firstSightings(batch)) {
    const held = await heldAlready(trx, site, sightings);
    fresh.set(site, new NewIdentifiers(sightings.filter((sighting) => !held.has(identifierKey(sighting.id)))));
    for (const sighting of sightings) if (held.has(identifierKey(sighting.id))) writes.push(identifierWrite(trx, sighting, personId(site, sighting.id)));
  }
  for (const { site, messageId, at, facts } of batch) {
    const changed = touched(site);
    for (const id of facts.seen) if (id.kind !== 'anonymousId') changed.strong.set(identifierKey(id), id as StrongIdentifier);
    for (const [idx, link] of facts.links.entries()) {
      writes.push(
        trx
          .insertInto('identity_links')
          .values({ site, message_id: messageId, idx, at, rule: link.rule, a_kind: link.a.kind, a_value: link.a.value, b_kind: link.b.kind, b_value: link.b.value })
          .onConflict((conflict) => conflict.doNothing())
          .compile(),
      );
      changed.strong.set(identifierKey(link.a), link.a);
      changed.strong.set(identifierKey(link.b), link.b);
    }
    for (const claim of facts.claims) {
      const owner = { owner_kind: claim.to.kind, owner_value: claim.to.value };
      if (claim.rule === 'event') {
        // Only the first event per device and person matters: keep the earliest, whatever arrives when.
        writes.push(trx
          .insertInto('device_first_use')
          .values({ site, anonymous_id: claim.anonymousId, ...owner, at, message_id: messageId })
          .onConflict((conflict) =>
            conflict.columns(['site', 'anonymous_id', 'owner_kind', 'owner_value']).doUpdateSet({ at, message_id: messageId }).where((eb) =>
              eb.or([eb('device_first_use.at', '>', at), eb.and([eb('device_first_use.at', '=', at), eb('device_first_use.message_id', '>', messageId)])]),
            ),
          )
          .compile());
      } else {
        writes.push(trx
          .insertInto('device_claims')
          .values({ site, message_id: messageId, anonymous_id: claim.anonymousId, ...owner, at, rule: claim.rule })
          .onConflict((conflict) => conflict.doNothing())
          .compile());
      }
      changed.devices.add(claim.anonymousId);
    }
    const traits = [
      ...facts.traits.map((trait) => ({ kind: trait.owner.kind, value: trait.owner.value, key: trait.key, json: trait.value })),
      ...facts.accountTraits.map((trait) => ({ kind: 'account', value: trait.accountId, key: trait.key, json: trait.value })),
    ];
    for (const [idx, trait] of traits.entries()) {
      writes.push(
        trx
          .insertInto('trait_facts')
          .values({ site, message_id: messageId, idx, at, owner_kind: trait.kind, owner_value: trait.value, key: trait.key, value: JSON.stringify(trait.json) })
          .onConflict((conflict) => conflict.doNothing())
          .compile(),
      );
    }
    for (const trait of facts.accountTraits) changed.accounts.add(trait.accountId);
    for (const membership of facts.memberships) {
      memberships.add(site, membership.actor, membership.accountId, at, messageId, membership.rule);
      changed.accounts.add(membership.accountId);
    }
  }
  writes.push(...memberships.writes(trx));
  await runWrites(trx, writes);
  for (const [site, changed] of touchedBySite) {
    const recordedNow = fresh.get(site) ?? noNewIdentifiers;
    if (changed.strong.size) await recomputePeople(trx, site, [...changed.strong.values()], recordedNow);
    if (changed.devices.size) await recomputeDevices(trx, site, [...changed.devices], recordedNow);
    if (changed.accounts.size) await recomputeAccounts(trx, site, [...changed.accounts]);
  }
  // New identifiers no one claimed or linked (a new device's anonymous visit): a person of their own.
  await runWrites(trx, [...fresh.values()].flatMap((site) => site.unwritten(trx)));
}

/** Runs compiled writes inside the caller's transaction; D1 runs them as one batch(). */
export type RunWrites = (trx: Db, writes: Array<CompiledQuery<unknown>>) => Promise<void>;

export const inOrder: RunWrites = async (trx, writes) => {
  for (const write of writes) await trx.executeQuery(write);
};

interface Sighting {
  site: string;
  id: Identifier;
  at: number;
  messageId: string;
}

/** Each identifier's earliest sighting in the batch, the only one its row can keep, by site. */
function firstSightings(batch: EventFacts[]): Map<string, Sighting[]> {
  const first = new Map<string, Map<string, Sighting>>();
  for (const { site, messageId, at, facts } of batch) {
    if (!first.has(site)) first.set(site, new Map());
    const ofSite = first.get(site)!;
    for (const id of facts.seen) {
      const known = ofSite.get(identifierKey(id));
      if (!known || at < known.at || (at === known.at && messageId < known.messageId)) ofSite.set(identifierKey(id), { site, id, at, messageId });
    }
  }
  return new Map([...first].map(([site, ofSite]) => [site, [...ofSite.values()]]));
}

/**
 * A site's identifiers that the graph did not hold when this transaction began. Their rows are
 * written once, by whoever settles their person (`write`), rather than made with a person of their
 * own and moved: and as the person ids they would have started with were never committed, nobody
 * can have been answered with one, so joining someone leaves no redirect. At 1,000,000 identifiers
 * each of those is a write to a random page of a large index.
 */
class NewIdentifiers {
  readonly #pending: Map<string, Sighting>;
  readonly #all: Set<string>;
  constructor(sightings: Sighting[] = []) {
    this.#pending = new Map(sightings.map((sighting) => [identifierKey(sighting.id), sighting]));
    this.#all = new Set(this.#pending.keys());
  }
  /** Whether the identifier's row is made in this transaction. */
  has(key: string): boolean {
    return this.#all.has(key);
  }
  /** Its first sighting, while its row is not written. */
  pending(key: string): Sighting | undefined {
    return this.#pending.get(key);
  }
  /** Writes its row, in this person. */
  async write(trx: Db, key: string, person: string): Promise<void> {
    const sighting = this.#pending.get(key)!;
    this.#pending.delete(key);
    await trx.executeQuery(identifierWrite(trx, sighting, person));
  }
  /** The rows nobody wrote: each a person of its own. */
  unwritten(trx: Db): Array<CompiledQuery<unknown>> {
    const writes = [...this.#pending.values()].map((sighting) => identifierWrite(trx, sighting, personId(sighting.site, sighting.id)));
    this.#pending.clear();
    return writes;
  }
}

const noNewIdentifiers = new NewIdentifiers();

/** Which of a site's sighted identifiers the graph holds already (their keys). */
async function heldAlready(trx: Db, site: string, sightings: Sighting[]): Promise<Set<string>> {
  const held = new Set<string>();
  for (const { kind, values } of byKind(sightings.map((sighting) => sighting.id))) {
    const rows = await trx.selectFrom('identifiers').select(['kind', 'value']).where('site', '=', site).where('kind', '=', kind).where('value', 'in', values).execute();
    for (const row of rows) held.add(identifierKey({ kind: row.kind, value: row.value } as Identifier));
  }
  return held;
}

/** An identifier row, its first sighting kept as the earliest. */
function identifierWrite(trx: Db, { site, id, at, messageId }: Sighting, person: string): CompiledQuery<unknown> {
  return trx
    .insertInto('identifiers')
    .values({
      site,
      kind: id.kind,
      value: id.value,
      person_id: person,
      first_seen: at,
      first_message_id: messageId,
      email_domain: id.kind === 'email' ? emailDomain(id.value) : null,
    })
    .onConflict((conflict) =>
      conflict.columns(['site', 'kind', 'value']).doUpdateSet({ first_seen: at, first_message_id: messageId }).where((eb) =>
        eb.or([eb('identifiers.first_seen', '>', at), eb.and([eb('identifiers.first_seen', '=', at), eb('identifiers.first_message_id', '>', messageId)])]),
      ),
    )
    .compile();
}

/** A membership as a batch saw it: its earliest and latest sightings, how it began, its last group() call. */
interface BatchMember {
  site: string;
  actor: Identifier;
  accountId: string;
  first: number;
  firstMessageId: string;
  last: number;
  rule: string;
  lastGroupAt: number | null;
}

/**
 * A batch's memberships and accounts, one write each however many of its events name them: the
 * SDK sends a person's events together, each carrying their account, and every one of them was an
 * upsert of the membership and one of the account (two thirds of a known person's ingestion in a
 * profile). Each upsert keeps the earliest first sighting and the latest last one, so merging the
 * batch's sightings first is the same write: the first in batch order among the earliest, as
 * applying them in turn kept; `group` once any was; the last rule otherwise.
 */
class BatchMemberships {
  readonly #members = new Map<string, BatchMember>();
  readonly #accounts = new Map<string, { site: string; accountId: string; first: number; last: number }>();

  add(site: string, actor: Identifier, accountId: string, at: number, messageId: string, rule: string): void {
    const key = JSON.stringify([site, actor.kind, actor.value, accountId]);
    const member = this.#members.get(key);
    const groupAt = rule === 'group' ? at : null;
    if (!member) {
      this.#members.set(key, { site, actor, accountId, first: at, firstMessageId: messageId, last: at, rule, lastGroupAt: groupAt });
    } else {
      if (at < member.first) [member.first, member.firstMessageId] = [at, messageId];
      member.last = Math.max(member.last, at);
      member.rule = member.rule === 'group' ? 'group' : rule;
      if (groupAt !== null) member.lastGroupAt = Math.max(member.lastGroupAt ?? groupAt, groupAt);
    }
    const accountKey = JSON.stringify([site, accountId]);
    const account = this.#accounts.get(accountKey);
    if (!account) this.#accounts.set(accountKey, { site, accountId, first: at, last: at });
    else [account.first, account.last] = [Math.min(account.first, at), Math.max(account.last, at)];
  }

  writes(trx: Db): Array<CompiledQuery<unknown>> {
    return [
      ...[...this.#members.values()].map((member) => memberWrite(trx, member)),
      ...[...this.#accounts.values()].map((account) => accountWrite(trx, account)),
    ];
  }
}

function memberWrite(trx: Db, m: BatchMember): CompiledQuery<unknown> {
  const { first, firstMessageId, last, rule, lastGroupAt } = m;
  return trx
    .insertInto('account_members')
    .values({ site: m.site, actor_kind: m.actor.kind, actor_value: m.actor.value, account_id: m.accountId, first_seen: first, last_seen: last, first_message_id: firstMessageId, rule, last_group_at: lastGroupAt })
    .onConflict((conflict) =>
      conflict.columns(['site', 'actor_kind', 'actor_value', 'account_id']).doUpdateSet((eb) => ({
        first_message_id: eb
          .case()
          .when(eb('account_members.first_seen', '>', first))
          .then(firstMessageId)
          .else(eb.ref('account_members.first_message_id'))
          .end(),
        first_seen: eb.case().when(eb('account_members.first_seen', '>', first)).then(first).else(eb.ref('account_members.first_seen')).end(),
        last_seen: eb.case().when(eb('account_members.last_seen', '<', last)).then(last).else(eb.ref('account_members.last_seen')).end(),
        rule: eb.case().when(eb('account_members.rule', '=', 'group')).then('group').else(rule).end(),
        last_group_at:
          lastGroupAt !== null
            ? eb.case().when(eb.or([eb('account_members.last_group_at', 'is', null), eb('account_members.last_group_at', '<', lastGroupAt)])).then(lastGroupAt).else(eb.ref('account_members.last_group_at')).end()
            : eb.ref('account_members.last_group_at'),
      })),
    )
    .compile();
}

function accountWrite(trx: Db, a: { site: string; accountId: string; first: number; last: number }): CompiledQuery<unknown> {
  const { first, last } = a;
  return trx
    .insertInto('accounts')
    .values({ site: a.site, account_id: a.accountId, domain: null, first_seen: first, last_seen: last, merged_into: null })
    .onConflict((conflict) =>
      conflict.columns(['site', 'account_id']).doUpdateSet((eb) => ({
        first_seen: eb.case().when(eb('accounts.first_seen', '>', first)).then(first).else(eb.ref('accounts.first_seen')).end(),
        last_seen: eb.case().when(eb('accounts.last_seen', '<', last)).then(last).else(eb.ref('accounts.last_seen')).end(),
      })),
    )
    .compile();
}

/**
 * Re-derives the people around these identifiers: follows their links to the whole connected
 * group, partitions it (resolve.ts), and writes each identifier's person. A person whose id
 * changes (an earlier identifier joined it) leaves a redirect, so old ids keep working; the id
 * of an identifier recorded in this transaction (`recordedNow`) was never seen and leaves none.
 */
export async function recomputePeople(trx: Db, site: string, start: StrongIdentifier[], recordedNow: NewIdentifiers = noNewIdentifiers): Promise<void> {
  const seen = new Map(start.map((id) => [identifierKey(id), id]));
  const edges = new Map<string, Edge>();
  let frontier = [...seen.values()];
  while (frontier.length) {
    const next: StrongIdentifier[] = [];
    for (const { kind, values } of byKind(frontier)) {
      const rows = [
        ...(await trx.selectFrom('identity_links').selectAll().where('site', '=', site).where('a_kind', '=', kind).where('a_value', 'in', values).execute()),
        ...(await trx.selectFrom('identity_links').selectAll().where('site', '=', site).where('b_kind', '=', kind).where('b_value', 'in', values).execute()),
      ];
      for (const row of rows) {
        const edge: Edge = {
          a: { kind: row.a_kind as StrongIdentifier['kind'], value: row.a_value },
          b: { kind: row.b_kind as StrongIdentifier['kind'], value: row.b_value },
          at: Number(row.at),
          messageId: row.message_id,
          rule: row.rule as Edge['rule'],
        };
        edges.set(`${row.message_id}\u0000${row.idx}`, edge);
        for (const end of [edge.a, edge.b]) {
          if (!seen.has(identifierKey(end))) {
            seen.set(identifierKey(end), end);
            next.push(end);
          }
        }
      }
    }
    frontier = next;
  }

  const nodes: Array<Node & { personId: string }> = [];
  const splitIds = new Set<string>();
  const anySplits = await siteHasSplits(trx, site);
  for (const { kind, values } of byKind([...seen.values()])) {
    const rows = await trx.selectFrom('identifiers').selectAll().where('site', '=', site).where('kind', '=', kind).where('value', 'in', values).execute();
    for (const row of rows) {
      nodes.push({ kind: row.kind as StrongIdentifier['kind'], value: row.value, firstSeen: Number(row.first_seen), firstMessageId: row.first_message_id, personId: row.person_id });
    }
    for (const value of values) {
      const sighting = recordedNow.pending(identifierKey({ kind, value } as StrongIdentifier));
      if (sighting) nodes.push({ kind: kind as StrongIdentifier['kind'], value, firstSeen: sighting.at, firstMessageId: sighting.messageId, personId: personId(site, sighting.id) });
    }
    if (!anySplits) continue;
    const splits = await trx.selectFrom('identity_splits').select('split_id').where('site', '=', site).where('kind', '=', kind).where('value', 'in', values).execute();
    for (const row of splits) splitIds.add(row.split_id);
  }
  const splits: Split[] = [];
  for (const splitId of splitIds) {
    const rows = await trx.selectFrom('identity_splits').selectAll().where('site', '=', site).where('split_id', '=', splitId).execute();
    splits.push({ at: Number(rows[0]!.at), members: rows.map((row) => ({ kind: row.kind as StrongIdentifier['kind'], value: row.value })) });
  }

  const { people } = partition(nodes, [...edges.values()], splits);
  const before = new Map(nodes.map((node) => [identifierKey(node), node.personId]));
  const previousIds = new Set(before.values());
  const newIds = new Set(people.map((group) => personId(site, group[0]!)));
  const moved = new Map<string, string>(); // old person id -> new person id
  let changed = false;
  for (const group of people) {
    const id = personId(site, group[0]!);
    for (const node of group) {
      const key = identifierKey(node);
      if (recordedNow.pending(key)) {
        await recordedNow.write(trx, key, id);
        continue;
      }
      const old = before.get(key)!;
      if (old === id) continue;
      changed = true;
      await trx.updateTable('identifiers').set({ person_id: id }).where('site', '=', site).where('kind', '=', node.kind).where('value', '=', node.value).execute();
      // The old id goes where its canonical (first) identifier went.
      if (!newIds.has(old) && (!moved.has(old) || personId(site, node) === old)) moved.set(old, id);
    }
  }
  // A person id in use again (a split restored it) must not redirect anywhere.
  for (const id of newIds) if (!previousIds.has(id)) await trx.deleteFrom('person_redirects').where('site', '=', site).where('from_id', '=', id).execute();
  for (const [from, to] of moved) await redirect(trx, site, from, to);
  // Devices owned by these identifiers name their people: only worth refreshing if someone moved.
  if (changed) await refreshDeviceOwners(trx, site, [...seen.values()], recordedNow);
}

/** Whether any admin split exists for the site, asked once per transaction: most graphs have none. */
const splitsKnown = new WeakMap<Db, Map<string, boolean>>();
async function siteHasSplits(trx: Db, site: string): Promise<boolean> {
  let sites = splitsKnown.get(trx);
  if (!sites) splitsKnown.set(trx, (sites = new Map()));
  let known = sites.get(site);
  if (known === undefined) {
    known = !!(await trx.selectFrom('identity_splits').select('site').where('site', '=', site).limit(1).executeTakeFirst());
    sites.set(site, known);
  }
  return known;
}

/** A split was just written in this transaction. */
export const noteSplit = (trx: Db, site: string): void => {
  if (!splitsKnown.has(trx)) splitsKnown.set(trx, new Map());
  splitsKnown.get(trx)!.set(site, true);
};

/** Points an old person id (and every id that pointed at it) to where its person went. */
export async function redirect(trx: Db, site: string, from: string, to: string): Promise<void> {
  if (from === to) return;
  await trx.updateTable('person_redirects').set({ to_id: to }).where('site', '=', site).where('to_id', '=', from).execute();
  await trx
    .insertInto('person_redirects')
    .values({ site, from_id: from, to_id: to })
    // Rewriting the same target would still write its page.
    .onConflict((conflict) => conflict.columns(['site', 'from_id']).doUpdateSet({ to_id: to }).where('person_redirects.to_id', '!=', to))
    .execute();
}

/** Re-derives the stretches of these devices' histories from their claims (`recordedNow`: as for recomputePeople). */
export async function recomputeDevices(trx: Db, site: string, devices: string[], recordedNow: NewIdentifiers = noNewIdentifiers): Promise<void> {
  for (const anonymousId of devices) {
    const [explicit, firstUses] = await Promise.all([
      trx.selectFrom('device_claims').selectAll().where('site', '=', site).where('anonymous_id', '=', anonymousId).execute(),
      trx.selectFrom('device_first_use').selectAll().where('site', '=', site).where('anonymous_id', '=', anonymousId).execute(),
    ]);
    const claims: Claim[] = [
      ...explicit.map((row) => ({ anonymousId, to: owner(row), at: Number(row.at), messageId: row.message_id, rule: row.rule as Claim['rule'] })),
      ...firstUses.map((row) => ({ anonymousId, to: owner(row), at: Number(row.at), messageId: row.message_id, rule: 'event' as const })),
    ];
    const stretches = segments(claims);
    await trx.deleteFrom('device_segments').where('site', '=', site).where('anonymous_id', '=', anonymousId).execute();
    for (const stretch of stretches) {
      await trx
        .insertInto('device_segments')
        .values({
          site,
          anonymous_id: anonymousId,
          from_at: stretch.from,
          to_at: stretch.to,
          owner_kind: stretch.owner.kind,
          owner_value: stretch.owner.value,
          message_id: stretch.messageId,
          rule: stretch.rule,
        })
        .execute();
    }
    await refreshDevice(trx, site, anonymousId, stretches.at(0)?.owner, stretches.at(-1)?.owner, recordedNow);
  }
}

const owner = (row: { owner_kind: string; owner_value: string }): StrongIdentifier => ({ kind: row.owner_kind as StrongIdentifier['kind'], value: row.owner_value });

/**
 * A device's row names its current owner's person (the last stretch), or a person of its own
 * while nobody has claimed it. Once claimed, the device's own person id redirects to whoever
 * owns the start of its history, so links made before sign-up still resolve.
 */
async function refreshDevice(trx: Db, site: string, anonymousId: string, first: StrongIdentifier | undefined, last: StrongIdentifier | undefined, recordedNow: NewIdentifiers): Promise<void> {
  const device = { kind: 'anonymousId', value: anonymousId } as const;
  const own = personId(site, device);
  const personOf = async (id: StrongIdentifier) =>
    (await trx.selectFrom('identifiers').select('person_id').where('site', '=', site).where('kind', '=', id.kind).where('value', '=', id.value).executeTakeFirst())?.person_id ?? personId(site, id);
  const current = last ? await personOf(last) : own;
  const key = identifierKey(device);
  // A device recorded in this transaction: its own person id was never committed, so nothing names it.
  if (recordedNow.pending(key)) return recordedNow.write(trx, key, current);
  await trx
    .updateTable('identifiers')
    .set({ person_id: current })
    .where('site', '=', site)
    .where('kind', '=', 'anonymousId')
    .where('value', '=', anonymousId)
    .where('person_id', '!=', current)
    .execute();
  if (recordedNow.has(key)) return;
  if (first) await redirect(trx, site, own, first === last ? current : await personOf(first));
  else await trx.deleteFrom('person_redirects').where('site', '=', site).where('from_id', '=', own).execute();
}

/** After people changed, the devices they own (now or at their start) must name the new ids. */
async function refreshDeviceOwners(trx: Db, site: string, ids: StrongIdentifier[], recordedNow: NewIdentifiers): Promise<void> {
  const devices = new Set<string>();
  for (const { kind, values } of byKind(ids)) {
    const rows = await trx.selectFrom('device_segments').select('anonymous_id').where('site', '=', site).where('owner_kind', '=', kind).where('owner_value', 'in', values).execute();
    for (const row of rows) devices.add(row.anonymous_id);
  }
  for (const anonymousId of devices) {
    const stretches = await trx
      .selectFrom('device_segments')
      .select(['owner_kind', 'owner_value', 'from_at'])
      .where('site', '=', site)
      .where('anonymous_id', '=', anonymousId)
      .orderBy('from_at')
      .execute();
    await refreshDevice(trx, site, anonymousId, stretches.at(0) && owner(stretches[0]!), stretches.at(-1) && owner(stretches.at(-1)!), recordedNow);
  }
}

/** An account's domain is its latest `domain` trait, else its latest `website`'s host. */
export async function recomputeAccounts(trx: Db, site: string, accounts: string[]): Promise<void> {
  for (const accountId of accounts) {
    const rows = await trx
      .selectFrom('trait_facts')
      .select(['key', 'value', 'at', 'message_id'])
      .where('site', '=', site)
      .where('owner_kind', '=', 'account')
      .where('owner_value', '=', accountId)
      .where('key', 'in', ['domain', 'website'])
      .execute();
    const latest = (key: string) =>
      rows
        .filter((row) => row.key === key)
        .sort((x, y) => Number(y.at) - Number(x.at) || (x.message_id < y.message_id ? 1 : -1))
        .map((row) => normalizeDomain(JSON.parse(row.value)))
        .find(Boolean);
    const domain = latest('domain') ?? latest('website') ?? null;
    const exists = await trx.selectFrom('accounts').select('account_id').where('site', '=', site).where('account_id', '=', accountId).executeTakeFirst();
    if (!exists) {
      const first = Math.min(...(await trx.selectFrom('trait_facts').select('at').where('site', '=', site).where('owner_kind', '=', 'account').where('owner_value', '=', accountId).execute()).map((row) => Number(row.at)));
      await trx.insertInto('accounts').values({ site, account_id: accountId, domain, first_seen: first, last_seen: first, merged_into: null }).execute();
    } else {
      await trx.updateTable('accounts').set({ domain }).where('site', '=', site).where('account_id', '=', accountId).execute();
    }
  }
}

export { beginning };
