/**
 * The generator: options in, a data set out. Its events come as a stream in the order a collector
 * receives them, made as they are read: a unit (an account and its people, or an individual) is
 * planned when its first moment comes up, its visits are rendered in time order among everyone
 * else's, and it is dropped when done — so only the units in progress and the events not yet sent
 * are ever held. The truth is gathered along the way; asked for before the stream has run, it is
 * made by a pass of its own.
 */
import type { JourneyEvent } from '@journey/protocol';
import { toWire } from './event.ts';
import { Heap } from './heap.ts';
import { planUnit, type UnitPlan } from './journey.ts';
import { settingsOf, type GeneratorOptions, type Settings } from './options.ts';
import { createRoster, earliest, type Unit } from './roster.ts';
import { freshState, renderVisit, type Moment, type RenderedVisit, type UnitState } from './session.ts';
import type { OfflineTouchpoint } from './touchpoint.ts';
import { TruthBuilder, type Truth, type UnitLedger } from './truth.ts';

export interface Dataset {
  settings: Settings;
  /** How active people are: 1 is the usual pace; an events target moves it. */
  activity: number;
  /** What really happened, per person and account (made by a pass of its own if the stream has not run). */
  readonly truth: Truth;
  /** Offline touchpoints for import, in time order (made with the truth). */
  readonly touchpoints: OfflineTouchpoint[];
  /** Every event, ordered by sentAt (then messageId): the order they reach a collector. */
  events(): IterableIterator<JourneyEvent>;
  /** The same events in batches of at most `size` (a /v1/batch holds 500). */
  batches(size?: number): IterableIterator<JourneyEvent[]>;
  /** Every event of one account's people, or of one person and whoever shares their home, by sentAt. */
  eventsFor(accountOrPersonId: string): JourneyEvent[];
}

/**
 * One unit, rendered visit by visit in the plan's order (rendering carries state between visits).
 * It takes the visits off the plan as it goes, so a long-lived unit holds only its future.
 */
class UnitRendering {
  readonly plan: UnitPlan;
  readonly state: UnitState;
  private readonly settings: Settings;
  /** The visits to come, the next one last. */
  private readonly queue: UnitPlan['visits'];

  constructor(plan: UnitPlan, settings: Settings) {
    this.plan = plan;
    this.settings = settings;
    this.state = freshState(plan);
    this.queue = plan.visits.reverse();
  }

  /** When the next visit begins; undefined when all are rendered. */
  get nextAt(): number | undefined {
    return this.queue[this.queue.length - 1]?.at;
  }

  next(): RenderedVisit {
    return renderVisit(this.plan, this.queue.pop()!, this.state, this.settings);
  }
}

/** An event on its way: by sentAt, ties by messageId, so the order does not depend on how it was made. */
interface Pending {
  sentAt: number;
  messageId: string;
  event: JourneyEvent;
}

const sentFirst = (a: Pending, b: Pending) => a.sentAt - b.sentAt || (a.messageId < b.messageId ? -1 : a.messageId > b.messageId ? 1 : 0);

function pending(plan: UnitPlan, rendered: RenderedVisit, moment: Moment, settings: Settings): Pending {
  const device = rendered.visit.device >= 0 ? plan.devices[rendered.visit.device] : undefined;
  // A browser reports its own language and zone: the device's first user's.
  const locale = plan.people[device?.users[0] ?? rendered.visit.person]!.locale;
  return { sentAt: moment.sentAt, messageId: moment.messageId, event: toWire(moment, rendered, device, locale, settings) };
}

/** Plans and renders `units` one after another, handing each rendered visit to `observe`. */
function survey(units: readonly Unit[], settings: Settings, activity: number, observe: (plan: UnitPlan, rendered: RenderedVisit) => void, finish?: (plan: UnitPlan, state: UnitState) => void): void {
  for (const unit of units) {
    const plan = planUnit(unit, settings, activity);
    const rendering = new UnitRendering(plan, settings);
    while (rendering.nextAt !== undefined) observe(plan, rendering.next());
    finish?.(plan, rendering.state);
  }
}

/**
 * The activity level that meets an events target. Only the extra browsing scales with activity,
 * and it scales linearly (each person makes ⌊activity × rate + u⌋ such visits, u uniform), so one
 * counting pass at activity 1 finds it. A sample would be cheaper but is not good enough: a few
 * customers' teams make thousands of events each, and missing or catching one moves the total.
 */
function calibrate(roster: readonly Unit[], settings: Settings, target: number): number {
  let [events, extra] = [0, 0];
  survey(roster, settings, 1, (_, rendered) => {
    events += rendered.moments.length;
    if (rendered.visit.extra) extra += rendered.moments.length;
  });
  const needed = events - extra;
  if (target < needed * 0.98) {
    throw new RangeError(`events: ${target} is fewer than these people's journeys need (about ${needed}); ask for more events or fewer people`);
  }
  return extra === 0 ? 1 : Math.max(0, (target - needed) / extra);
}

export function generate(options: GeneratorOptions = {}): Dataset {
  const settings = settingsOf(options);
  const roster = createRoster(settings);
  const activity = settings.events === undefined ? 1 : calibrate(roster, settings, settings.events);
  const window = { start: new Date(settings.start).toISOString(), end: new Date(settings.end).toISOString() };
  let made: { truth: Truth; touchpoints: OfflineTouchpoint[] } | undefined;

  function makeTruth() {
    const builder = new TruthBuilder();
    let ledger: UnitLedger | undefined;
    survey(
      roster,
      settings,
      activity,
      (plan, rendered) => (ledger ??= builder.open(plan)).visit(rendered),
      (plan, state) => {
        (ledger ?? builder.open(plan)).close(state);
        ledger = undefined;
      },
    );
    return builder.build(window);
  }

  function* events(): IterableIterator<JourneyEvent> {
    /** A unit in progress; the heap orders them by their next visit, ties by unit index. */
    interface Cursor {
      rendering: UnitRendering;
      ledger: UnitLedger;
    }
    const byStart = [...roster].sort((a, b) => a.start - b.start || a.index - b.index);
    const builder = new TruthBuilder();
    const cursors = new Heap<Cursor, number>();
    const delivery = new Heap<JourneyEvent, string>();
    let started = 0;
    for (;;) {
      const unit = byStart[started];
      const waiting = unit ? earliest(unit, settings.start) : Infinity;
      const due = Math.min(waiting, cursors.firstKey);
      // Whatever is still to be rendered is sent at or after `due`, so everything sent before it can go.
      while (delivery.firstKey < due) yield delivery.pop()!;
      if (due === Infinity) break;
      if (unit && waiting === due) {
        started++;
        const plan = planUnit(unit, settings, activity);
        const ledger = builder.open(plan);
        const rendering = new UnitRendering(plan, settings);
        const first = rendering.nextAt;
        if (first !== undefined && first < waiting) throw new Error(`unit ${unit.index} begins before its earliest moment`);
        if (first !== undefined) cursors.push({ rendering, ledger }, first, unit.index);
        else ledger.close(rendering.state);
        continue;
      }
      const { rendering, ledger } = cursors.peek()!;
      const rendered = rendering.next();
      ledger.visit(rendered);
      for (const moment of rendered.moments) {
        const { sentAt, messageId, event } = pending(rendering.plan, rendered, moment, settings);
        delivery.push(event, sentAt, messageId);
      }
      const following = rendering.nextAt;
      if (following !== undefined) cursors.rekeyFirst(following);
      else {
        cursors.pop();
        ledger.close(rendering.state);
      }
    }
    made ??= builder.build(window);
  }

  function* batches(size = 500): IterableIterator<JourneyEvent[]> {
    let batch: JourneyEvent[] = [];
    for (const event of events()) {
      batch.push(event);
      if (batch.length >= size) {
        yield batch;
        batch = [];
      }
    }
    if (batch.length > 0) yield batch;
  }

  function eventsFor(id: string): JourneyEvent[] {
    const ordinal = /^p-\d+$/.test(id) ? Number(id.slice(2)) : -1;
    const unit = roster.find((unit) => unit.account?.id === id || (ordinal >= unit.firstPerson && ordinal < unit.firstPerson + unit.size));
    if (!unit) throw new RangeError(`no account or person ${id}`);
    const plan = planUnit(unit, settings, activity);
    const rendering = new UnitRendering(plan, settings);
    const all: Pending[] = [];
    while (rendering.nextAt !== undefined) {
      const rendered = rendering.next();
      for (const moment of rendered.moments) all.push(pending(plan, rendered, moment, settings));
    }
    return all.sort(sentFirst).map((item) => item.event);
  }

  return {
    settings,
    activity,
    get truth() {
      return (made ??= makeTruth()).truth;
    },
    get touchpoints() {
      return (made ??= makeTruth()).touchpoints;
    },
    events,
    batches,
    eventsFor,
  };
}
