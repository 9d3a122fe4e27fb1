/**
 * A person or account held again from a saved staging, built as it is read. What every query asks
 * of everyone (who was active when) comes from the times, held at once; the stage history is built
 * when first read (a funnel reads those of the owners active in its range), and so are the
 * touchpoints: one by one for what a query reads (a journey map, the ones in its range), or all of
 * an owner's for a query that reads them all (a path to a conversion). On a million events,
 * building everything before the first answer was most of a start's wait.
 */
import { stagesAlong } from '../journey/staged.ts';
import type { StageHistory } from '../journey/stages.ts';
import type { Touchpoint } from '../journey/touchpoint.ts';
import { firstNotBefore, type StagedOwner } from './owner.ts';

/** Touchpoints by position, each the same object every time it is asked for. */
export interface TouchpointsByPosition {
  get(position: number): Touchpoint;
  /** A touchpoint's id, without building it. */
  id(position: number): string;
  /** One field of a touchpoint, without building it. */
  field<K extends keyof Touchpoint>(position: number, key: K): Touchpoint[K];
}

/** Stage histories, each built when asked for (staging-codec.ts). */
export interface HistoriesByPlace {
  read(at: number, idOf: (index: number) => string): StageHistory;
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
  /** The owner's stage history, at `historyAt` in `histories`. */
  histories: HistoriesByPlace;
  historyAt: number;
}

export class RestoredOwner implements StagedOwner {
  readonly kind: 'person' | 'account';
  readonly id: string;
  readonly times: ArrayLike<number>;
  readonly #place: RestoredPlace;
  #history?: StageHistory;
  #stages?: Array<string | null>;
  #touchpoints?: Touchpoint[];

  constructor(kind: 'person' | 'account', id: string, times: ArrayLike<number>, place: RestoredPlace) {
    this.kind = kind;
    this.id = id;
    this.times = times;
    this.#place = place;
  }

  get history(): StageHistory {
    if (!this.#history) {
      const { source, positions, start, histories, historyAt } = this.#place;
      this.#history = histories.read(historyAt, (index) => {
        const position = positions[start + index]!;
        return source.id(position < 0 ? -1 - position : position);
      });
    }
    return this.#history;
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

  /** One field of a touchpoint, without building it. */
  fieldAt<K extends keyof Touchpoint>(index: number, key: K): Touchpoint[K] {
    if (this.#touchpoints) return this.#touchpoints[index]![key];
    const { source, positions, start } = this.#place;
    const position = positions[start + index]!;
    if (position >= 0) return source.field(position, key);
    return key === 'accountId' ? (this.id as Touchpoint[K]) : source.field(-1 - position, key);
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
