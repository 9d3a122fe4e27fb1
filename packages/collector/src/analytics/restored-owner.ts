/**
 * A person or account held again from a saved staging, whose touchpoints are built as they are
 * read. What every query asks of everyone (who was active when, who reached which stage, where
 * each stage began) comes from the times and the stage history, held at once; touchpoints are
 * built one by one for what a query reads (a journey map, the ones in its range), or all of an
 * owner's for a query that reads them all (a path to a conversion). On a million events, building
 * every touchpoint before the first answer was most of a start's wait.
 */
import { stagesAlong } from '../journey/staged.ts';
import type { StageHistory } from '../journey/stages.ts';
import type { Touchpoint } from '../journey/touchpoint.ts';
import { firstNotBefore, type StagedOwner } from './owner.ts';

/** Touchpoints by position, each the same object every time it is asked for. */
export interface TouchpointsByPosition {
  get(position: number): Touchpoint;
}

/** Where the owner's things are in arrays shared by everyone read back with them. */
export interface RestoredPlace {
  source: TouchpointsByPosition;
  /** `positions[start, start + times.length)` are the owner's touchpoints in journey order; for an account, `-1 - position` is a member's touchpoint credited to it. */
  positions: readonly number[];
  start: number;
  /** `causes[firstCause + n]`: the index of the touchpoint that made the history's nth transition, -1 for a trait. */
  causes: readonly number[];
  firstCause: number;
}

export class RestoredOwner implements StagedOwner {
  readonly kind: 'person' | 'account';
  readonly id: string;
  readonly history: StageHistory;
  readonly times: ArrayLike<number>;
  readonly #place: RestoredPlace;
  #stages?: Array<string | null>;
  #touchpoints?: Touchpoint[];

  constructor(kind: 'person' | 'account', id: string, history: StageHistory, times: ArrayLike<number>, place: RestoredPlace) {
    this.kind = kind;
    this.id = id;
    this.history = history;
    this.times = times;
    this.#place = place;
  }

  get touchpoints(): Touchpoint[] {
    if (!this.#touchpoints) {
      const touchpoints: Touchpoint[] = [];
      for (let index = 0; index < this.times.length; index++) touchpoints.push(this.touchpointAt(index));
      this.#touchpoints = touchpoints;
    }
    return this.#touchpoints;
  }

  /** One touchpoint, built alone if the others are not (an account's copy of a member's is made anew each time). */
  touchpointAt(index: number): Touchpoint {
    if (this.#touchpoints) return this.#touchpoints[index]!;
    const { source, positions, start } = this.#place;
    const position = positions[start + index]!;
    return position >= 0 ? source.get(position) : { ...source.get(-1 - position), accountId: this.id };
  }

  get stages(): Array<string | null> {
    const { causes, firstCause } = this.#place;
    this.#stages ??= stagesAlong(this.times.length, this.history, (transition, order) =>
      // A trait's move begins at the first touchpoint not before it.
      'touchpointId' in transition ? causes[firstCause + order]! : firstAtOrAfter(this.times, transition.at),
    );
    return this.#stages;
  }

  /** As a staged owner made from facts writes: answers are the same JSON. */
  toJSON(): StagedOwner {
    return { kind: this.kind, id: this.id, touchpoints: this.touchpoints, history: this.history, stages: this.stages };
  }
}

/** The first index whose time is not before `at`; -1 when none. */
function firstAtOrAfter(times: ArrayLike<number>, at: number): number {
  const index = firstNotBefore(times.length, (candidate) => times[candidate]! < at);
  return index === times.length ? -1 : index;
}
