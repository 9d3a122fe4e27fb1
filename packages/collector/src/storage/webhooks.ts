/**
 * Webhook subscriptions and their outbox. A journey event's deliveries are written in the
 * transaction that stores the event that caused it, so none is lost to a crash between the two;
 * senders claim due deliveries for a while (a lease), so two collectors on one database do not
 * send one twice at once.
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';
import type { NewEvent } from './port.ts';
import { causedBy, mayCause, stageChanged, type StageRecord, type WebhookEvent, type WebhookPayload } from '../webhooks/events.ts';
import { chunk, limitsOf } from './identity/scope.ts';
import type { JsonValue } from '@journey/protocol';
import { wants } from '../webhooks/filter.ts';

type Db = Kysely<Database>;

/** Which of its events a subscription wants (webhooks/filter.ts). */
export interface WebhookFilter {
  /** Stage changes into these stages only. */
  stages?: string[];
  /** Events of accounts (or people of accounts) with these traits only. */
  account?: Record<string, string>;
  /** Events of people known by a user id or an email only (accounts' events pass). */
  identified?: boolean;
}

export interface NewWebhook {
  url: string;
  secret: string;
  events: WebhookEvent[];
  filter?: WebhookFilter;
}

export interface Webhook extends NewWebhook {
  id: string;
  site: string;
  createdAt: number;
}

export type DeliveryStatus = 'pending' | 'delivered' | 'dead';

export interface Delivery {
  id: string;
  site: string;
  webhookId: string;
  event: WebhookEvent;
  /** The JSON body sent, exactly. */
  payload: string;
  status: DeliveryStatus;
  attempts: number;
  createdAt: number;
  nextAttemptAt: number;
  lastStatus: number | null;
  lastError: string | null;
  deliveredAt: number | null;
}

/** What one attempt came to: delivered, or failed with a next attempt (null: given up, dead). */
export type DeliveryOutcome = { delivered: true; at: number; status: number } | { delivered: false; at: number; status: number | null; error: string; nextAttemptAt: number | null };

const webhookOf = (row: Database['webhooks']): Webhook => ({
  id: row.id,
  site: row.site,
  url: row.url,
  secret: row.secret,
  events: JSON.parse(row.events) as WebhookEvent[],
  ...(row.filter !== null && { filter: JSON.parse(row.filter) as WebhookFilter }),
  createdAt: Number(row.created_at),
});

const deliveryOf = (row: Database['webhook_deliveries']): Delivery => ({
  id: row.id,
  site: row.site,
  webhookId: row.webhook_id,
  event: row.event as WebhookEvent,
  payload: row.payload,
  status: row.status as DeliveryStatus,
  attempts: Number(row.attempts),
  createdAt: Number(row.created_at),
  nextAttemptAt: Number(row.next_attempt_at),
  lastStatus: row.last_status === null ? null : Number(row.last_status),
  lastError: row.last_error,
  deliveredAt: row.delivered_at === null ? null : Number(row.delivered_at),
});

export async function createWebhook(db: Db, site: string, webhook: NewWebhook, now: number): Promise<Webhook> {
  const row = {
    id: `wh_${crypto.randomUUID().replaceAll('-', '')}`,
    site,
    url: webhook.url,
    secret: webhook.secret,
    events: JSON.stringify(webhook.events),
    filter: webhook.filter ? JSON.stringify(webhook.filter) : null,
    created_at: now,
  };
  await db.insertInto('webhooks').values(row).execute();
  return webhookOf(row);
}

export async function listWebhooks(db: Db, site: string): Promise<Webhook[]> {
  return (await db.selectFrom('webhooks').selectAll().where('site', '=', site).orderBy('created_at').orderBy('id').execute()).map(webhookOf);
}

/** Removes a subscription and its deliveries not yet made; those made stay readable no more. */
export async function deleteWebhook(db: Db, site: string, id: string): Promise<boolean> {
  const removed = await db.deleteFrom('webhooks').where('site', '=', site).where('id', '=', id).executeTakeFirst();
  if (Number(removed.numDeletedRows) === 0) return false;
  await db.deleteFrom('webhook_deliveries').where('site', '=', site).where('webhook_id', '=', id).execute();
  return true;
}

export async function listDeliveries(db: Db, site: string, webhookId: string, options: { status?: DeliveryStatus; limit: number }): Promise<Delivery[]> {
  let query = db.selectFrom('webhook_deliveries').selectAll().where('site', '=', site).where('webhook_id', '=', webhookId);
  if (options.status) query = query.where('status', '=', options.status);
  return (await query.orderBy('created_at', 'desc').orderBy('id').limit(options.limit).execute()).map(deliveryOf);
}

/** Deliveries due at `now`, claimed until `now + lease`: whoever claimed them sends them. */
export async function claimDeliveries(db: Db, now: number, limit: number, lease: number): Promise<Delivery[]> {
  const due = await db
    .selectFrom('webhook_deliveries')
    .selectAll()
    .where('status', '=', 'pending')
    .where('next_attempt_at', '<=', now)
    .where('claimed_until', '<=', now)
    .orderBy('next_attempt_at')
    .limit(limit)
    .execute();
  const claimed: Delivery[] = [];
  for (const row of due) {
    // Only if nobody claimed it in between: the update is the lock.
    const taken = await db
      .updateTable('webhook_deliveries')
      .set({ claimed_until: now + lease })
      .where('id', '=', row.id)
      .where('status', '=', 'pending')
      .where('claimed_until', '<=', now)
      .executeTakeFirst();
    if (Number(taken.numUpdatedRows) === 1) claimed.push(deliveryOf(row));
  }
  return claimed;
}

export async function settleDelivery(db: Db, id: string, outcome: DeliveryOutcome): Promise<void> {
  const attempts = sql<number>`attempts + 1`;
  const update = outcome.delivered
    ? { status: 'delivered', attempts, last_status: outcome.status, last_error: null, delivered_at: outcome.at, claimed_until: 0 }
    : { status: outcome.nextAttemptAt === null ? 'dead' : 'pending', attempts, last_status: outcome.status, last_error: outcome.error.slice(0, 500), next_attempt_at: outcome.nextAttemptAt ?? outcome.at, claimed_until: 0 };
  await db.updateTable('webhook_deliveries').set(update).where('id', '=', id).execute();
}

/** Sends a delivery again, with the same id (receivers dedupe by it), as soon as a sender looks. */
export async function replayDelivery(db: Db, site: string, webhookId: string, id: string, now: number): Promise<Delivery | null> {
  const updated = await db
    .updateTable('webhook_deliveries')
    .set({ status: 'pending', next_attempt_at: now, claimed_until: 0 })
    .where('site', '=', site)
    .where('webhook_id', '=', webhookId)
    .where('id', '=', id)
    .executeTakeFirst();
  if (Number(updated.numUpdatedRows) === 0) return null;
  const row = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  return deliveryOf(row);
}

/**
 * Within a commit: the subscriptions of the sites of these events (none: nothing more to do),
 * and the accounts their groupIds named before (to tell which the commit creates).
 */
export async function outboxBefore(trx: Db, events: readonly NewEvent[]): Promise<{ hooks: Map<string, Webhook[]>; accountsBefore: Set<string> } | null> {
  const sites = [...new Set(events.map((event) => event.site))];
  if (sites.length === 0) return null;
  const rows = await trx.selectFrom('webhooks').selectAll().where('site', 'in', sites).execute();
  if (rows.length === 0) return null;
  const hooks = new Map<string, Webhook[]>();
  for (const hook of rows.map(webhookOf)) hooks.set(hook.site, [...(hooks.get(hook.site) ?? []), hook]);
  const accountsBefore = new Set<string>();
  const size = Math.max(1, Math.min(500, limitsOf(trx).maxParameters - 10));
  for (const site of sites) {
    if (!hooks.get(site)?.some((hook) => hook.events.includes('account.created'))) continue;
    const named = [...new Set(events.filter((event) => event.site === site && event.groupId).map((event) => event.groupId!))];
    for (const part of chunk(named, size)) {
      for (const row of await trx.selectFrom('accounts').select('account_id').where('site', '=', site).where('account_id', 'in', part).execute()) accountsBefore.add(`${site}\u0000${row.account_id}`);
    }
  }
  return { hooks, accountsBefore };
}

/**
 * Within the same commit, after the events and their identity facts: the deliveries they cause,
 * due from when their event arrived (the collector's clock).
 */
export async function enqueue(trx: Db, events: readonly NewEvent[], before: { hooks: Map<string, Webhook[]>; accountsBefore: Set<string> }): Promise<void> {
  const rows: Array<Database['webhook_deliveries']> = [];
  const created = new Set<string>();
  for (const event of events) {
    const hooks = before.hooks.get(event.site);
    // Most events (page views) can cause nothing anyone subscribed to: no lookups for them.
    if (!hooks || !mayCause(event).some((type) => hooks.some((hook) => hook.events.includes(type)))) continue;
    const identity = async (kind: string, value: string | null) =>
      value === null ? undefined : await trx.selectFrom('identifiers').select(['person_id', 'first_message_id']).where('site', '=', event.site).where('kind', '=', kind).where('value', '=', value).executeTakeFirst();
    const byUser = await identity('userId', event.userId);
    const stored = JSON.parse(event.payload) as { traits?: { email?: unknown }; context?: { traits?: { email?: unknown } } };
    const email = stored.traits?.email ?? stored.context?.traits?.email;
    const byEmail = event.userId === null && typeof email === 'string' ? await identity('email', email.trim().toLowerCase()) : undefined;
    const personId = byUser?.person_id ?? byEmail?.person_id ?? (await identity('anonymousId', event.anonymousId))?.person_id;
    const accountKey = `${event.site}\u0000${event.groupId}`;
    const isNew = event.groupId !== null && !before.accountsBefore.has(accountKey) && !created.has(accountKey);
    if (isNew) created.add(accountKey);
    const caused = causedBy(event, { ...(personId && { personId }), identified: (byUser ?? byEmail)?.first_message_id === event.messageId, created: isNew });
    if (caused.length === 0) continue;
    // An account's traits, and whether the person is known, only where a subscription filters by them.
    const accountTraits = hooks.some((hook) => hook.filter?.account) ? await traitsOfAccount(trx, event.site, event.groupId ?? (await accountOfPerson(trx, event.site, personId))) : undefined;
    const known = hooks.some((hook) => hook.filter?.identified) ? byUser !== undefined || byEmail !== undefined || (personId !== undefined && (await namesOf(trx, event.site, [personId])).has(personId)) : undefined;
    for (const journeyEvent of caused) {
      const identified = journeyEvent.type === 'account.created' ? undefined : journeyEvent.type === 'person.identified' || known;
      for (const hook of hooks) if (wants(hook, { type: journeyEvent.type, ...(accountTraits && { accountTraits }), ...(identified !== undefined && { identified }) })) rows.push(deliveryRow(event.site, hook.id, journeyEvent, event.receivedAt));
    }
  }
  const perInsert = Math.max(1, Math.floor((limitsOf(trx).maxParameters - 1) / 14));
  for (const part of chunk(rows, perInsert)) await trx.insertInto('webhook_deliveries').values(part).execute();
}

/**
 * The user id and email people are known by (the ones they got last, where they have several),
 * for those that have either.
 */
async function namesOf(trx: Db, site: string, personIds: readonly string[]): Promise<Map<string, { userId?: string; email?: string }>> {
  const names = new Map<string, { userId?: string; email?: string; at: { userId?: number; email?: number } }>();
  for (const part of chunk([...new Set(personIds)], Math.max(1, Math.min(500, limitsOf(trx).maxParameters - 3)))) {
    const rows = await trx.selectFrom('identifiers').select(['person_id', 'kind', 'value', 'first_seen']).where('site', '=', site).where('person_id', 'in', part).where('kind', 'in', ['userId', 'email']).execute();
    for (const row of rows) {
      const kind = row.kind as 'userId' | 'email';
      const entry = names.get(row.person_id) ?? { at: {} };
      const seen = Number(row.first_seen);
      const before = entry.at[kind];
      if (before === undefined || seen > before || (seen === before && row.value > entry[kind]!)) {
        entry[kind] = row.value;
        entry.at[kind] = seen;
      }
      names.set(row.person_id, entry);
    }
  }
  return new Map([...names].map(([id, { at: _, ...name }]) => [id, name]));
}

const deliveryRow = (site: string, webhookId: string, payload: Omit<WebhookPayload, 'id'>, at: number): Database['webhook_deliveries'] => {
  const id = `dl_${crypto.randomUUID().replaceAll('-', '')}`;
  return { id, site, webhook_id: webhookId, event: payload.type, payload: JSON.stringify({ id, ...payload }), status: 'pending', attempts: 0, created_at: at, next_attempt_at: at, claimed_until: 0, last_status: null, last_error: null, delivered_at: null };
};

/**
 * Records where people and accounts are now, and in the same transaction writes a delivery for
 * each whose stage differs from the one recorded (to the subscriptions that want it). The site's
 * first record is the baseline: nothing before it is announced. Resolves with how many changed.
 */
export async function recordStages(trx: Db, site: string, stages: readonly StageRecord[], now: number): Promise<number> {
  const baseline = !(await trx.selectFrom('journey_stages').select('owner_id').where('site', '=', site).limit(1).executeTakeFirst());
  const hooks = (await listWebhooks(trx, site)).filter((hook) => hook.events.some((event) => event.endsWith('.stage_changed')));
  const size = Math.max(1, Math.min(500, limitsOf(trx).maxParameters - 10));
  const changes: Array<{ record: StageRecord; before: string | null }> = [];
  for (const kind of ['person', 'account'] as const) {
    const ofKind = stages.filter((record) => record.kind === kind);
    for (const part of chunk(ofKind, size)) {
      const known = new Map(
        (await trx.selectFrom('journey_stages').select(['owner_id', 'stage']).where('site', '=', site).where('owner_kind', '=', kind).where('owner_id', 'in', part.map((record) => record.id)).execute()).map((row) => [row.owner_id, row.stage]),
      );
      for (const record of part) {
        const before = known.get(record.id);
        if (before === record.stage) continue;
        if (before === undefined) {
          await trx.insertInto('journey_stages').values({ site, owner_kind: kind, owner_id: record.id, stage: record.stage, entered_at: record.at }).onConflict((conflict) => conflict.columns(['site', 'owner_kind', 'owner_id']).doNothing()).execute();
        } else {
          // Only from the stage read: another collector that recorded this change first wins.
          const moved = await trx.updateTable('journey_stages').set({ stage: record.stage, entered_at: record.at }).where('site', '=', site).where('owner_kind', '=', kind).where('owner_id', '=', record.id).where('stage', '=', before).executeTakeFirst();
          if (Number(moved.numUpdatedRows) === 0) continue;
        }
        if (!baseline) changes.push({ record, before: before ?? null });
      }
    }
  }
  // People are told by the user id and email they are known by, where they have them.
  const names = hooks.length > 0 ? await namesOf(trx, site, changes.flatMap(({ record }) => (record.kind === 'person' ? [record.id] : []))) : new Map();
  const deliveries: Array<Database['webhook_deliveries']> = [];
  for (const { record, before } of changes) {
    const name = record.kind === 'person' ? names.get(record.id) : undefined;
    const payload = stageChanged(record, before, site, name);
    const identified = record.kind === 'person' ? name !== undefined : undefined;
    for (const hook of hooks) {
      if (wants(hook, { type: payload.type, stage: record.stage, ...(record.accountTraits && { accountTraits: record.accountTraits }), ...(identified !== undefined && { identified }) })) deliveries.push(deliveryRow(site, hook.id, payload, now));
    }
  }
  const perInsert = Math.max(1, Math.floor((limitsOf(trx).maxParameters - 1) / 14));
  for (const part of chunk(deliveries, perInsert)) await trx.insertInto('webhook_deliveries').values(part).execute();
  return changes.length;
}

/** Forgets where everyone was last recorded: the next record is a silent baseline. */
export async function resetStages(db: Db, site: string): Promise<void> {
  await db.deleteFrom('journey_stages').where('site', '=', site).execute();
}

/** The account a person counts for: their latest group() call, else latest activity. */
async function accountOfPerson(trx: Db, site: string, personId: string | undefined): Promise<string | null> {
  if (personId === undefined) return null;
  const row = await trx
    .selectFrom('account_members as m')
    .innerJoin('identifiers as i', (join) => join.onRef('i.site', '=', 'm.site').onRef('i.kind', '=', 'm.actor_kind').onRef('i.value', '=', 'm.actor_value'))
    .select('m.account_id')
    .where('i.site', '=', site)
    .where('i.person_id', '=', personId)
    // Without a group() call last: PostgreSQL would put NULL first when descending.
    .orderBy(sql`m.last_group_at desc nulls last`)
    .orderBy('m.last_seen', 'desc')
    .executeTakeFirst();
  return row?.account_id ?? null;
}

/** An account's traits, latest value per key. */
async function traitsOfAccount(trx: Db, site: string, account: string | null): Promise<Record<string, JsonValue> | undefined> {
  if (account === null) return undefined;
  const rows = await trx.selectFrom('trait_facts').select(['key', 'value', 'at', 'message_id']).where('site', '=', site).where('owner_kind', '=', 'account').where('owner_value', '=', account).orderBy('at').orderBy('message_id').execute();
  return Object.fromEntries(rows.map((row) => [row.key, JSON.parse(row.value) as JsonValue]));
}
