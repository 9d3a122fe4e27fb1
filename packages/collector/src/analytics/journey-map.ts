/**
 * The data-driven journey map: stages across the top, channels down the side, and in each cell the
 * touchpoints of a date range and the people (or accounts) behind them. Pure: no I/O.
 */
import type { StageModel } from '../journey/stages.ts';
import type { Touchpoint } from '../journey/touchpoint.ts';
import { fieldAt, ownIndexesIn, ownerKey, stageLabel, type DateRange, type StagedOwner } from './owner.ts';

/**
 * The column of touchpoints before any stage (in the B2B pipeline, everything anonymous). A model
 * could name a stage "none" too; its touchpoints would share this column.
 */
export const noStage = 'none';

type Channel = Touchpoint['channel'];

/** Touchpoints, and distinct people or accounts: the two numbers every part of the map shows. */
interface Counts {
  touchpoints: number;
  owners: number;
}

export interface MapStage extends Counts {
  stage: string;
  label: string;
}
export interface MapChannel extends Counts {
  channel: Channel;
}
export interface MapCell extends Counts {
  stage: string;
  channel: Channel;
}
/** A touchpoint as the map names it: "/pricing" via Organic Search, "Signed Up" via Email. */
export interface TopTouchpoint extends Counts {
  name: string;
  kind: Touchpoint['kind'];
  channel: Channel;
}

export interface JourneyMap {
  range: DateRange;
  /** The columns: "none" if anything happened before a stage, then every model stage, even empty ones. */
  stages: MapStage[];
  /** The rows, most touchpoints first. */
  channels: MapChannel[];
  /** Only the cells with touchpoints, in column order, then most touchpoints first. */
  cells: MapCell[];
  /** By column, its most frequent touchpoints. */
  top: Record<string, TopTouchpoint[]>;
}

/**
 * Each touchpoint in the range goes in the stage its owner was in just after it, so the touchpoint
 * that moved someone into Purchase shows under Purchase: it is where the move happened.
 */
export function journeyMap(owners: readonly StagedOwner[], model: StageModel, range: DateRange, options: { top?: number } = {}): JourneyMap {
  const stages = new Tally<string>();
  const channels = new Tally<Channel>();
  const cells = new Tally<{ stage: string; channel: Channel }>();
  const touchpoints = new Tally<{ stage: string } & Omit<TopTouchpoint, keyof Counts>>();
  for (const owner of owners) {
    const key = ownerKey(owner);
    const [start, end] = ownIndexesIn(owner, range);
    if (start === end) continue;
    const ownStages = owner.stages;
    for (let index = start; index < end; index++) {
      const [name, kind, channel] = [fieldAt(owner, index, 'name'), fieldAt(owner, index, 'kind'), fieldAt(owner, index, 'channel')];
      const stage = ownStages[index] ?? noStage;
      stages.add(key, () => stage, stage);
      channels.add(key, () => channel, channel);
      cells.add(key, () => ({ stage, channel }), stage, channel);
      touchpoints.add(key, () => ({ stage, name, kind, channel }), stage, kind, name, channel);
    }
  }

  const ids = model.stages.map((stage) => stage.id);
  const labels = new Map(model.stages.map((stage) => [stage.id, stageLabel(stage)]));
  // Stages the model no longer has (owners staged by an older model) go last rather than vanish.
  const columns = [...(stages.has(noStage) ? [noStage] : []), ...ids, ...stages.keys().filter((id) => id !== noStage && !labels.has(id)).sort()];
  const column = (stage: string) => columns.indexOf(stage);
  const byCount = (a: Counts, b: Counts) => b.touchpoints - a.touchpoints;

  return {
    range,
    stages: columns.map((stage) => ({
      stage,
      label: stage === noStage ? 'No stage' : (labels.get(stage) ?? stage),
      ...(stages.counts(stage) ?? { touchpoints: 0, owners: 0 }),
    })),
    channels: channels.rows().map(({ row, ...counts }) => ({ channel: row, ...counts })).sort((a, b) => byCount(a, b) || compare(a.channel, b.channel)),
    cells: cells
      .rows()
      .map(({ row, ...counts }) => ({ ...row, ...counts }))
      .sort((a, b) => column(a.stage) - column(b.stage) || byCount(a, b) || compare(a.channel, b.channel)),
    top: Object.fromEntries(
      columns.map((stage) => [
        stage,
        touchpoints
          .rows()
          .filter(({ row }) => row.stage === stage)
          .map(({ row: { stage: _, ...touchpoint }, ...counts }) => ({ ...touchpoint, ...counts }))
          .sort((a, b) => byCount(a, b) || compare(a.name, b.name) || compare(a.channel, b.channel) || compare(a.kind, b.kind))
          .slice(0, options.top ?? 5),
      ]),
    ),
  };
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Touchpoints and distinct owners by key. An owner's touchpoints are added together, one owner
 * after another, so an owner is new to an entry when it is not the last one the entry counted: no
 * set of owners per entry (on a million events, those sets were most of the map's time). A key of
 * several parts is a map per part: the parts are the touchpoints' own strings, whose hashes are
 * kept with them, where a key joined from them was a new string to hash for every touchpoint.
 */
interface Entry<Row> {
  row: Row;
  touchpoints: number;
  owners: number;
  last: string;
}
type Level = Map<string, unknown>;

const below = (level: Level, key: string): Level => {
  let next = level.get(key) as Level | undefined;
  if (!next) level.set(key, (next = new Map()));
  return next;
};

class Tally<Row> {
  readonly #root: Level = new Map();
  readonly #entries: Array<Entry<Row>> = [];

  /** One touchpoint of `owner` under a key of one to four parts; `row` says what the key stands for, the first time. */
  add(owner: string, row: () => Row, a: string, b?: string, c?: string, d?: string): void {
    let level = this.#root;
    let key = a;
    if (b !== undefined) {
      level = below(level, key);
      key = b;
    }
    if (c !== undefined) {
      level = below(level, key);
      key = c;
    }
    if (d !== undefined) {
      level = below(level, key);
      key = d;
    }
    let entry = level.get(key) as Entry<Row> | undefined;
    if (!entry) {
      level.set(key, (entry = { row: row(), touchpoints: 0, owners: 0, last: '' }));
      this.#entries.push(entry);
    }
    entry.touchpoints++;
    if (entry.last !== owner) {
      entry.last = owner;
      entry.owners++;
    }
  }

  /** For keys of one part: whether it has one. */
  has(key: string): boolean {
    return this.#root.has(key);
  }

  /** For keys of one part: those it has, in the order they came. */
  keys(): string[] {
    return [...this.#root.keys()];
  }

  /** For keys of one part: its counts. */
  counts(key: string): Counts | undefined {
    const entry = this.#root.get(key) as Entry<Row> | undefined;
    return entry && { touchpoints: entry.touchpoints, owners: entry.owners };
  }

  /** Every entry, in the order they came. */
  rows(): Array<{ row: Row } & Counts> {
    return this.#entries.map(({ row, touchpoints, owners }) => ({ row, touchpoints, owners }));
  }
}
