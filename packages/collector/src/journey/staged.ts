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
  const history = stageHistory(model, touchpoints, traits);
  const position = new Map(touchpoints.map((touchpoint, index) => [touchpoint.id, index]));
  const effective = history.transitions
    .map((transition) => ({
      to: transition.to,
      index: 'touchpointId' in transition ? position.get(transition.touchpointId)! : touchpoints.findIndex((touchpoint) => touchpoint.at >= transition.at),
    }))
    .map((transition) => ({ ...transition, index: transition.index === -1 ? touchpoints.length : transition.index }))
    .sort((a, b) => a.index - b.index);
  let stage: string | null = null;
  let next = 0;
  const stages = touchpoints.map((_, index) => {
    while (next < effective.length && effective[next]!.index <= index) stage = effective[next++]!.to;
    return stage;
  });
  return { touchpoints, history, stages };
}
