import { stageHistory, type StageHistory, type StageModel, type StagedTraits } from './stages.ts';
import type { Touchpoint } from './touchpoint.ts';

/** A person's or an account's touchpoints with their stage history: what every journey query reads. */
export interface StagedJourney {
  /** In journey order (`inJourneyOrder`). */
  touchpoints: Touchpoint[];
  history: StageHistory;
  /** The stage they were in just after each touchpoint (same index); null before any stage. */
  stages: Array<string | null>;
}

/**
 * Places touchpoints (in journey order) in the model's stages. Each transition takes effect at the
 * touchpoint that caused it; one a trait caused, at the first touchpoint after it. So a purchase
 * moves the stage at the purchase, not at the session entry recorded the same millisecond before it.
 */
export function stagedJourney(touchpoints: Touchpoint[], traits: StagedTraits, model: StageModel): StagedJourney {
  return placedInStages(touchpoints, stageHistory(model, touchpoints, traits));
}

/** Touchpoints (in journey order) with the stage history they gave: each one's stage, no rule evaluated again. */
export function placedInStages(touchpoints: Touchpoint[], history: StageHistory): StagedJourney {
  const indexOf = touchpointFinder(touchpoints, history);
  const stages = stagesAlong(touchpoints.length, history, (transition) =>
    'touchpointId' in transition ? indexOf(transition.touchpointId) : touchpoints.findIndex((touchpoint) => touchpoint.at >= transition.at),
  );
  return { touchpoints, history, stages };
}

/**
 * The stage just after each of `length` touchpoints, from the history's transitions and where each
 * takes effect (`indexOf`: the index of its touchpoint, or of the first after a trait's; -1: after
 * the last).
 */
export function stagesAlong(length: number, history: StageHistory, indexOf: (transition: StageHistory['transitions'][number], order: number) => number): Array<string | null> {
  const effective: Array<{ to: string; index: number }> = [];
  history.transitions.forEach((transition, order) => {
    const index = indexOf(transition, order);
    effective.push({ to: transition.to, index: index === -1 ? length : index });
  });
  effective.sort((a, b) => a.index - b.index);
  const stages: Array<string | null> = [];
  let stage: string | null = null;
  let next = 0;
  for (let index = 0; index < length; index++) {
    while (next < effective.length && effective[next]!.index <= index) stage = effective[next++]!.to;
    stages.push(stage);
  }
  return stages;
}

/**
 * Where a touchpoint of these is, by id (-1: not among them), for the moves of a history. Most
 * people move a few times: a search per move then costs less than a map of every touchpoint,
 * which was most of the work for accounts with thousands.
 */
export function touchpointFinder(touchpoints: ReadonlyArray<Pick<Touchpoint, 'id'>>, history: StageHistory): (id: string) => number {
  if (history.transitions.length <= 8) return (id) => touchpoints.findIndex((touchpoint) => touchpoint.id === id);
  const index = new Map(touchpoints.map((touchpoint, at) => [touchpoint.id, at]));
  return (id) => index.get(id) ?? -1;
}
