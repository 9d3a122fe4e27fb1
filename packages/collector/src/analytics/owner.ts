/**
 * What every aggregate journey query reads: people or accounts with their staged journeys, and the
 * dates asked about. The queries in this folder are pure: storage loads the owners, routes format.
 */
import type { StagedJourney } from '../journey/staged.ts';
import type { StageModel } from '../journey/stages.ts';
import type { Touchpoint } from '../journey/touchpoint.ts';

/** A person or an account, with their touchpoints placed in stages. */
export interface StagedOwner extends StagedJourney {
  kind: 'person' | 'account';
  id: string;
  /**
   * Each touchpoint's time (same index), where the owner can say it without building its
   * touchpoints: one held again from a saved staging builds them when first read
   * (restored-owner.ts). Who was active when is asked of everyone, the touchpoints of a few.
   */
  readonly times?: ArrayLike<number>;
  /** One touchpoint (same index), where the owner can build it without building the rest. */
  touchpointAt?(index: number): Touchpoint;
  /** One field of a touchpoint (same index), where the owner can read it without building it. */
  fieldAt?<K extends keyof Touchpoint>(index: number, key: K): Touchpoint[K];
}

/** One field of the owner's touchpoint at an index, without building it where the owner can. */
export const fieldAt = <K extends keyof Touchpoint>(owner: Pick<StagedOwner, 'touchpoints' | 'fieldAt'>, index: number, key: K): Touchpoint[K] =>
  owner.fieldAt ? owner.fieldAt(index, key) : owner.touchpoints[index]![key];

/** In ms since the epoch, half-open [from, to): consecutive ranges never count a moment twice. */
export interface DateRange {
  from: number;
  to: number;
}

export const inRange = (at: number, range: DateRange): boolean => at >= range.from && at < range.to;

/**
 * Where an owner's touchpoints in the range are: [start, end) of the indexes, found by halving
 * (touchpoints are in journey order, by time first) rather than by reading each one.
 */
export function indexesIn(touchpoints: ReadonlyArray<{ at: number }>, range: DateRange): [start: number, end: number] {
  return spanIn(touchpoints.length, (index) => touchpoints[index]!.at, range);
}

/** Where the owner's touchpoints in the range are (see indexesIn), from their times where the owner holds them apart. */
export function ownIndexesIn(owner: Pick<StagedOwner, 'touchpoints' | 'times'>, range: DateRange): [start: number, end: number] {
  return spanIn(countOf(owner), timeOf(owner), range);
}

/** How many touchpoints the owner has, without building them where the owner holds their times apart. */
export const countOf = (owner: Pick<StagedOwner, 'touchpoints' | 'times'>): number => (owner.times ?? owner.touchpoints).length;

/** When each of the owner's touchpoints happened, by index, from their times where the owner holds them apart. */
export function timeOf(owner: Pick<StagedOwner, 'touchpoints' | 'times'>): (index: number) => number {
  const { times } = owner;
  if (times) return (index) => times[index]!;
  const { touchpoints } = owner;
  return (index) => touchpoints[index]!.at;
}

/** [start, end) of the `length` times in order (`at`: the one at an index) within the range. */
function spanIn(length: number, at: (index: number) => number, range: DateRange): [start: number, end: number] {
  const start = firstNotBefore(length, (index) => at(index) < range.from);
  return [start, Math.max(start, firstNotBefore(length, (index) => at(index) < range.to))];
}

/** In a sorted list of `length` items, the first index whose item is not before what is sought, by halving. */
export function firstNotBefore(length: number, before: (index: number) => boolean): number {
  let low = 0;
  let high = length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (before(middle)) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Whether the owner has a touchpoint in the range. */
export const activeIn = (owner: Pick<StagedOwner, 'touchpoints' | 'times'>, range: DateRange): boolean => {
  const length = countOf(owner);
  const at = timeOf(owner);
  const last = length - 1;
  // Most owners were last seen before the range or first seen after it.
  if (last < 0 || at(last) < range.from || at(0) >= range.to) return false;
  return at(firstNotBefore(length, (index) => at(index) < range.from)) < range.to;
};

/**
 * One key per owner. A person and an account may share an id (they come from different tables), so
 * distinct counts go by kind and id together.
 */
export const ownerKey = (owner: Pick<StagedOwner, 'kind' | 'id'>): string => `${owner.kind}:${owner.id}`;

type Stage = StageModel['stages'][number];

/** English if the model has it, else the first label written: a model must have one label at least. */
export const stageLabel = (stage: Stage): string => stage.labels['en'] ?? Object.values(stage.labels)[0] ?? stage.id;

/** Ratios for the dashboard, rounded so equal data gives equal JSON. */
export const round = (value: number, decimals: number): number => Math.round(value * 10 ** decimals) / 10 ** decimals;
