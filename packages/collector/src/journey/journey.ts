import type { Session } from './sessions.ts';
import type { StageHistory, StageModel, StagedTraits } from './stages.ts';
import { stagedJourney } from './staged.ts';
import { inJourneyOrder, touchpointsOf, type JourneyEvent } from './touchpoints.ts';
import type { Touchpoint } from './touchpoint.ts';

/** A touchpoint on the journey, with the stage its person or account was in just after it. */
export interface JourneyTouchpoint extends Omit<Touchpoint, 'at'> {
  at: string;
  stage: string | null;
  /** The stages this touchpoint moved them into. */
  entered?: string[];
}

export interface JourneyStats {
  touches: number;
  sessions: number;
  /** The channels of their touchpoints, most touches first. */
  channels: Array<{ channel: string; touches: number }>;
  firstTouch: string | null;
  lastTouch: string | null;
  /** Days from the first touch to entering the model's purchase stage; null until then. */
  daysToPurchase: number | null;
}

export interface JourneyView {
  stage: string | null;
  stages: Array<Omit<StageHistory['stages'][number], 'at'> & { at: string }>;
  transitions: Array<Omit<StageHistory['transitions'][number], 'at'> & { at: string }>;
  stats: JourneyStats;
  touchpoints: JourneyTouchpoint[];
}

/** The stage that counts as the purchase: "purchase" or "customer" if the model has one, else its third. */
export function purchaseStage(model: StageModel): string | undefined {
  const ids = model.stages.map((stage) => stage.id);
  return ids.find((id) => id === 'purchase' || id === 'customer') ?? ids[2];
}

const iso = (at: number) => new Date(at).toISOString();

/**
 * A person's or an account's journey, from their events and traits: touchpoints by channel, the
 * stage after each, the stages and their transitions, and the stats a journey map shows.
 */
export function journeyOf(
  events: readonly JourneyEvent[],
  traits: StagedTraits,
  model: StageModel,
  owners: { personOf?: (event: JourneyEvent) => string | undefined; accountOf?: (event: JourneyEvent) => string | undefined } = {},
  /** Touchpoints from elsewhere (imported), merged into the journey. */
  offline: readonly Touchpoint[] = [],
): JourneyView & { sessions: Session[] } {
  const { sessions, touchpoints: online } = touchpointsOf(events, owners);
  const touchpoints = [...online, ...offline].sort(inJourneyOrder);
  const { history, stages } = stagedJourney(touchpoints, traits, model);
  const enteredBy = new Map<string, string[]>();
  for (const transition of history.transitions) {
    if ('touchpointId' in transition) enteredBy.set(transition.touchpointId, [...(enteredBy.get(transition.touchpointId) ?? []), transition.to]);
  }
  const annotated = touchpoints.map((touchpoint, index): JourneyTouchpoint => {
    const entered = enteredBy.get(touchpoint.id);
    return { ...touchpoint, at: iso(touchpoint.at), stage: stages[index]!, ...(entered && { entered }) };
  });

  const byChannel = new Map<string, number>();
  for (const touchpoint of touchpoints) byChannel.set(touchpoint.channel, (byChannel.get(touchpoint.channel) ?? 0) + 1);
  const purchase = history.stages.find((entry) => entry.stage === purchaseStage(model));
  const first = touchpoints[0]?.at;
  return {
    stage: history.current,
    stages: history.stages.map((entry) => ({ ...entry, at: iso(entry.at) })),
    transitions: history.transitions.map((transition) => ({ ...transition, at: iso(transition.at) })),
    stats: {
      touches: touchpoints.length,
      sessions: sessions.length,
      channels: [...byChannel].map(([channel, touches]) => ({ channel, touches })).sort((a, b) => b.touches - a.touches || (a.channel < b.channel ? -1 : 1)),
      firstTouch: first === undefined ? null : iso(first),
      lastTouch: touchpoints.length ? iso(touchpoints.at(-1)!.at) : null,
      daysToPurchase: purchase && first !== undefined ? Math.round(((purchase.at - first) / 86_400_000) * 10) / 10 : null,
    },
    touchpoints: annotated,
    sessions,
  };
}
