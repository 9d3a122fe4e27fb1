/**
 * A held staging (site-journeys.ts, HeldStaging) as one string and back: what saved-staging.ts
 * keeps in the database. A million events' staging is ~370,000 touchpoints whose kinds, names,
 * channels, sources, pages, streams and people repeat, so the derived touchpoints are written
 * field by field as columns, every repeated string once in a table and named by its position,
 * and their ids as one text: a fraction of the text of one object per touchpoint, and JSON.parse
 * reads arrays of numbers faster than it builds objects. Imported touchpoints (few, with
 * free-form properties) are written whole. Read back, a touchpoint is built from the columns when
 * first asked for (TouchpointTable): a start then waits for none of them. Pure.
 */
import type { HeldOwner, HeldStaging, HeldTouchpoint } from './site-journeys.ts';
import { touchpointFinder } from '../journey/staged.ts';
import type { Touchpoint } from '../journey/touchpoint.ts';

/** Changes whenever what a staging holds, or how it is written here, changes: an older one is not read. */
export const stagingFormat = 4;

/** The repeating fields of a derived touchpoint, each a column of string positions (-1: none). */
const columns = ['stream', 'kind', 'name', 'channel', 'source', 'medium', 'campaign', 'path', 'personId', 'accountId'] as const;
type Column = (typeof columns)[number];
/** The columns from the one with fewest distinct values to the one with most. */
const byRepetition: Column[] = ['kind', 'channel', 'medium', 'source', 'campaign', 'name', 'path', 'accountId', 'personId', 'stream'];

interface Encoded {
  format: number;
  strings: string[];
  domainClaims: string;
  /** The derived touchpoints: their ids one after another, each one's length, times and, per column, string positions. */
  idText: string;
  idLengths: number[];
  at: number[];
  fields: Record<Column, number[]>;
  /** The other touchpoints (imported), whole, with their positions. */
  whole: Array<[position: number, touchpoint: HeldTouchpoint]>;
  accountOfPerson: Array<[string, string]>;
  traits: HeldStaging['traits'];
  people: Owners;
  accounts: Owners;
}

/** Owners as columns: ids (string positions), how many touchpoints each, their positions one after another, histories. */
interface Owners {
  ids: number[];
  counts: number[];
  touchpoints: number[];
  /** Every owner's stage history, one after another (see writeHistory). */
  histories: number[];
}

type History = HeldOwner['history'];

const derivedKeys = new Set<string>(['id', 'at', ...columns]);
/** Whether a touchpoint is exactly a derived one's fields (a stream and nothing unknown): written as columns. */
const isColumnar = (touchpoint: HeldTouchpoint) => touchpoint.stream !== undefined && Object.keys(touchpoint).every((key) => derivedKeys.has(key));

/** Owners written at a time between pauses. */
const ownersPerStep = 10_000;

/**
 * The writing in steps of tens of milliseconds each (a million events' staging is ~0.7 s in all):
 * a caller that pauses between them (a save beside requests) holds the thread no longer than one
 * step. The result is the JSON of `Encoded`, its parts stringified one at a time.
 */
function* encodingSteps(held: HeldStaging): Generator<void, string> {
  const strings: string[] = [];
  const positions = new Map<string, number>();
  const intern = (value: string | undefined): number => {
    if (value === undefined) return -1;
    let position = positions.get(value);
    if (position === undefined) {
      position = strings.push(value) - 1;
      positions.set(value, position);
    }
    return position;
  };
  const json: string[] = [];
  const put = (key: keyof Encoded | Column | keyof Owners, value: unknown) => json.push(`"${key}":${JSON.stringify(value)}`);
  put('format', stagingFormat);
  put('domainClaims', held.domainClaims);
  put('accountOfPerson', held.accountOfPerson);
  put('traits', held.traits);
  yield;

  // Every touchpoint keeps its position, so owners name them as held. The whole ones are written
  // apart with theirs; their columns hold -1.
  const columnar = held.touchpoints.map(isColumnar);
  yield;
  put('whole', held.touchpoints.flatMap((touchpoint, position) => (columnar[position] ? [] : [[position, touchpoint]])));
  // One string rather than one per touchpoint: read back, an id is cut from it when its touchpoint is built.
  put('idText', held.touchpoints.map(({ id }, position) => (columnar[position] ? id : '')).join(''));
  put('idLengths', held.touchpoints.map(({ id }, position) => (columnar[position] ? id.length : 0)));
  yield;
  put('at', held.touchpoints.map(({ at }, position) => (columnar[position] ? at : 0)));
  yield;
  // The columns that repeat most first, so their positions are short numbers.
  const fields: string[] = [];
  for (const column of byRepetition) {
    fields.push(`"${column}":${JSON.stringify(held.touchpoints.map((touchpoint, position) => (columnar[position] ? intern(touchpoint[column]) : -1)))}`);
    yield;
  }
  json.push(`"fields":{${fields.join(',')}}`);

  for (const kind of ['people', 'accounts'] as const) {
    const list = held[kind];
    const owners: Owners = { ids: [], counts: [], touchpoints: [], histories: [] };
    for (let start = 0; start < list.length; start += ownersPerStep) {
      for (const { id, touchpoints, history } of list.slice(start, start + ownersPerStep)) {
        owners.ids.push(intern(id));
        owners.counts.push(touchpoints.length);
        for (const position of touchpoints) owners.touchpoints.push(position);
        writeHistory(owners.histories, history, touchpointFinder(touchpoints.map((position) => held.touchpoints[position < 0 ? -1 - position : position]!), history), intern);
      }
      yield;
    }
    json.push(`"${kind}":${JSON.stringify(owners)}`);
    yield;
  }
  // Last: every string is in it now.
  put('strings', strings);
  return `{${json.join(',')}}`;
}

/** A held staging as one string, at once. */
export function encodeStaging(held: HeldStaging): string {
  const steps = encodingSteps(held);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** A held staging as one string, pausing between steps (`pause`: e.g. a timer of 0 ms, letting requests in). */
export async function encodeStagingInSteps(held: HeldStaging, pause: () => Promise<void>): Promise<string> {
  const steps = encodingSteps(held);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await pause();
  }
}

/**
 * A saved staging as read back: what `SiteJourneys.restore` holds again. The touchpoints are
 * built when first asked for (TouchpointTable): on a million events, building all ~370,000 of them
 * and keeping them was most of a start's wait, and a query over the last 90 days reads a part.
 */
export interface ReadStaging {
  domainClaims: string;
  touchpoints: TouchpointTable;
  accountOfPerson: HeldStaging['accountOfPerson'];
  traits: HeldStaging['traits'];
  people: ReadOwners;
  accounts: ReadOwners;
}

/**
 * Owners as read: each one's touchpoints a stretch [start, end) of `positions` (see HeldOwner), the
 * causes of their transitions from `firstCause` in `causes` (each the index of the touchpoint among
 * the owner's, -1 for a trait), and their stage history, checked, to be built from `histories` at
 * `historyAt`.
 */
export interface ReadOwners {
  positions: readonly number[];
  causes: readonly number[];
  histories: WrittenHistories;
  owners: Array<{ id: string; start: number; end: number; firstCause: number; historyAt: number }>;
}

/**
 * The touchpoints of a staging read back, by position: each one's time at once, the touchpoint
 * itself built the first time it is asked for and the same object from then on (a person's
 * touchpoint and the index of its stream are one object, as in a staging made from facts).
 */
export class TouchpointTable {
  readonly length: number;
  /** The ids of the imported touchpoints (written whole, without a stream). */
  readonly imported: string[] = [];
  readonly #built: Array<HeldTouchpoint | undefined>;
  readonly #times: Float64Array;
  /** What the touchpoints not yet built are built from; let go once every one is. */
  #columns?: { strings: string[]; fields: Encoded['fields']; idText: string; idStarts: Float64Array };

  constructor(encoded: Encoded) {
    const { strings, at, fields, idText, idLengths } = encoded;
    this.length = idLengths.length;
    this.#built = new Array<HeldTouchpoint | undefined>(this.length);
    this.#times = new Float64Array(this.length);
    const idStarts = new Float64Array(this.length + 1);
    for (let position = 0; position < this.length; position++) {
      this.#times[position] = at[position] ?? damaged(`the time of touchpoint ${position}`);
      idStarts[position + 1] = idStarts[position]! + idLengths[position]!;
    }
    if (idStarts[this.length] !== idText.length) damaged('the text of touchpoint ids');
    this.#columns = { strings, fields, idText, idStarts };
    for (const [position, touchpoint] of encoded.whole) {
      if (!(position >= 0 && position < this.length)) damaged(`touchpoint ${position}`);
      this.#built[position] = touchpoint;
      this.#times[position] = touchpoint.at;
      if (touchpoint.stream === undefined) this.imported.push(touchpoint.id);
    }
    // Checked now, so building one later cannot fail: every string a touchpoint names is in the
    // table, and only a touchpoint written whole lacks one its kind must have.
    for (const column of columns) {
      const values = fields[column];
      const optional = column === 'path' || column === 'personId' || column === 'accountId';
      for (let position = 0; position < this.length; position++) {
        const value = values[position]!;
        if (!(Number.isInteger(value) && value < strings.length && (value >= 0 || (value === -1 && (optional || this.#built[position] !== undefined))))) {
          damaged(`the ${column} of touchpoint ${position}`);
        }
      }
    }
  }

  /** A touchpoint's time, without building it. */
  at(position: number): number {
    const at = this.#times[position];
    return at === undefined ? missing(position) : at;
  }

  /** A touchpoint's id, without building it. */
  id(position: number): string {
    const built = this.#built[position];
    if (built) return built.id;
    const { idText, idStarts } = this.#columns!;
    return idText.slice(idStarts[position] ?? missing(position), idStarts[position + 1]);
  }

  /** One field of a touchpoint, without building it. */
  field<K extends keyof HeldTouchpoint>(position: number, key: K): HeldTouchpoint[K] {
    const built = this.#built[position];
    if (built) return built[key];
    if (key === 'at') return this.at(position) as HeldTouchpoint[K];
    if (key === 'id') return this.id(position) as HeldTouchpoint[K];
    const { fields, strings } = this.#columns!;
    const value = (fields[key as Column] as number[] | undefined)?.[position] ?? missing(position);
    return (value === -1 ? undefined : strings[value]) as HeldTouchpoint[K];
  }

  /** The touchpoint at a position, built once. */
  get(position: number): HeldTouchpoint {
    let touchpoint = this.#built[position];
    if (touchpoint === undefined) {
      if (!(position >= 0 && position < this.length)) missing(position);
      touchpoint = this.#build(position);
      this.#built[position] = touchpoint;
    }
    return touchpoint;
  }

  /** Every touchpoint, in position order. */
  all(): HeldTouchpoint[] {
    const all: HeldTouchpoint[] = [];
    for (let position = 0; position < this.length; position++) all.push(this.get(position));
    // Every one is built: the columns (tens of MB on a million events) are not read again.
    this.#columns = undefined;
    return all;
  }

  #build(position: number): HeldTouchpoint {
    const { strings, fields } = this.#columns!;
    const { stream, kind, name, channel, source, medium, campaign, path, personId, accountId } = fields;
    const string = (column: number[]): string => strings[column[position]!] ?? damaged(`a string of touchpoint ${position}`);
    // Keys in the order the storage gives them (touchpoint-persons.ts): answers are the same JSON.
    const touchpoint: HeldTouchpoint = {
      id: this.id(position),
      stream: string(stream),
      kind: string(kind) as Touchpoint['kind'],
      at: this.#times[position]!,
      name: string(name),
      channel: string(channel) as Touchpoint['channel'],
      source: string(source),
      medium: string(medium),
      campaign: string(campaign),
    };
    if (path[position] !== -1) touchpoint.path = string(path);
    if (personId[position] !== -1) touchpoint.personId = string(personId);
    if (accountId[position] !== -1) touchpoint.accountId = string(accountId);
    return touchpoint;
  }
}

const missing = (position: number): never => {
  throw new Error(`a saved staging names touchpoint ${position}, which it does not hold`);
};

/** The staging a string from `encodeStaging` holds, read back. Throws on another format or a damaged one. */
export function decodeStaging(text: string): ReadStaging {
  const encoded = JSON.parse(text) as Encoded;
  if (encoded?.format !== stagingFormat) throw new Error(`a saved staging of format ${String(encoded?.format)}, not ${stagingFormat}`);
  const { strings } = encoded;
  const string = (position: number): string => strings[position] ?? damaged(`string ${position}`);
  for (const column of columns) if (encoded.fields[column]?.length !== encoded.idLengths.length) damaged(`the ${column} of every touchpoint`);
  const touchpoints = new TouchpointTable(encoded);
  const owners = ({ ids, counts, touchpoints: positions, histories }: Owners): ReadOwners => {
    let next = 0;
    let historyAt = 0;
    const causes: number[] = [];
    const written = new WrittenHistories(histories, strings);
    return {
      positions,
      causes,
      histories: written,
      owners: ids.map((id, index) => {
        const start = next;
        next += counts[index] ?? damaged(`owner ${index}'s touchpoints`);
        if (next > positions.length) damaged(`owner ${index}'s touchpoints`);
        const firstCause = causes.length;
        const at = historyAt;
        historyAt = written.check(at, next - start, causes);
        return { id: string(id), start, end: next, firstCause, historyAt: at };
      }),
    };
  };
  return {
    domainClaims: encoded.domainClaims,
    touchpoints,
    accountOfPerson: encoded.accountOfPerson,
    traits: encoded.traits,
    people: owners(encoded.people),
    accounts: owners(encoded.accounts),
  };
}

/**
 * Appends a stage history as numbers: the current stage; how many stage entries, and each one's
 * stage, 1 entered or 0 skipped, time and cause; how many transitions, and each one's from, to,
 * time and cause. Stages are string positions (-1: none); a cause is the index of the touchpoint
 * among its owner's (journey order), or -1 - the string position of a trait's name. As touchpoint
 * ids, causes were a third of a million events' staging; as one array, the histories parse with
 * no array per owner for the collector to copy and drop. `indexOf`: -1 when not the owner's.
 */
function writeHistory(into: number[], history: History, indexOf: (id: string) => number, intern: (value: string | undefined) => number): void {
  const cause = (step: History['stages'][number] | History['transitions'][number]): number => {
    if ('trait' in step) return -1 - intern(step.trait);
    const at = indexOf(step.touchpointId);
    if (at === -1) throw new Error(`a stage history names touchpoint ${step.touchpointId}, not one of its owner's`);
    return at;
  };
  into.push(intern(history.current ?? undefined), history.stages.length);
  for (const entry of history.stages) into.push(intern(entry.stage), entry.status === 'entered' ? 1 : 0, entry.at, cause(entry));
  into.push(history.transitions.length);
  for (const transition of history.transitions) into.push(intern(transition.from ?? undefined), intern(transition.to), transition.at, cause(transition));
}

/**
 * The histories `writeHistory` wrote, each checked when read back and built when first asked for:
 * a query over the last 90 days reads the histories of those active in it, and on a million
 * events building every one (~350,000 objects) was a fifth of a start's wait.
 */
export class WrittenHistories {
  readonly #written: readonly number[];
  readonly #strings: readonly string[];

  constructor(written: readonly number[], strings: readonly string[]) {
    this.#written = written;
    this.#strings = strings;
  }

  /**
   * Checks the history from `at` of an owner of `count` touchpoints (numbers, stage names, causes
   * among their touchpoints), so building it cannot fail; appends its transitions' causes (the
   * index of the touchpoint, -1 for a trait) to `causes`. Where the next history begins.
   */
  check(at: number, count: number, causes: number[]): number {
    let next = at;
    const take = (): number => {
      const value = this.#written[next++];
      return typeof value === 'number' ? value : damaged(`history number ${next - 1}`);
    };
    const stage = (position: number, optional = false) => {
      if (!(optional && position === -1) && this.#strings[position] === undefined) damaged(`stage ${position}`);
    };
    const cause = (value: number): number => {
      if (value < 0) {
        stage(-1 - value);
        return -1;
      }
      if (value >= count) damaged(`cause ${value} of ${count} touchpoints`);
      return value;
    };
    stage(take(), true);
    for (let entries = take(); entries > 0; entries--) {
      stage(take());
      take();
      take();
      cause(take());
    }
    for (let transitions = take(); transitions > 0; transitions--) {
      stage(take(), true);
      stage(take());
      take();
      causes.push(cause(take()));
    }
    return next;
  }

  /** The history from `at`, as stageHistory makes it; `idOf`: the id of the owner's touchpoint at an index. */
  read(at: number, idOf: (index: number) => string): History {
    const written = this.#written;
    const strings = this.#strings;
    let next = at;
    const current = written[next++]!;
    const history: History = { current: current === -1 ? null : strings[current]!, stages: [], transitions: [] };
    // Each step built whole, its cause's key last: as stageHistory makes them. Plain reads, no
    // destructuring: this runs before the code is optimised, where each one was an iterator.
    for (let count = written[next++]!; count > 0; count--, next += 4) {
      const stage = strings[written[next]!]!;
      const status = written[next + 1] === 1 ? ('entered' as const) : ('skipped' as const);
      const time = written[next + 2]!;
      const cause = written[next + 3]!;
      history.stages.push(cause < 0 ? { stage, status, at: time, trait: strings[-1 - cause]! } : { stage, status, at: time, touchpointId: idOf(cause) });
    }
    for (let count = written[next++]!; count > 0; count--, next += 4) {
      const from = written[next] === -1 ? null : strings[written[next]!]!;
      const to = strings[written[next + 1]!]!;
      const time = written[next + 2]!;
      const cause = written[next + 3]!;
      history.transitions.push(cause < 0 ? { from, to, at: time, trait: strings[-1 - cause]! } : { from, to, at: time, touchpointId: idOf(cause) });
    }
    return history;
  }
}

const damaged = (what: string): never => {
  throw new Error(`a damaged saved staging: ${what} is missing`);
};
