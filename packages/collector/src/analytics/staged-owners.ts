/**
 * People and accounts with their staged journeys, built from a site's journey facts: the input of
 * every aggregate query. Each person's touchpoints are theirs across devices; an account's are
 * those naming it (groupId, imported by id or domain) and those of the people whose account it is,
 * as the account journey endpoint reads them. Pure.
 */
import type { JsonValue } from '@journey/protocol';
import type { JourneyFacts } from '../storage/journey/facts.ts';
import { offlineTouchpoint } from '../journey/offline.ts';
import { stagedJourney } from '../journey/staged.ts';
import type { StageModel, StagedTraits } from '../journey/stages.ts';
import type { Touchpoint } from '../journey/touchpoint.ts';
import { inJourneyOrder } from '../journey/touchpoints.ts';
import type { StagedOwner } from './owner.ts';

export interface StagedOwners {
  people: StagedOwner[];
  accounts: StagedOwner[];
  /** Each account's traits, latest value per key (the funnel's filters read them). */
  accountTraits: Map<string, Record<string, JsonValue>>;
  /** Each person's account, where they have one. */
  accountOfPerson: Record<string, string>;
}

/** The stage model's trait rules' keys: the only person traits staging needs. */
export const traitKeysOf = (model: StageModel): string[] => [
  ...new Set(model.stages.flatMap((stage) => stage.enteredBy.flatMap((rule) => (rule.kind === 'trait' ? [rule.key] : [])))),
];

export function stagedOwners(facts: JourneyFacts, model: StageModel): StagedOwners {
  const byPerson = new Map<string, Touchpoint[]>();
  const byAccount = new Map<string, Map<string, Touchpoint>>();
  const add = <K>(map: Map<K, Touchpoint[]>, key: K, touchpoint: Touchpoint) => {
    const list = map.get(key);
    if (list) list.push(touchpoint);
    else map.set(key, [touchpoint]);
  };
  const addToAccount = (accountId: string, touchpoint: Touchpoint) => {
    if (!byAccount.has(accountId)) byAccount.set(accountId, new Map());
    byAccount.get(accountId)!.set(touchpoint.id, touchpoint);
  };

  const all: Touchpoint[] = [
    ...facts.touchpoints,
    ...facts.imported.map(({ touchpoint, personId, accountId }) => offlineTouchpoint(touchpoint, { ...(personId && { personId }), ...(accountId && { accountId }) })),
  ];
  for (const touchpoint of all) {
    if (touchpoint.personId !== undefined) add(byPerson, touchpoint.personId, touchpoint);
    // One naming an account counts for that account only; the others for the person's account.
    const account = touchpoint.accountId ?? (touchpoint.personId !== undefined ? facts.accountOfPerson[touchpoint.personId] : undefined);
    if (account !== undefined) addToAccount(account, touchpoint.accountId === account ? touchpoint : { ...touchpoint, accountId: account });
  }

  // Latest value per key, by when it was set: what staging reads, and the filters.
  const traits = new Map<string, StagedTraits>();
  const latest = new Map<string, { at: number; messageId: string }>();
  for (const fact of facts.traits) {
    const owner = `${fact.owner}:${fact.id}`;
    const key = `${owner}\u0000${fact.key}`;
    // As the person record reads them: the latest by time, then by messageId, whatever the row order.
    const known = latest.get(key);
    if (known && (known.at > fact.at || (known.at === fact.at && known.messageId > fact.messageId))) continue;
    latest.set(key, fact);
    if (!traits.has(owner)) traits.set(owner, {});
    traits.get(owner)![fact.key] = { value: fact.value, updatedAt: new Date(fact.at).toISOString() };
  }
  const accountTraits = new Map<string, Record<string, JsonValue>>();
  for (const [owner, values] of traits) {
    if (owner.startsWith('account:')) accountTraits.set(owner.slice('account:'.length), Object.fromEntries(Object.entries(values).map(([key, { value }]) => [key, value])));
  }

  const people = [...byPerson].map(([id, touchpoints]): StagedOwner => ({ kind: 'person', id, ...stagedJourney(touchpoints.sort(inJourneyOrder), traits.get(`person:${id}`) ?? {}, model) }));
  const accounts = [...byAccount].map(([id, touchpoints]): StagedOwner => ({ kind: 'account', id, ...stagedJourney([...touchpoints.values()].sort(inJourneyOrder), traits.get(`account:${id}`) ?? {}, model) }));
  return { people, accounts, accountTraits, accountOfPerson: facts.accountOfPerson };
}
