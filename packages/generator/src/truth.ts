/**
 * The truth: what really happened, per person and per account, so tests can hold analytics to it.
 * Stages come from applying the default stage model to what each person did (stage.ts), so the
 * truth is what a correct collector finds — where it can know: a device nobody identified on, or a
 * laptop two people share, hides from any collector what the truth still tells.
 */
import type { Account } from './account.ts';
import { channels, type Channel } from './channel.ts';
import type { DeviceKind } from './device.ts';
import type { PlannedTouchpoint, UnitPlan } from './journey.ts';
import type { OfflineTouchpoint } from './touchpoint.ts';
import type { Audience, Part, Persona } from './persona.ts';
import type { RenderedVisit, UnitState } from './session.ts';
import { StageTracker, stages, type Stage, type StageEntry } from './stage.ts';
import { iso } from './timing.ts';

/** A touch that opened a journey: the session's landing and how it arrived. */
export interface FirstTouch {
  at: string;
  channel: Channel;
  source: string;
  medium: string;
  campaign: string;
  /** The landing page's path. */
  path: string;
  anonymousId: string;
}

export interface StageTruth {
  at: string;
  via: string;
  status: StageEntry['status'];
}

/** Touchpoints as the journey map counts them: session entries, key events, offline touchpoints. */
export interface Touches {
  sessions: number;
  /** Track events but abandoned forms: sign-ups, demo requests, orders, renewals, … */
  events: number;
  offline: number;
  total: number;
}

export interface PersonTruth {
  id: string;
  audience: Audience;
  persona: Persona;
  /** Their part in their company's purchase (B2B). */
  part: Part | undefined;
  name: string;
  email: string;
  /** Set once they signed up in the window. */
  userId: string | undefined;
  accountId: string | undefined;
  locale: string;
  devices: Array<{
    anonymousId: string;
    kind: DeviceKind;
    /** Someone else used it too, without logging out. */
    shared: boolean;
    /** They identified on it, so a collector can link it to them. */
    identified: boolean;
  }>;
  /** Undefined for someone whose first visit would have come after the window. */
  firstTouch: FirstTouch | undefined;
  /** The furthest stage reached. */
  stage: Stage | undefined;
  stages: Partial<Record<Stage, StageTruth>>;
  /** When they entered Purchase. */
  convertedAt: string | undefined;
  touches: Touches;
  /** Channels of their sessions, in order of first use. */
  channels: Channel[];
}

export interface AccountTruth extends Pick<Account, 'id' | 'name' | 'domain' | 'industry' | 'employees' | 'plan' | 'motion'> {
  /** Person ids. */
  people: string[];
  firstTouch: FirstTouch | undefined;
  stage: Stage | undefined;
  stages: Partial<Record<Stage, StageTruth>>;
  convertedAt: string | undefined;
  /** Whole days from the first touch to Purchase. */
  daysToPurchase: number | undefined;
  touches: Touches;
  /** Touches up to and including the one that made it Purchase. */
  touchesToPurchase: number | undefined;
  channels: Channel[];
  channelsToPurchase: Channel[] | undefined;
}

export interface Truth {
  window: { start: string; end: string };
  people: PersonTruth[];
  accounts: AccountTruth[];
  totals: {
    people: number;
    accounts: number;
    events: number;
    sessions: number;
    offlineTouchpoints: number;
    /** Events whose sentAt is more than a minute after their timestamp. */
    lateEvents: number;
    /** People who signed up: a collector knows them by user id. */
    signedUp: number;
    customers: number;
  };
}

/** Touch codes: a session's channel by its index in `channels`, then the other kinds. */
const eventCode = channels.length;
const offlineCode = channels.length + 1;

/**
 * What one person (or account) did, collected while their unit renders. Touches are packed into
 * numbers (time × 16 + code): a customer's unit holds hundreds while it runs, thousands at once.
 */
class Ledger {
  readonly tracker = new StageTracker();
  private readonly touches: number[] = [];
  first: { at: number; touch: FirstTouch } | undefined;

  /** A session opened at `at`; `touch` describes it, and is only made if it is the first. */
  session(at: number, channel: Channel, touch: () => FirstTouch): void {
    this.touches.push(at * 16 + channels.indexOf(channel));
    if (!this.first || at < this.first.at) this.first = { at, touch: touch() };
  }

  touch(at: number, kind: 'events' | 'offline'): void {
    this.touches.push(at * 16 + (kind === 'events' ? eventCode : offlineCode));
  }

  result() {
    const entries = this.tracker.entries();
    const stageTruths: Partial<Record<Stage, StageTruth>> = {};
    for (const [stage, entry] of Object.entries(entries) as Array<[Stage, StageEntry]>) stageTruths[stage] = { at: iso(entry.at), via: entry.via, status: entry.status };
    const reached = stages.filter((stage) => entries[stage]).at(-1);
    const purchase = entries.purchase?.at;
    const touches = this.touches.sort((a, b) => a - b);
    const counts: Touches = { sessions: 0, events: 0, offline: 0, total: touches.length };
    const seen: Channel[] = [];
    let untilPurchase = 0;
    let channelsUntilPurchase = 0;
    for (const packed of touches) {
      const at = Math.floor(packed / 16);
      const code = packed - at * 16;
      if (code === eventCode) counts.events++;
      else if (code === offlineCode) counts.offline++;
      else {
        counts.sessions++;
        if (!seen.includes(channels[code]!)) seen.push(channels[code]!);
      }
      if (purchase !== undefined && at <= purchase) {
        untilPurchase++;
        channelsUntilPurchase = seen.length;
      }
    }
    return {
      stage: reached,
      stages: stageTruths,
      convertedAt: purchase === undefined ? undefined : iso(purchase),
      purchase,
      firstTouch: this.first?.touch,
      touches: counts,
      channels: seen,
      touchesToPurchase: purchase === undefined ? undefined : untilPurchase,
      channelsToPurchase: purchase === undefined ? undefined : seen.slice(0, channelsUntilPurchase),
    };
  }
}

/**
 * Builds the truth from units rendered in any interleaving (the stream renders many at once): each
 * unit has its own ledger, and the result is ordered by unit, so it never depends on that order.
 */
export class TruthBuilder {
  private readonly units: Array<{ people: PersonTruth[]; account: AccountTruth | undefined; touchpoints: PlannedTouchpoint[] }> = [];
  private readonly totals: Truth['totals'] = { people: 0, accounts: 0, events: 0, sessions: 0, offlineTouchpoints: 0, lateEvents: 0, signedUp: 0, customers: 0 };

  open(plan: UnitPlan): UnitLedger {
    return new UnitLedger(plan, this.totals, (people, account) => {
      this.units[plan.unit.index] = { people, account, touchpoints: plan.offline };
    });
  }

  build(window: Truth['window']): { truth: Truth; touchpoints: OfflineTouchpoint[] } {
    const units = this.units.filter((unit) => unit !== undefined);
    const touchpoints = units
      .flatMap((unit) => unit.touchpoints)
      .sort((a, b) => a.at - b.at || (a.touchpoint.externalId < b.touchpoint.externalId ? -1 : 1))
      .map((planned) => planned.touchpoint);
    return {
      truth: { window, people: units.flatMap((unit) => unit.people), accounts: units.flatMap((unit) => (unit.account ? [unit.account] : [])), totals: { ...this.totals } },
      touchpoints,
    };
  }
}

/** One unit's truth in the making: observe its rendered visits in order, then close it. */
export class UnitLedger {
  private readonly plan: UnitPlan;
  private readonly totals: Truth['totals'];
  private readonly done: (people: PersonTruth[], account: AccountTruth | undefined) => void;
  private readonly ledgers: Ledger[];
  private readonly accountLedger = new Ledger();
  private readonly identified = new Set<string>();
  private readonly used = new Set<number>();

  constructor(plan: UnitPlan, totals: Truth['totals'], done: UnitLedger['done']) {
    this.plan = plan;
    this.totals = totals;
    this.done = done;
    this.ledgers = plan.people.map(() => new Ledger());
  }

  private ledgersOf(person: number): Ledger[] {
    return this.plan.unit.account ? [this.ledgers[person]!, this.accountLedger] : [this.ledgers[person]!];
  }

  visit(rendered: RenderedVisit): void {
    const { plan, totals } = this;
    const { visit, moments } = rendered;
    const own = this.ledgersOf(visit.person);
    totals.events += moments.length;
    if (moments.length > 0) this.used.add(visit.device);
    if (moments[0]?.entry) totals.sessions++;
    for (const moment of moments) {
      if (moment.sentAt - moment.at > 60_000) totals.lateEvents++;
      if (moment.type === 'identify' && visit.device >= 0) this.identified.add(`${visit.device}/${visit.person}`);
      for (const ledger of own) {
        if (moment.type === 'page') {
          ledger.tracker.observe({ kind: 'page', at: moment.at, path: moment.page!.path, entry: moment.entry });
          if (moment.entry) {
            const arrival = visit.arrival!;
            ledger.session(moment.at, arrival.channel, () => ({
              at: iso(moment.at),
              channel: arrival.channel,
              source: arrival.source,
              medium: arrival.medium,
              campaign: arrival.campaign,
              path: moment.page!.path,
              anonymousId: plan.devices[visit.device]!.anonymousId,
            }));
          }
        } else if (moment.type === 'track') {
          ledger.tracker.observe({ kind: 'event', at: moment.at, name: moment.event! });
          if (moment.event !== 'Form Abandoned') ledger.touch(moment.at, 'events');
        }
      }
    }
  }

  /** Call once the unit's visits are all observed: adds its offline touchpoints and hands over its truth. */
  close(state: UnitState): void {
    const { plan, totals } = this;
    for (const planned of plan.offline) {
      totals.offlineTouchpoints++;
      for (const ledger of this.ledgersOf(planned.person)) {
        ledger.tracker.observe({ kind: 'offline', at: planned.at, type: planned.touchpoint.type });
        ledger.touch(planned.at, 'offline');
      }
    }
    const { account } = plan.unit;
    const people = plan.people.map((person, index): PersonTruth => {
      const result = this.ledgers[index]!.result();
      const signedUp = state.signedUp[index]!;
      totals.people++;
      if (signedUp) totals.signedUp++;
      if (!account && result.purchase !== undefined) totals.customers++;
      return {
        id: person.id,
        audience: person.audience,
        persona: person.persona,
        part: person.part,
        name: person.name,
        email: person.email,
        userId: signedUp ? person.userId : undefined,
        accountId: account?.id,
        locale: person.locale.locale,
        devices: plan.devices.flatMap((device, at) =>
          device.users.includes(index) && this.used.has(at)
            ? [{ anonymousId: device.anonymousId, kind: device.model.kind, shared: device.users.length > 1, identified: this.identified.has(`${at}/${index}`) }]
            : [],
        ),
        firstTouch: result.firstTouch,
        stage: result.stage,
        stages: result.stages,
        convertedAt: result.convertedAt,
        touches: result.touches,
        channels: result.channels,
      };
    });
    let accountTruth: AccountTruth | undefined;
    if (account) {
      const result = this.accountLedger.result();
      const first = this.accountLedger.first?.at;
      totals.accounts++;
      if (result.purchase !== undefined) totals.customers++;
      accountTruth = {
        id: account.id,
        name: account.name,
        domain: account.domain,
        industry: account.industry,
        employees: account.employees,
        plan: account.plan,
        motion: account.motion,
        people: plan.people.map((person) => person.id),
        firstTouch: result.firstTouch,
        stage: result.stage,
        stages: result.stages,
        convertedAt: result.convertedAt,
        daysToPurchase: result.purchase === undefined || first === undefined ? undefined : Math.floor((result.purchase - first) / 86_400_000),
        touches: result.touches,
        touchesToPurchase: result.touchesToPurchase,
        channels: result.channels,
        channelsToPurchase: result.channelsToPurchase,
      };
    }
    this.done(people, accountTruth);
  }
}
