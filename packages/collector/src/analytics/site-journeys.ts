/**
 * A site's journey facts held in memory with every person and account staged, and kept so: a
 * change replaces the facts of some streams, people and accounts (read again by the storage), and
 * only the people and accounts whose touchpoints, account or traits that touches are staged again.
 * Staging them all is seconds on a million events; a change is milliseconds. Pure.
 */
import type { JsonValue } from '@journey/protocol';
import type { JourneyFacts, JourneyScope } from '../storage/journey/facts.ts';
import { offlineTouchpoint } from '../journey/offline.ts';
import { stagedJourney } from '../journey/staged.ts';
import type { StageHistory, StageModel, StagedTraits } from '../journey/stages.ts';
import type { Touchpoint } from '../journey/touchpoint.ts';
import { inJourneyOrder } from '../journey/touchpoints.ts';
import { firstNotBefore, type StagedOwner } from './owner.ts';
import { RestoredOwner } from './restored-owner.ts';
import type { ReadOwners, ReadStaging, TouchpointTable } from './staging-codec.ts';

export interface StagedOwners {
  /** By id. */
  people: StagedOwner[];
  /** By id. */
  accounts: StagedOwner[];
  /** Each account's traits, latest value per key (the funnel's filters read them). */
  accountTraits: Map<string, Record<string, JsonValue>>;
  /** Each person's account, where they have one. */
  accountOfPerson: Record<string, string>;
}

type TraitFact = JourneyFacts['traits'][number];

/** Who is whose account, and an account's traits. */
export interface AccountLookup {
  accountOf(person: string): string | undefined;
  traitsOf(account: string): Record<string, JsonValue> | undefined;
}

/** Who a change staged again: their stage may have moved. */
export interface Restaged {
  people: string[];
  accounts: string[];
}

const add = <K, V>(index: Map<K, Set<V>>, key: K, value: V) => {
  const set = index.get(key);
  if (set) set.add(value);
  else index.set(key, new Set([value]));
};
const remove = <K, V>(index: Map<K, Set<V>>, key: K, value: V) => {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
};
/** A touchpoint as held: a derived one with the stream it came from. */
export type HeldTouchpoint = Touchpoint & { stream?: string };
type Held = HeldTouchpoint;

/** A person or account as held: the positions of their touchpoints (journey order) and their stage history. */
export interface HeldOwner {
  id: string;
  /**
   * Positions in the staging's touchpoints. For an account, `-1 - position` is a touchpoint of one
   * of its people credited to it (that names no account itself).
   */
  touchpoints: number[];
  history: StageHistory;
}

/**
 * A staging as plain data: every touchpoint once, who is in which account, the trait facts, and
 * each person and account as staged. Enough to hold the staging again without evaluating any
 * stage rule (a collector starting over a saved staging: saved-staging.ts).
 */
export interface HeldStaging {
  /** The live accounts claiming each domain, as JSON. */
  domainClaims: string;
  /** Derived ones with their stream; the imported ones without. */
  touchpoints: HeldTouchpoint[];
  accountOfPerson: Array<[person: string, account: string]>;
  traits: TraitFact[];
  people: HeldOwner[];
  accounts: HeldOwner[];
}

/** Touchpoints staged between pauses of a whole staging in steps: tens of milliseconds each. */
const touchpointsPerStep = 20_000;

const byId = (a: StagedOwner, b: StagedOwner) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

export class SiteJourneys {
  readonly #model: StageModel;
  /**
   * Every touchpoint, derived (with the stream it came from) and imported, with the person and
   * account it names. Held as read, not copied without its stream: on a million events a copy of
   * each was a tenth of the first staging.
   */
  readonly #touchpoints = new Map<string, Held>();
  /** The touchpoints themselves, not their ids: staging reads them without a lookup each. */
  readonly #byStream = new Map<string, Set<Held>>();
  readonly #byPerson = new Map<string, Set<Held>>();
  /** Touchpoints naming an account: that account's only. */
  readonly #byNamedAccount = new Map<string, Set<Held>>();
  readonly #imported = new Set<string>();
  readonly #accountOfPerson = new Map<string, string>();
  readonly #members = new Map<string, Set<string>>();
  readonly #traitFacts = new Map<string, TraitFact[]>();
  readonly #traits = new Map<string, StagedTraits>();
  #domainClaims = '';
  readonly #people = new Map<string, StagedOwner>();
  readonly #accounts = new Map<string, StagedOwner>();
  #owners?: StagedOwners;
  /** Touchpoints held again (restore) but not yet in the indexes above. */
  #unindexed?: TouchpointTable;

  /** Everyone in the facts staged, at once. */
  constructor(model: StageModel, facts: JourneyFacts) {
    this.#model = model;
    for (const _ of this.#stagingSteps(facts));
  }

  /**
   * Everyone in the facts staged, pausing between steps (`pause`: e.g. a timer of 0 ms, letting
   * requests in): on a million events a whole staging is seconds of work, and a collector would
   * otherwise take no event and answer nothing meanwhile.
   */
  static async inSteps(model: StageModel, facts: JourneyFacts, pause: () => Promise<void>): Promise<SiteJourneys> {
    const journeys = SiteJourneys.#empty(model);
    for (const _ of journeys.#stagingSteps(facts)) await pause();
    return journeys;
  }

  static #empty(model: StageModel): SiteJourneys {
    return new SiteJourneys(model, { touchpoints: [], imported: [], accountOfPerson: {}, traits: [], domainClaims: {} });
  }

  /** Stages everyone in the facts; yields after every few thousand touchpoints staged. */
  *#stagingSteps(facts: JourneyFacts): Generator<void> {
    this.#domainClaims = JSON.stringify(facts.domainClaims);
    const persons = new Set([...facts.touchpoints.flatMap((t) => (t.personId === undefined ? [] : [t.personId])), ...Object.keys(facts.accountOfPerson)]);
    for (const t of facts.imported) if (t.personId !== undefined) persons.add(t.personId);
    for (const t of facts.traits) if (t.owner === 'person') persons.add(t.id);
    // Nothing is held yet: nothing to forget, and everyone is staged below.
    this.#replace(facts, { streams: [], persons: [...persons], accounts: [] }, new Set(), new Set(), new Set(), true);
    yield;
    let staged = 0;
    for (const person of this.#byPerson.keys()) {
      staged += this.#stagePerson(person);
      if (staged >= touchpointsPerStep) yield void (staged = 0);
    }
    for (const account of this.#accountsWithTouchpoints()) {
      staged += this.#stageAccount(account);
      if (staged >= touchpointsPerStep) yield void (staged = 0);
    }
  }

  /** A staging held again as `held()` gave it, written out and read back (staging-codec.ts): nobody staged anew. */
  static restore(model: StageModel, held: ReadStaging): SiteJourneys {
    const journeys = SiteJourneys.#empty(model);
    journeys.#restore(held);
    return journeys;
  }

  /** This staging as plain data (see HeldStaging). */
  held(): HeldStaging {
    this.#indexed();
    const touchpoints = [...this.#touchpoints.values()];
    const position = new Map<Touchpoint, number>(touchpoints.map((touchpoint, index) => [touchpoint, index]));
    // An account's copy of a member's touchpoint is found by the id of the one it copies.
    const positionOf = (touchpoint: Touchpoint) => position.get(touchpoint) ?? -1 - position.get(this.#touchpoints.get(touchpoint.id)!)!;
    const owner = ({ id, touchpoints, history }: StagedOwner): HeldOwner => ({ id, touchpoints: touchpoints.map(positionOf), history });
    return {
      domainClaims: this.#domainClaims,
      touchpoints,
      accountOfPerson: [...this.#accountOfPerson],
      traits: [...this.#traitFacts.values()].flat(),
      // By id, as answers list them: held again in this order, they need no sort of everyone.
      people: this.owners().people.map(owner),
      accounts: this.owners().accounts.map(owner),
    };
  }

  /**
   * Holds what answers read (the staged people and accounts, accounts' traits, who is in which)
   * at once, and indexes the touchpoints only when a change is to be applied: on a million
   * events, indexing them was most of holding a staging again, and an answer needs none of it.
   * Each owner's touchpoints are built when first read (RestoredOwner).
   */
  #restore(held: ReadStaging): void {
    this.#domainClaims = held.domainClaims;
    this.#unindexed = held.touchpoints;
    for (const id of held.touchpoints.imported) this.#imported.add(id);
    for (const [person, account] of held.accountOfPerson) {
      this.#accountOfPerson.set(person, account);
      add(this.#members, account, person);
    }
    for (const fact of held.traits) {
      const owner = `${fact.owner}:${fact.id}`;
      const facts = this.#traitFacts.get(owner);
      if (facts) facts.push(fact);
      else this.#traitFacts.set(owner, [fact]);
    }
    for (const [owner, facts] of this.#traitFacts) this.#traits.set(owner, latestTraits(facts)!);
    const hold = (kind: 'person' | 'account', { positions, causes, histories, owners }: ReadOwners, into: Map<string, StagedOwner>) => {
      // Every owner's times in one array, each owner a view of theirs.
      const times = new Float64Array(positions.length);
      for (let index = 0; index < positions.length; index++) {
        const position = positions[index]!;
        times[index] = held.touchpoints.at(position < 0 ? -1 - position : position);
      }
      for (const { id, start, end, firstCause, historyAt } of owners) {
        into.set(id, new RestoredOwner(kind, id, times.subarray(start, end), { source: held.touchpoints, positions, start, causes, firstCause, histories, historyAt }));
      }
    };
    hold('person', held.people, this.#people);
    hold('account', held.accounts, this.#accounts);
  }

  /**
   * Builds what a staging read back builds as it is read (every owner's history and touchpoints,
   * RestoredOwner), `perStep` touchpoints at a time, pausing between steps: a start answers its
   * first queries without waiting for it, and the queries after find it built. An owner staged
   * again meanwhile is passed over.
   */
  async buildInSteps(pause: () => Promise<void>, perStep = touchpointsPerStep): Promise<void> {
    // Not one step before the caller's own work (a start's first query) goes on.
    await pause();
    let built = 0;
    for (const owners of [this.#people, this.#accounts]) {
      for (const owner of owners.values()) {
        if (!(owner instanceof RestoredOwner)) continue;
        void owner.history;
        built += owner.touchpoints.length;
        if (built >= perStep) {
          built = 0;
          await pause();
        }
      }
    }
  }

  /** The touchpoint indexes, built now if a restored staging has not yet needed them. */
  #indexed(): void {
    const table = this.#unindexed;
    if (!table) return;
    this.#unindexed = undefined;
    for (const touchpoint of table.all()) {
      this.#touchpoints.set(touchpoint.id, touchpoint);
      if (touchpoint.stream !== undefined) add(this.#byStream, touchpoint.stream, touchpoint);
      if (touchpoint.personId !== undefined) add(this.#byPerson, touchpoint.personId, touchpoint);
      if (touchpoint.accountId !== undefined) add(this.#byNamedAccount, touchpoint.accountId, touchpoint);
    }
  }

  /** How many people have touchpoints. */
  get people(): number {
    return this.#people.size;
  }

  /** The people who own this stream's touchpoints as held now. */
  personsOfStreams(streams: Iterable<string>): string[] {
    this.#indexed();
    const persons = new Set<string>();
    for (const stream of streams) {
      for (const { personId: person } of this.#byStream.get(stream) ?? []) {
        if (person !== undefined) persons.add(person);
      }
    }
    return [...persons];
  }

  /** The streams holding these people's touchpoints as held now. */
  streamsOfPersons(persons: Iterable<string>): string[] {
    this.#indexed();
    const streams = new Set<string>();
    for (const person of persons) for (const { stream } of this.#byPerson.get(person) ?? []) if (stream !== undefined) streams.add(stream);
    return [...streams];
  }

  /** Who these imported touchpoints belong to as held now. */
  personsOfImported(ids: Iterable<string>): string[] {
    this.#indexed();
    return [...ids].flatMap((id) => {
      const person = this.#touchpoints.get(id)?.personId;
      return person === undefined ? [] : [person];
    });
  }

  /**
   * Takes the facts of a scope read again and stages again whoever they touch. The scope must be
   * closed: every person of its streams' touchpoints (before and now) in it, and every stream of
   * its people's touchpoints (before and now). False when the change reaches further than facts of
   * a scope can say (a domain claimed anew moves people by their work email): stage whole again.
   */
  apply(facts: JourneyFacts & { accounts: string[] }, scope: JourneyScope): Restaged | null {
    this.#indexed();
    if (JSON.stringify(facts.domainClaims) !== this.#domainClaims) return null;
    const persons = new Set(scope.persons);
    const accounts = new Set(facts.accounts);
    const traitOwners = new Set([...scope.persons.map((id) => `person:${id}`), ...facts.accounts.map((id) => `account:${id}`)]);
    this.#replace(facts, scope, persons, accounts, traitOwners);
    for (const person of persons) this.#stagePerson(person);
    for (const account of accounts) this.#stageAccount(account);
    if (this.#owners) this.#owners = this.#patched(this.#owners, persons, accounts, traitOwners, scope.persons);
    return { people: [...persons], accounts: [...accounts] };
  }

  /** A person's account, and an account's traits (latest value per key): without materialising everyone. */
  accounts(): AccountLookup {
    return {
      accountOf: (person) => this.#accountOfPerson.get(person),
      traitsOf: (account) => {
        const traits = this.#traits.get(`account:${account}`);
        return traits && plainTraits(traits);
      },
    };
  }

  /** A person or account as staged now (undefined: no touchpoints). */
  staged(kind: 'person' | 'account', id: string): StagedOwner | undefined {
    return kind === 'person' ? this.#people.get(id) : this.#accounts.get(id);
  }

  /** Every person and account with touchpoints, staged. */
  owners(): StagedOwners {
    this.#owners ??= {
      people: [...this.#people.values()].sort(byId),
      accounts: [...this.#accounts.values()].sort(byId),
      accountTraits: new Map([...this.#traits].flatMap(([owner, values]) => (owner.startsWith('account:') ? [[owner.slice('account:'.length), plainTraits(values)] as const] : []))),
      accountOfPerson: Object.fromEntries(this.#accountOfPerson),
    };
    return this.#owners;
  }

  /**
   * The owners as they were, with those a change staged again in their place: new lists and maps
   * (an answer may still be reading the old ones), no sort of everyone again (on a million events
   * that sort was a fifth of the first answer after a change).
   */
  #patched(before: StagedOwners, persons: Set<string>, accounts: Set<string>, traitOwners: Set<string>, members: readonly string[]): StagedOwners {
    const accountTraits = new Map(before.accountTraits);
    for (const owner of traitOwners) {
      if (!owner.startsWith('account:')) continue;
      const traits = this.#traits.get(owner);
      if (traits) accountTraits.set(owner.slice('account:'.length), plainTraits(traits));
      else accountTraits.delete(owner.slice('account:'.length));
    }
    const accountOfPerson = { ...before.accountOfPerson };
    for (const person of members) {
      const account = this.#accountOfPerson.get(person);
      if (account === undefined) delete accountOfPerson[person];
      else accountOfPerson[person] = account;
    }
    return {
      people: patchedList(before.people, persons, (id) => this.#people.get(id)),
      accounts: patchedList(before.accounts, accounts, (id) => this.#accounts.get(id)),
      accountTraits,
      accountOfPerson,
    };
  }

  /**
   * Replaces the scope's facts; adds the people and accounts whose staging they change. `fresh`:
   * nothing is held yet (the first staging), so nothing is forgotten and nobody collected.
   */
  #replace(facts: JourneyFacts & { accounts?: string[] }, scope: JourneyScope, persons: Set<string>, accounts: Set<string>, traitOwners: Set<string>, fresh = false): void {
    const touched = (touchpoint: Touchpoint) => {
      if (fresh) return;
      if (touchpoint.personId !== undefined) persons.add(touchpoint.personId);
      if (touchpoint.accountId !== undefined) accounts.add(touchpoint.accountId);
    };
    const forget = (id: string) => {
      const touchpoint = this.#touchpoints.get(id);
      if (!touchpoint) return;
      touched(touchpoint);
      if (touchpoint.stream !== undefined) remove(this.#byStream, touchpoint.stream, touchpoint);
      if (touchpoint.personId !== undefined) remove(this.#byPerson, touchpoint.personId, touchpoint);
      if (touchpoint.accountId !== undefined) remove(this.#byNamedAccount, touchpoint.accountId, touchpoint);
      this.#touchpoints.delete(id);
      this.#imported.delete(id);
    };
    const keep = (touchpoint: Touchpoint) => {
      // A whole site read in pages may give a touchpoint rewritten meanwhile twice: the last one stays.
      if (!fresh || this.#touchpoints.has(touchpoint.id)) forget(touchpoint.id);
      touched(touchpoint);
      this.#touchpoints.set(touchpoint.id, touchpoint);
      if (touchpoint.personId !== undefined) add(this.#byPerson, touchpoint.personId, touchpoint);
      if (touchpoint.accountId !== undefined) add(this.#byNamedAccount, touchpoint.accountId, touchpoint);
    };

    for (const stream of scope.streams) {
      for (const { id } of [...(this.#byStream.get(stream) ?? [])]) forget(id);
    }
    for (const touchpoint of facts.touchpoints) {
      keep(touchpoint);
      add(this.#byStream, touchpoint.stream, touchpoint);
    }

    // The scope's people's imported touchpoints are all in the facts, and so are its accounts' that name nobody known.
    for (const person of scope.persons) for (const { id } of [...(this.#byPerson.get(person) ?? [])]) if (this.#imported.has(id)) forget(id);
    for (const account of facts.accounts ?? []) {
      for (const { id, personId } of [...(this.#byNamedAccount.get(account) ?? [])]) if (personId === undefined && this.#imported.has(id)) forget(id);
    }
    for (const { touchpoint, personId, accountId } of facts.imported) {
      keep(offlineTouchpoint(touchpoint, { ...(personId && { personId }), ...(accountId && { accountId }) }));
      this.#imported.add(touchpoint.id);
    }

    for (const person of scope.persons) {
      const before = this.#accountOfPerson.get(person);
      const now = facts.accountOfPerson[person];
      if (before !== undefined) {
        accounts.add(before);
        remove(this.#members, before, person);
        this.#accountOfPerson.delete(person);
      }
      if (now !== undefined) {
        accounts.add(now);
        add(this.#members, now, person);
        this.#accountOfPerson.set(person, now);
      }
    }
    // A person staged again brings their account along: its touchpoints are theirs too.
    for (const person of persons) {
      const account = this.#accountOfPerson.get(person);
      if (account !== undefined) accounts.add(account);
    }

    // Traits: each read owner's facts replace what was held.
    for (const owner of traitOwners) this.#traitFacts.delete(owner);
    for (const fact of facts.traits) {
      const owner = `${fact.owner}:${fact.id}`;
      traitOwners.add(owner);
      if (!this.#traitFacts.has(owner)) this.#traitFacts.set(owner, []);
      this.#traitFacts.get(owner)!.push(fact);
    }
    for (const owner of traitOwners) {
      const latest = latestTraits(this.#traitFacts.get(owner) ?? []);
      if (latest) this.#traits.set(owner, latest);
      else this.#traits.delete(owner);
    }
  }

  /** Stages a person again; how many touchpoints that took. */
  #stagePerson(person: string): number {
    const touchpoints: Touchpoint[] = [...(this.#byPerson.get(person) ?? [])];
    if (touchpoints.length === 0) this.#people.delete(person);
    else this.#people.set(person, { kind: 'person', id: person, ...stagedJourney(touchpoints.sort(inJourneyOrder), this.#traits.get(`person:${person}`) ?? {}, this.#model) });
    return touchpoints.length;
  }

  /** Stages an account again, from those naming it and its people's that name no account; how many touchpoints that took. */
  #stageAccount(account: string): number {
    const touchpoints: Touchpoint[] = [...(this.#byNamedAccount.get(account) ?? [])];
    for (const person of this.#members.get(account) ?? []) {
      for (const touchpoint of this.#byPerson.get(person) ?? []) {
        if (touchpoint.accountId === undefined) touchpoints.push({ ...touchpoint, accountId: account });
      }
    }
    if (touchpoints.length === 0) this.#accounts.delete(account);
    else this.#accounts.set(account, { kind: 'account', id: account, ...stagedJourney(touchpoints.sort(inJourneyOrder), this.#traits.get(`account:${account}`) ?? {}, this.#model) });
    return touchpoints.length;
  }

  #accountsWithTouchpoints(): Set<string> {
    const accounts = new Set(this.#byNamedAccount.keys());
    for (const [account, members] of this.#members) if ([...members].some((person) => this.#byPerson.has(person))) accounts.add(account);
    return accounts;
  }
}

const plainTraits = (traits: StagedTraits): Record<string, JsonValue> => Object.fromEntries(Object.entries(traits).map(([key, { value }]) => [key, value]));

/** A list sorted by id with these ids as staged now: replaced, added in order, or gone. */
function patchedList(list: readonly StagedOwner[], ids: Iterable<string>, now: (id: string) => StagedOwner | undefined): StagedOwner[] {
  const result = list.slice();
  for (const id of ids) {
    const low = firstNotBefore(result.length, (index) => result[index]!.id < id);
    const held = low < result.length && result[low]!.id === id;
    const staged = now(id);
    if (held && staged) result[low] = staged;
    else if (held) result.splice(low, 1);
    else if (staged) result.splice(low, 0, staged);
  }
  return result;
}

/** Latest value per key, by when it was set, then by messageId, whatever order the facts come in: as the person record reads them. */
function latestTraits(facts: readonly TraitFact[]): StagedTraits | undefined {
  if (facts.length === 0) return undefined;
  const latest = new Map<string, TraitFact>();
  for (const fact of facts) {
    const known = latest.get(fact.key);
    if (known && (known.at > fact.at || (known.at === fact.at && known.messageId > fact.messageId))) continue;
    latest.set(fact.key, fact);
  }
  return Object.fromEntries([...latest].map(([key, fact]) => [key, { value: fact.value, updatedAt: new Date(fact.at).toISOString() }]));
}
