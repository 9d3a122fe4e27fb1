/**
 * People and accounts with their staged journeys, built from a site's journey facts: the input of
 * every aggregate query. Each person's touchpoints are theirs across devices; an account's are
 * those naming it (groupId, imported by id or domain) and those of the people whose account it is,
 * as the account journey endpoint reads them. Pure.
 */
import type { JourneyFacts } from '../storage/journey/facts.ts';
import type { StageModel } from '../journey/stages.ts';
import { SiteJourneys, type StagedOwners } from './site-journeys.ts';

export type { StagedOwners } from './site-journeys.ts';

/** The stage model's trait rules' keys: the only person traits staging needs. */
export const traitKeysOf = (model: StageModel): string[] => [
  ...new Set(model.stages.flatMap((stage) => stage.enteredBy.flatMap((rule) => (rule.kind === 'trait' ? [rule.key] : [])))),
];

export const stagedOwners = (facts: JourneyFacts, model: StageModel): StagedOwners => new SiteJourneys(model, facts).owners();
