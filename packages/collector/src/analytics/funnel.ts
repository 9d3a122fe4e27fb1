/**
 * The stage funnel: of the people (or accounts) active in a date range, how many have reached each
 * stage, how many of them went on to the next, and how long that took. Pure: no I/O.
 */
import type { StageEntry, StageModel } from '../journey/stages.ts';
import { activeIn, inRange, round, stageLabel, type DateRange, type StagedOwner } from './owner.ts';

const day = 24 * 60 * 60 * 1000;

export interface FunnelStage {
  stage: string;
  label: string;
  labels: Record<string, string>;
  /** Cohort members who reached it before the range ended: entered, or skipped on the way past it. */
  reached: number;
  entered: number;
  skipped: number;
  /** Of those, how many reached it (entered or skipped) within the range: its new arrivals. */
  enteredInRange: number;
  /** reached / the previous stage's reached, 4 decimals; null for the first stage or after 0. */
  conversion: number | null;
  /** The previous stage's reached minus this one's; null for the first stage. */
  dropOff: number | null;
  /** Median days between entering the previous stage and this one, 1 decimal; null when no one entered both. */
  medianDaysFromPrevious: number | null;
}

export interface Funnel {
  /** Owners with a touchpoint in the range. */
  cohort: number;
  stages: FunnelStage[];
}

/**
 * The cohort is who was active in the range, and a stage counts as reached if it was reached by the
 * range's end — also before it began — so each stage is a subset of the one before and the
 * conversion between them is a real share of people, never above 1.
 */
export function funnel(owners: readonly StagedOwner[], model: StageModel, range: DateRange): Funnel {
  const cohort = owners.filter((owner) => activeIn(owner, range));
  // By stage, each cohort member's entry for it, if reached before the range ended.
  const column = new Map(model.stages.map(({ id }, index) => [id, index]));
  const entries = model.stages.map(() => new Array<StageEntry | undefined>(cohort.length));
  cohort.forEach((owner, member) => {
    for (const entry of owner.history.stages) {
      const index = column.get(entry.stage);
      if (index !== undefined && entry.at < range.to) entries[index]![member] ??= entry;
    }
  });

  const stages = model.stages.map((stage, index): FunnelStage => {
    const reachedBy = entries[index]!.filter((entry) => entry !== undefined);
    const reached = reachedBy.length;
    const entered = reachedBy.filter((entry) => entry.status === 'entered').length;
    const counts = { stage: stage.id, label: stageLabel(stage), labels: stage.labels, reached, entered, skipped: reached - entered };
    const enteredInRange = reachedBy.filter((entry) => inRange(entry.at, range)).length;
    if (index === 0) return { ...counts, enteredInRange, conversion: null, dropOff: null, medianDaysFromPrevious: null };

    const previous = entries[index - 1]!;
    const previousReached = previous.filter((entry) => entry !== undefined).length;
    return {
      ...counts,
      enteredInRange,
      conversion: previousReached === 0 ? null : round(reached / previousReached, 4),
      dropOff: previousReached - reached,
      medianDaysFromPrevious: medianDays(previous, entries[index]!),
    };
  });
  return { cohort: cohort.length, stages };
}

/**
 * Only from entries both entered: a skipped stage's time is the next stage's, so counting it would
 * report a zero-day step that never happened.
 */
function medianDays(from: ReadonlyArray<StageEntry | undefined>, to: ReadonlyArray<StageEntry | undefined>): number | null {
  const days: number[] = [];
  from.forEach((start, member) => {
    const end = to[member];
    if (start?.status === 'entered' && end?.status === 'entered') days.push((end.at - start.at) / day);
  });
  if (days.length === 0) return null;
  days.sort((a, b) => a - b);
  const middle = Math.floor(days.length / 2);
  const median = days.length % 2 === 1 ? days[middle]! : (days[middle - 1]! + days[middle]!) / 2;
  return round(median, 1);
}

export interface FrictionPoint {
  from: string;
  to: string;
  dropOff: number;
  conversion: number | null;
}

/** The three steps where most people stopped (the dashboard's friction points); ties in model order. */
export function frictionPoints(result: Funnel): FrictionPoint[] {
  return result.stages
    .flatMap((stage, index): FrictionPoint[] => {
      const previous = result.stages[index - 1];
      if (!previous || stage.dropOff === null || stage.dropOff <= 0) return [];
      return [{ from: previous.stage, to: stage.stage, dropOff: stage.dropOff, conversion: stage.conversion }];
    })
    .sort((a, b) => b.dropOff - a.dropOff) // stable: ties stay in model order
    .slice(0, 3);
}
