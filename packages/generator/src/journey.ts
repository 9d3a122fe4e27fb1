/**
 * A unit's journey, planned: who visits when, from which device, through which channel and why,
 * plus what the CRM and webinar tool record. The plan is small (one line per visit); what happens
 * inside a visit is drawn when it is rendered (session.ts), from the visit's own random stream.
 */
import type { Order } from './account.ts';
import { arrive, firstTouchMix, returnMix, type Arrival, type ArrivalContext, type Channel } from './channel.ts';
import { deviceKindsFor, modelOf, type DeviceModel } from './device.ts';
import { uuid7 } from './ids.ts';
import type { Settings } from './options.ts';
import { createPerson, partsOf, type Person } from './persona.ts';
import { createRandom, type Random } from './random.ts';
import type { Unit } from './roster.ts';
import type { Page } from './site.ts';
import { day, duringDay, hour } from './timing.ts';
import type { OfflineTouchpoint } from './touchpoint.ts';
import { planAccountJourney } from './account-journey.ts';
import { planIndividualJourney } from './individual-journey.ts';

/** Why someone visits; it decides the pages and events of the visit. */
export type Intent =
  | 'browse'
  | 'consider'
  | 'signup'
  | 'invite'
  | 'demo'
  | 'webinar'
  | 'purchase'
  | 'app'
  | 'expansion'
  | 'referral'
  /** Not a visit: the site's server reports a subscription's renewal. */
  | 'renewal';

/** Intents that need the person logged in on the device. */
export const inApp = new Set<Intent>(['purchase', 'app', 'expansion', 'referral']);

/** What a script plans: a visit before its device, channel and exact time are settled. */
export interface Beat {
  at: number;
  person: number;
  intent: Intent;
  channel?: Channel;
  purpose?: ArrivalContext['purpose'];
  /** Sign-ups, demo and webinar forms happen on the person's first device. */
  primary?: boolean;
  abandon?: boolean;
  order?: Order;
  webinar?: Page;
  /** Added by the activity level (see `activity`), not by the stage script. */
  extra?: boolean;
}

export interface Visit extends Required<Pick<Beat, 'at' | 'person' | 'intent'>> {
  /** Index in the plan's devices; -1 for the server. */
  device: number;
  arrival: Arrival | undefined;
  /** Names the visit within the unit, and so its random streams. */
  key: number;
  extra: boolean;
  abandon: boolean;
  order: Order | undefined;
  webinar: Page | undefined;
}

export interface PlannedDevice {
  model: DeviceModel;
  /** People who use it: two for a shared family laptop. */
  users: number[];
  anonymousId: string;
}

export interface PlannedTouchpoint {
  at: number;
  person: number;
  touchpoint: OfflineTouchpoint;
}

export interface UnitPlan {
  unit: Unit;
  /** The unit's stream: each visit renders from a fork of it. */
  random: Random;
  people: Person[];
  devices: PlannedDevice[];
  visits: Visit[];
  offline: PlannedTouchpoint[];
}

/** What the scripts plan for one unit, before devices and channels are settled. */
export interface Script {
  beats: Beat[];
  offline: PlannedTouchpoint[];
}

/** The tools scripts share: the unit's stream, the window, and the people. */
export interface Planner {
  unit: Unit;
  random: Random;
  settings: Settings;
  people: Person[];
  /** A moment in working or leisure hours on the day of `at`, for a person, drawn from `random`. */
  during(at: number, person: number, random: Random): number;
  /** The first touch of a person. */
  firstChannel(person: number): Channel;
  /** The one other channel a person comes back through now and then. */
  otherChannel(person: number): Channel;
  /** A CRM-style record id. */
  externalId(prefix: string): string;
}

/** Visits on one device start this far apart: a visit lasts at most about 75 minutes, so at least
 * 45 idle minutes separate two, more than the 30 that end a session. */
const gap = 2 * hour;

/**
 * The plan of one unit. `activity` scales the extra browsing visits everyone makes besides those
 * their stage script needs (1: the usual pace); the events target is met by tuning it.
 */
export function planUnit(unit: Unit, settings: Settings, activity: number): UnitPlan {
  const random = createRandom(settings.seed, 'unit', unit.index);
  const taken = new Set<string>();
  const parts = unit.account ? partsOf(unit.size, unit.account.motion) : [];
  const people = Array.from({ length: unit.size }, (_, index) =>
    createPerson({ ordinal: unit.firstPerson + index, unit: unit.index, index, account: unit.account, part: parts[index] }, random.fork('person', index), settings.seed, taken),
  );
  const firstChannels = people.map((person, index) => random.fork('first', index).weighted(firstTouchMix[person.audience]));
  const otherChannels = people.map((_, index) => random.fork('other', index).weighted(returnMix.unknown));
  const planner: Planner = {
    unit,
    random,
    settings,
    people,
    during: (at, person, stream) => duringDay(at, people[person]!.audience, people[person]!.locale, stream),
    firstChannel: (person) => firstChannels[person]!,
    otherChannel: (person) => otherChannels[person]!,
    externalId: (prefix) => `${prefix}${random.hex(12)}`,
  };
  const script = unit.account ? planAccountJourney(planner, unit.account) : planIndividualJourney(planner);
  addExtraBrowsing(script.beats, planner, activity);
  return settle(unit, people, script, planner);
}

/**
 * Browsing beyond the script while the person is around, times `activity`: about one visit a month
 * for individuals, one in three months for each of an account's people.
 */
function addExtraBrowsing(beats: Beat[], planner: Planner, activity: number): void {
  const { people, settings } = planner;
  people.forEach((_, person) => {
    const own = beats.filter((beat) => beat.person === person);
    if (own.length === 0) return;
    // Its own stream, so the stage script's draws are the same at every activity level.
    const random = planner.random.fork('extra', person);
    const from = Math.min(...own.map((beat) => beat.at));
    const until = Math.min(settings.end, Math.max(...own.map((beat) => beat.at)) + 14 * day);
    const every = people[person]!.audience === 'b2b' ? 90 * day : 30 * day;
    const count = Math.floor((activity * (until - from)) / every + random.next());
    for (let index = 0; index < count; index++) {
      const at = planner.during(from + random.next() * (until - from), person, random);
      beats.push({ at: Math.max(at, from + hour), person, intent: 'browse', extra: true });
    }
  });
}

/**
 * Settles devices, order, gaps and channels: beats become visits. Each device keeps two hours between
 * visits, so no collector can read two as one session; nothing happens outside the window.
 */
function settle(unit: Unit, people: Person[], script: Script, planner: Planner): UnitPlan {
  const { random, settings } = planner;
  const devices: PlannedDevice[] = [];
  const own: number[][] = people.map((person, index) =>
    deviceKindsFor(person.audience, random.fork('devices', index)).map((kind, n) => {
      devices.push({ model: modelOf(kind, random.fork('model', index, n)), users: [index], anonymousId: '' });
      return devices.length - 1;
    }),
  );
  // A couple's family laptop: both use it, and nobody logs out.
  const shared = settings.sharedDevices && people.length === 2 && !unit.account ? devices.push({ model: modelOf('desktop', random.fork('shared')), users: [0, 1], anonymousId: '' }) - 1 : -1;

  const knownFrom = people.map((_, person) => Math.min(...script.beats.filter((beat) => beat.person === person && ['signup', 'invite', 'demo', 'webinar', 'purchase'].includes(beat.intent) && !beat.abandon).map((beat) => beat.at)));
  const signedUpFrom = people.map((_, person) => Math.min(...script.beats.filter((beat) => beat.person === person && ['signup', 'invite', 'purchase'].includes(beat.intent) && !beat.abandon).map((beat) => beat.at)));

  const beats = script.beats.filter((beat) => beat.at < settings.end).sort((a, b) => a.at - b.at || a.person - b.person);
  let mainKey = 0;
  let extraKey = 1_000_000;
  const visits: Visit[] = beats.map((beat) => {
    const key = beat.extra ? extraKey++ : mainKey++;
    const visitRandom = random.fork('visit', key);
    const device = beat.intent === 'renewal' ? -1 : chooseDevice(beat, own[beat.person]!, shared, devices, visitRandom, settings.crossDevice, signedUpFrom[beat.person]!);
    return {
      // Whole milliseconds, as clocks and ISO timestamps have them; nothing before the window.
      at: Math.max(settings.start, Math.floor(beat.at)),
      person: beat.person,
      intent: beat.intent,
      device,
      arrival: device < 0 ? undefined : arrivalFor(beat, planner, visitRandom, knownFrom[beat.person]!),
      key,
      extra: beat.extra ?? false,
      abandon: beat.abandon ?? false,
      order: beat.order,
      webinar: beat.webinar,
    };
  });

  // Keep each device's visits apart; a pushed visit may pass the window's end.
  const lastOn = new Map<number, number>();
  for (const visit of visits) {
    const last = lastOn.get(visit.device);
    if (visit.device >= 0 && last !== undefined && visit.at < last + gap) visit.at = last + gap;
    lastOn.set(visit.device, visit.at);
  }
  const inWindow = visits.filter((visit) => visit.at < settings.end).sort((a, b) => a.at - b.at || a.key - b.key);
  for (const [index, device] of devices.entries()) {
    const first = inWindow.find((visit) => visit.device === index);
    // The SDK makes the anonymousId on the device's first page view: a UUIDv7 of that moment.
    device.anonymousId = uuid7(first?.at ?? settings.start, random.fork('anonymousId', index));
  }
  const offline = script.offline
    .map((planned) => ({ ...planned, at: Math.floor(planned.at) }))
    .filter((planned) => planned.at < settings.end)
    .sort((a, b) => a.at - b.at);
  return { unit, random, people, devices, visits: inWindow, offline };
}

function chooseDevice(beat: Beat, own: number[], shared: number, devices: PlannedDevice[], random: Random, crossDevice: boolean, signedUpFrom: number): number {
  if (beat.primary || beat.intent === 'signup' || beat.intent === 'invite') return own[0]!;
  // Without cross-device logins, what needs the app happens where they signed up.
  if (inApp.has(beat.intent) && (!crossDevice || beat.at < signedUpFrom)) return own[0]!;
  // The family laptop is for everything, the app included: whoever logged in last stays logged in.
  const choices = shared >= 0 ? [...own, shared] : own;
  return random.weighted(
    choices.map((index) => {
      const kind = devices[index]!.model.kind;
      const weight = index === shared ? 0.8 : kind === 'desktop' ? 1 : kind === 'mobile' ? 0.45 : 0.15;
      return [index, weight] as const;
    }),
  );
}

function arrivalFor(beat: Beat, planner: Planner, random: Random, knownFrom: number): Arrival {
  const person = planner.people[beat.person]!;
  const known = beat.at > knownFrom;
  const context: ArrivalContext = { audience: person.audience, locale: person.locale.locale, at: beat.at, purpose: beat.purpose };
  let channel = beat.channel;
  if (!channel && inApp.has(beat.intent)) channel = known && random.chance(0.3) ? 'Email' : 'Direct';
  if (!channel && beat.intent === 'webinar') channel = known && random.chance(0.6) ? 'Email' : random.chance(0.5) ? 'Paid Social' : 'Organic Social';
  if (channel === 'Email' && !context.purpose && inApp.has(beat.intent)) context.purpose = 'onboarding';
  if (channel === 'Email' && beat.intent === 'webinar') context.purpose = 'webinar';
  // People come back the way they first came, directly, from the emails they get, or now and then
  // through one other channel of their own: few channels per journey (B2B accounts average about
  // three). An account's people come back as its champion does.
  if (!channel) {
    const owner = person.account ? 0 : beat.person;
    channel = random.weighted([
      [planner.firstChannel(owner), 0.4],
      ['Direct', 0.35],
      [known ? 'Email' : 'Direct', 0.2],
      [planner.otherChannel(owner), 0.03],
    ] as const);
  }
  return arrive(channel, random, context);
}
