/**
 * Fixtures for the tests beside it: touchpoints on a day scale, and owners staged by the real
 * stagedJourney, so the queries are tested on histories the journey code actually produces.
 */
import type { Channel } from '../channels/channels.ts';
import { stagedJourney } from '../journey/staged.ts';
import { defaultStageModel, type StageModel, type StagedTraits } from '../journey/stages.ts';
import type { Touchpoint } from '../journey/touchpoint.ts';
import { inJourneyOrder } from '../journey/touchpoints.ts';
import type { StagedOwner } from './owner.ts';
import type { StagedOwners } from './site-journeys.ts';

export const day = 24 * 60 * 60 * 1000;
export const t0 = Date.UTC(2025, 3, 1);
/** Days after t0, so a test reads as a story. */
export const on = (days: number): number => t0 + days * day;

type More = Partial<Omit<Touchpoint, 'id' | 'kind' | 'at' | 'name'>>;
const base = { channel: 'Direct' as Channel | 'Offline', source: '(direct)', medium: '(none)', campaign: '(not set)' };

export const session = (id: string, days: number, path: string, more: More = {}): Touchpoint => ({ ...base, id, kind: 'session', at: on(days), name: path, path, ...more });
export const event = (id: string, days: number, name: string, more: More = {}): Touchpoint => ({ ...base, id, kind: 'event', at: on(days), name, ...more });
export const offline = (id: string, days: number, type: string, more: More = {}): Touchpoint => ({ ...base, channel: 'Offline', id, kind: 'offline', at: on(days), name: type, ...more });

export function owner(id: string, touchpoints: Touchpoint[], model: StageModel = defaultStageModel, traits: StagedTraits = {}): StagedOwner {
  return { kind: 'person', id, ...stagedJourney([...touchpoints].sort(inJourneyOrder), traits, model) };
}

/**
 * Everyone as a query reads them, as plain data: a staging read back from a saved one holds
 * owners that build their touchpoints when first read (restored-owner.ts), equal to staging
 * anew in what they answer, not in how they are made.
 */
export function asRead(owners: StagedOwners): StagedOwners {
  const plain = ({ kind, id, touchpoints, history, stages }: StagedOwner): StagedOwner => ({ kind, id, touchpoints, history, stages });
  return { ...owners, people: owners.people.map(plain), accounts: owners.accounts.map(plain) };
}
