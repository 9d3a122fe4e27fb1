/**
 * Announces stage changes. After each staging, the people and accounts it staged again (all of
 * them after a whole staging) are recorded with their stage; storage writes a delivery for each
 * whose stage moved since it was last recorded (storage/webhooks.ts, recordStages). What could not
 * be recorded (the database away) is tried again after the next staging.
 */
import type { WebhookStore } from '../storage/port.ts';
import type { AccountLookup, Restaged, SiteJourneys } from '../analytics/site-journeys.ts';
import type { StagedOwner } from '../analytics/owner.ts';
import type { StageRecord } from './events.ts';
import type { StagedOwners } from '../analytics/site-journeys.ts';

/** An owner's stage now, when they entered it, the touchpoint (or trait) that moved them, and their account's traits. */
export function stageRecord(owner: StagedOwner, accounts?: AccountLookup): StageRecord | null {
  const stage = owner.history.current;
  if (stage === null) return null;
  const entered = owner.history.transitions.findLast((transition) => transition.to === stage);
  if (!entered) return null;
  const touchpoint = 'touchpointId' in entered ? owner.touchpoints.find((candidate) => candidate.id === entered.touchpointId) : undefined;
  const cause = touchpoint
    ? { touchpoint: { id: touchpoint.id, kind: touchpoint.kind, name: touchpoint.name, channel: touchpoint.channel, at: new Date(touchpoint.at).toISOString() } }
    : { trait: 'trait' in entered ? entered.trait : 'unknown' };
  const account = owner.kind === 'account' ? owner.id : accounts?.accountOf(owner.id);
  const accountTraits = account === undefined ? undefined : accounts?.traitsOf(account);
  return { kind: owner.kind, id: owner.id, stage, at: entered.at, cause, ...(accountTraits && { accountTraits }) };
}

/** Whether anyone subscribed to a site's stage changes: only then are stages recorded. */
export const wantsStages = async (storage: WebhookStore, site: string): Promise<boolean> =>
  (await storage.listWebhooks(site)).some((hook) => hook.events.some((event) => event.endsWith('.stage_changed')));

export function stageAnnouncer(storage: WebhookStore, now: () => number, log: (message: string, error: unknown) => void) {
  const pending = new Map<string, { people: Set<string>; accounts: Set<string> } | 'all'>();
  return async (site: string, journeys: SiteJourneys, restaged: Restaged | 'all'): Promise<void> => {
    try {
      if (!(await wantsStages(storage, site))) return void pending.delete(site);
    } catch (error) {
      return log('webhooks could not be read; stage changes wait for the next staging', error);
    }
    const waiting = pending.get(site);
    const wanted = restaged === 'all' || waiting === 'all' ? 'all' : { people: new Set([...(waiting?.people ?? []), ...restaged.people]), accounts: new Set([...(waiting?.accounts ?? []), ...restaged.accounts]) };
    const owners =
      wanted === 'all'
        ? [...journeys.owners().people, ...journeys.owners().accounts]
        : [...[...wanted.people].map((id) => journeys.staged('person', id)), ...[...wanted.accounts].map((id) => journeys.staged('account', id))].filter((owner) => owner !== undefined);
    const accounts = journeys.accounts();
    const records = owners.map((owner) => stageRecord(owner, accounts)).filter((record) => record !== null);
    try {
      if (records.length) await storage.recordStages(site, records, now());
      pending.delete(site);
    } catch (error) {
      pending.set(site, wanted);
      log('stage changes could not be recorded; trying again after the next staging', error);
    }
  };
}

/** Records where everyone is now, as the silent baseline of a first stage subscription. */
export async function recordBaseline(storage: WebhookStore, site: string, owners: StagedOwners, now: number): Promise<void> {
  await storage.resetStages(site);
  const accounts: AccountLookup = { accountOf: (person) => owners.accountOfPerson[person], traitsOf: (account) => owners.accountTraits.get(account) };
  const records = [...owners.people, ...owners.accounts].map((owner) => stageRecord(owner, accounts)).filter((record) => record !== null);
  if (records.length) await storage.recordStages(site, records, now);
}
