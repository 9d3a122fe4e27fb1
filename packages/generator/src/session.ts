/**
 * A visit, rendered: the pages someone opens and what they do there, moment by moment, as the
 * SDK on their device would record it. Each device remembers who identified on it (`DeviceMemory`),
 * so whoever uses it next is sent under that user until they identify themselves.
 */
import { plans, type Order } from './account.ts';
import type { Arrival } from './channel.ts';
import { freshMemory, type DeviceMemory } from './device.ts';
import { uuid4, uuid7 } from './ids.ts';
import type { UnitPlan, Visit } from './journey.ts';
import type { Settings } from './options.ts';
import type { Person } from './persona.ts';
import type { Random } from './random.ts';
import { appPages, awarenessPages, campaignPages, considerationPages, forms, pages, type Page } from './site.ts';
import { isConsiderationPath } from './stage.ts';
import { day, hour, minute } from './timing.ts';

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

/** context.page as the SDK fills it: the page the moment happened on. */
export type PageContext = {
  url: string;
  path: string;
  referrer: string;
  title: string;
  search: string;
};

export interface Moment {
  type: 'page' | 'track' | 'identify' | 'group';
  at: number;
  /** When the device sent it. */
  sentAt: number;
  messageId: string;
  /** Who the device says it is at that moment (its memory, not necessarily the person). */
  userId: string | undefined;
  groupId: string | undefined;
  /** Undefined for the server's events. */
  page: PageContext | undefined;
  /** The first page view of the visit: its landing. */
  entry: boolean;
  event?: string;
  properties?: JsonObject;
  /** identify and group: their traits. track: what a watched form captured (context.traits). */
  traits?: JsonObject;
  /** Sent by the site's server (a server library), not by the browser. */
  server?: boolean;
}

export interface RenderedVisit {
  visit: Visit;
  sessionId: string | undefined;
  moments: Moment[];
}

/** What a unit's rendering remembers from visit to visit. */
export interface UnitState {
  memories: DeviceMemory[];
  signedUp: boolean[];
  /** Whether the person has opened a consideration page yet. */
  considered: boolean[];
  /** Whether the account (or individual) pays now. */
  customer: boolean;
}

export const freshState = (plan: UnitPlan): UnitState => ({
  memories: plan.devices.map(freshMemory),
  signedUp: plan.people.map(() => false),
  considered: plan.people.map(() => false),
  customer: false,
});

/** Where each channel's visitors land, before they have weighed a purchase. */
const blog = awarenessPages.filter((page) => page.path.startsWith('/blog/'));
const landingFor = (arrival: Arrival | undefined, random: Random): Page => {
  if (arrival?.campaignLanding && random.chance(0.6)) return random.pick(campaignPages);
  switch (arrival?.channel) {
    case 'Organic Search':
    case 'Organic Social':
      return random.chance(0.7) ? random.pick(blog) : random.pick(awarenessPages);
    case 'Email':
      return random.chance(0.5) ? random.pick(blog) : pages.home;
    case 'Referral':
      return random.pick([pages.home, pages.home, awarenessPages[2]!, awarenessPages[1]!]);
    default:
      return random.chance(0.6) ? pages.home : random.pick(awarenessPages);
  }
};

/**
 * Renders one visit of the plan. State carries over between visits, so visits must be rendered in
 * the plan's order; everything random comes from the visit's own stream.
 */
export function renderVisit(plan: UnitPlan, visit: Visit, state: UnitState, settings: Settings): RenderedVisit {
  const random = plan.random.fork('render', visit.key);
  const person = plan.people[visit.person]!;
  const account = person.account;
  // Drawn whatever the settings, so switching lateDelivery changes sentAt and nothing else.
  const mobile = visit.device >= 0 && plan.devices[visit.device]!.model.kind !== 'desktop';
  const late = random.chance(mobile ? 0.08 : 0.02);
  const lateFrom = random.next();
  const lateBy = Math.round(Math.min(3 * day, Math.max(10 * minute, random.logNormal(2 * hour, 1.5))));
  const sessionId = visit.device < 0 ? undefined : uuid7(visit.at, random);

  if (visit.device < 0) return { visit, sessionId, moments: visit.at < settings.end ? [renewal(visit, person, random)] : [] };

  const memory = state.memories[visit.device]!;
  const moments: Moment[] = [];
  let clock = visit.at;
  let current: PageContext | undefined;

  const emit = (type: Moment['type'], fields?: Pick<Moment, 'event' | 'properties' | 'traits'>, entry = false): void => {
    if (clock >= settings.end) return;
    const moment: Moment = { type, at: clock, sentAt: clock + random.int(150, 2500), messageId: uuid7(clock, random), userId: memory.userId, groupId: memory.groupId, page: current, entry };
    if (fields) Object.assign(moment, fields);
    moments.push(moment);
  };
  const open = (page: Page) => {
    const landing = current === undefined;
    if (!landing) clock += Math.round(Math.min(10 * minute, Math.max(3000, random.logNormal(40_000, 1))));
    const search = landing ? (visit.arrival?.search ?? '') : '';
    // Frozen: the page's events share it.
    current = Object.freeze({ url: settings.site + page.path + search, path: page.path, referrer: landing ? (visit.arrival?.referrer ?? '') : current!.url, title: page.title, search });
    if (isConsiderationPath(page.path)) state.considered[visit.person] = true;
    emit('page', undefined, landing);
  };
  const wait = (median: number) => (clock += Math.round(Math.max(2000, random.logNormal(median, 0.6))));
  // Calls the page makes one after another still take a moment each.
  const tick = () => (clock += random.int(20, 300));
  const track = (event: string, properties: JsonObject, traits?: JsonObject) => {
    tick();
    emit('track', { event, properties, ...(traits && { traits }) });
  };
  const formTraits = (): JsonObject => (account ? { email: person.email, name: person.name, company: account.name } : { email: person.email, name: person.name });
  const remember = (traits: JsonObject) => Object.assign(memory.traits, traits as DeviceMemory['traits']);
  const groupTraits = (): JsonObject | undefined =>
    account && { name: account.name, domain: account.domain, industry: account.industry, employees: account.employees, plan: state.customer ? account.plan : 'trial' };
  const identify = (traits: JsonObject) => {
    memory.userId = person.userId;
    remember(traits);
    wait(1500);
    emit('identify', { traits: { ...memory.traits } });
    if (account) {
      memory.groupId = account.id;
      tick();
      emit('group', { traits: groupTraits() });
    }
  };
  const signUp = (form: 'signup') => {
    open(pages.signup);
    wait(50_000);
    const traits = formTraits();
    remember(traits);
    track('Signed Up', { ...forms[form] }, traits);
    state.signedUp[visit.person] = true;
    open(pages.thanks);
    identify({ ...traits, title: person.persona.role, createdAt: new Date(clock).toISOString() });
  };
  const logIn = () => {
    if (!state.signedUp[visit.person]) return signUp('signup');
    if (memory.userId === person.userId) return;
    open(pages.login);
    wait(20_000);
    identify({ email: person.email });
  };
  const browse = (count: number, pool: readonly Page[]) => {
    for (let n = 0; n < count; n++) open(random.pick(pool));
  };
  const morePages = () => (random.chance(0.4) ? 0 : Math.min(7, 1 + Math.floor(random.exponential(1.6))));
  const readable = () => (state.considered[visit.person] ? [...awarenessPages, ...considerationPages] : awarenessPages);

  let intent = visit.intent;
  if ((intent === 'signup' || intent === 'invite') && state.signedUp[visit.person]) intent = 'app';
  switch (intent) {
    case 'browse': {
      // A consideration page is only ever first seen as a landing (see README: the truth).
      open(state.considered[visit.person] && random.chance(0.3) ? random.pick(considerationPages) : landingFor(visit.arrival, random));
      browse(morePages(), readable());
      break;
    }
    case 'consider': {
      open(state.considered[visit.person] && random.chance(0.5) ? landingFor(visit.arrival, random) : random.pick(considerationPages));
      browse(random.int(1, 5), considerationPages);
      break;
    }
    case 'signup': {
      open(landingFor(visit.arrival, random));
      if (state.considered[visit.person] && random.chance(0.5)) open(pages.pricing);
      if (visit.abandon) {
        open(pages.signup);
        wait(30_000);
        track('Form Abandoned', { ...forms.signup, lastField: random.pick(['email', 'name', 'company']) });
        break;
      }
      signUp('signup');
      browse(random.int(0, 2), appPages);
      break;
    }
    case 'invite': {
      signUp('signup');
      browse(random.int(0, 2), appPages);
      break;
    }
    case 'demo': {
      open(state.considered[visit.person] ? pages.pricing : landingFor(visit.arrival, random));
      open(pages.demo);
      wait(60_000);
      const traits = formTraits();
      remember(traits);
      track('Demo Requested', { ...forms.demo }, traits);
      open(pages.demoThanks);
      break;
    }
    case 'webinar': {
      open(visit.webinar!);
      wait(45_000);
      const traits = formTraits();
      remember(traits);
      track('Webinar Registered', { ...forms.webinar, webinar: visit.webinar!.path.slice('/webinars/'.length) }, traits);
      break;
    }
    case 'purchase': {
      const order = visit.order!;
      open(pages.pricing);
      logIn();
      open(pages.checkout);
      wait(90_000);
      track('Order Completed', orderProperties(order, random));
      track('Subscription Started', { plan: order.plan, interval: order.interval, seats: order.seats, revenue: order.amount, currency: 'USD' });
      state.customer = true;
      if (account) {
        tick();
        emit('group', { traits: groupTraits() });
      }
      open(pages.welcome);
      break;
    }
    case 'app':
    case 'expansion':
    case 'referral': {
      open(pages.app);
      logIn();
      if (intent === 'expansion') {
        open(pages.billing);
        wait(60_000);
        track('Order Completed', orderProperties(visit.order!, random));
      } else if (intent === 'referral') {
        open(pages.referrals);
        wait(30_000);
        track('Referral Sent', { method: random.pick(['email', 'link']) });
      } else {
        browse(random.int(0, 4), appPages);
      }
      break;
    }
    case 'renewal':
      break;
  }

  // A phone that lost its connection sends the rest of the visit when it is back online.
  if (late && settings.lateDelivery && moments.length > 0) {
    const from = Math.floor(lateFrom * moments.length);
    const sentAt = moments[moments.length - 1]!.at + lateBy;
    for (let index = from; index < moments.length; index++) moments[index]!.sentAt = sentAt;
  }
  return { visit, sessionId, moments };
}

/** A renewal as the site's billing code reports it through a server library: by user id, no page. */
function renewal(visit: Visit, person: Person, random: Random): Moment {
  const order = visit.order!;
  return {
    type: 'track',
    at: visit.at,
    sentAt: visit.at + random.int(20, 400),
    messageId: uuid4(random),
    userId: person.userId,
    groupId: person.account?.id,
    page: undefined,
    entry: false,
    event: 'Subscription Renewed',
    properties: { plan: order.plan, interval: order.interval, seats: order.seats, revenue: order.amount, currency: 'USD' },
    server: true,
  };
}

/** Segment Spec's Order Completed: order_id, total, revenue, currency and the products. */
function orderProperties(order: Order, random: Random): JsonObject {
  const plan = plans[order.plan];
  const interval = order.interval === 'year' ? 'yearly' : 'monthly';
  return {
    order_id: `ord_${random.hex(16)}`,
    total: order.amount,
    revenue: order.amount,
    currency: 'USD',
    products: [
      {
        product_id: `${plan.id}-${interval}`,
        sku: `AP-${plan.id.toUpperCase()}-${order.interval === 'year' ? 'Y' : 'M'}`,
        name: order.kind === 'expansion' ? `${plan.name} seats` : `Acme Pipeline ${plan.name} (${interval})`,
        price: order.amount / order.seats,
        quantity: order.seats,
      },
    ],
  };
}
