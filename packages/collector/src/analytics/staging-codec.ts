/**
 * A held staging (site-journeys.ts, HeldStaging) as one string and back: what saved-staging.ts
 * keeps in the database. A million events' staging is ~370,000 touchpoints whose kinds, names,
 * channels, sources, pages, streams and people repeat, so the derived touchpoints are written
 * field by field as columns, every repeated string once in a table and named by its position:
 * a fraction of the text of one object per touchpoint, and JSON.parse reads arrays of numbers
 * faster than it builds objects. Imported touchpoints (few, with free-form properties) are
 * written whole. Pure.
 */
import type { HeldOwner, HeldStaging, HeldTouchpoint } from './site-journeys.ts';
import { touchpointFinder } from '../journey/staged.ts';
import type { Touchpoint } from '../journey/touchpoint.ts';

/** Changes whenever what a staging holds, or how it is written here, changes: an older one is not read. */
export const stagingFormat = 3;

/** The repeating fields of a derived touchpoint, each a column of string positions (-1: none). */
const columns = ['stream', 'kind', 'name', 'channel', 'source', 'medium', 'campaign', 'path', 'personId', 'accountId'] as const;
type Column = (typeof columns)[number];
/** The columns from the one with fewest distinct values to the one with most. */
const byRepetition: Column[] = ['kind', 'channel', 'medium', 'source', 'campaign', 'name', 'path', 'accountId', 'personId', 'stream'];

interface Encoded {
  format: number;
  strings: string[];
  domainClaims: string;
  /** The derived touchpoints: their ids, times and, per column, string positions. */
  ids: string[];
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
  put('ids', held.touchpoints.map(({ id }, position) => (columnar[position] ? id : '')));
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

/** The held staging a string from `encodeStaging` holds. Throws on another format or a damaged one. */
export function decodeStaging(text: string): HeldStaging {
  const encoded = JSON.parse(text) as Encoded;
  if (encoded?.format !== stagingFormat) throw new Error(`a saved staging of format ${String(encoded?.format)}, not ${stagingFormat}`);
  const { strings, ids, at, fields } = encoded;
  const string = (position: number): string => strings[position] ?? damaged(`string ${position}`);
  const optional = (position: number): string | undefined => (position === -1 ? undefined : string(position));
  const { stream, kind, name, channel, source, medium, campaign, path, personId, accountId } = fields;
  const wholeAt = new Map(encoded.whole);
  const touchpoints: HeldTouchpoint[] = [];
  for (let index = 0; index < ids.length; index++) {
    const written = wholeAt.get(index);
    if (written) {
      touchpoints.push(written);
      continue;
    }
    // Keys in the order the storage gives them (touchpoint-persons.ts): answers are the same JSON.
    const touchpoint: HeldTouchpoint = {
      id: ids[index]!,
      stream: string(stream[index]!),
      kind: string(kind[index]!) as Touchpoint['kind'],
      at: at[index] ?? damaged(`the time of touchpoint ${index}`),
      name: string(name[index]!),
      channel: string(channel[index]!) as Touchpoint['channel'],
      source: string(source[index]!),
      medium: string(medium[index]!),
      campaign: string(campaign[index]!),
    };
    const page = optional(path[index]!);
    if (page !== undefined) touchpoint.path = page;
    const person = optional(personId[index]!);
    if (person !== undefined) touchpoint.personId = person;
    const account = optional(accountId[index]!);
    if (account !== undefined) touchpoint.accountId = account;
    touchpoints.push(touchpoint);
  }
  const owners = ({ ids: owners, counts, touchpoints: positions, histories }: Owners): HeldOwner[] => {
    let next = 0;
    const reader = historyReader(histories, optional);
    return owners.map((id, index) => {
      const count = counts[index] ?? damaged(`owner ${index}'s touchpoints`);
      const own = positions.slice(next, next + count);
      next += count;
      const idOf = (at: number) => touchpoints[own[at]! < 0 ? -1 - own[at]! : own[at]!]?.id ?? damaged(`touchpoint ${at} of owner ${index}`);
      return { id: string(id), touchpoints: own, history: reader(idOf) };
    });
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

/** Reads the histories `writeHistory` wrote, one owner's per call, in order; `idOf`: the owner's touchpoint at an index. */
function historyReader(written: number[], optional: (position: number) => string | undefined): (idOf: (at: number) => string) => History {
  let next = 0;
  const take = (): number => {
    const value = written[next++];
    return typeof value === 'number' ? value : damaged(`history number ${next - 1}`);
  };
  const stage = (position: number): string => optional(position) ?? damaged(`stage ${position}`);
  return (idOf) => {
    const history: History = { current: optional(take()) ?? null, stages: [], transitions: [] };
    // Each step built whole, its cause's key last: as stageHistory makes them.
    for (let count = take(); count > 0; count--) {
      const [entered, status, at, cause] = [stage(take()), take() === 1 ? ('entered' as const) : ('skipped' as const), take(), take()];
      history.stages.push(cause < 0 ? { stage: entered, status, at, trait: stage(-1 - cause) } : { stage: entered, status, at, touchpointId: idOf(cause) });
    }
    for (let count = take(); count > 0; count--) {
      const [from, to, at, cause] = [optional(take()) ?? null, stage(take()), take(), take()];
      history.transitions.push(cause < 0 ? { from, to, at, trait: stage(-1 - cause) } : { from, to, at, touchpointId: idOf(cause) });
    }
    return history;
  };
}

const damaged = (what: string): never => {
  throw new Error(`a damaged saved staging: ${what} is missing`);
};
