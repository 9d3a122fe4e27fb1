/**
 * An account's journey: its buying group over months. A champion finds the product, reads, starts
 * a trial; colleagues look too; for a sales-led deal a demo, an opportunity and calls follow, the
 * decision-maker and finance arrive late, and the deal closes in the CRM before billing starts.
 * About 30 touches over three channels and half a year for the accounts that buy.
 */
import { orderOf, type Account } from './account.ts';
import { planCustomer } from './customer.ts';
import type { Beat, Planner, PlannedTouchpoint, Script } from './journey.ts';
import type { Random } from './random.ts';
import { webinars } from './site.ts';
import { funnel } from './stage.ts';
import { day, hour } from './timing.ts';

export function planAccountJourney(planner: Planner, account: Account): Script {
  const { settings, people } = planner;
  const f = funnel.b2b;
  const random = planner.random.fork('account');
  const beats: Beat[] = [];
  const offline: PlannedTouchpoint[] = [];
  const between = (from: number, to: number, person: number, stream: Random = random) =>
    planner.during(from + stream.next() * Math.max(0, to - from), person, stream);
  const inWindow = (at: number) => Math.min(Math.max(at, settings.start), settings.end - hour);
  const record = (at: number, person: number, type: string, source: string, properties?: Record<string, string | number | boolean>) => {
    const who = people[person]!;
    offline.push({
      at,
      person,
      touchpoint: {
        source,
        externalId: planner.externalId(source === 'salesforce' ? '00T' : source === 'gong' ? 'call_' : 'zr_'),
        type,
        occurredAt: new Date(at).toISOString(),
        // The CRM knows people by email; once the champion has a trial, a synced app adds their
        // user id now and then. Accounts go by the app's account id or by their domain.
        email: who.email,
        ...(person === champion && trial < at && random.chance(0.3) && { userId: who.userId }),
        ...(random.chance(0.6) ? { accountId: account.id } : { domain: account.domain }),
        ...(properties && { properties }),
      },
    });
  };

  const champion = 0;
  const decider = people.findIndex((person) => person.part === 'decision-maker');
  const finance = people.findIndex((person) => person.part === 'finance');
  const aware = inWindow(planner.during(planner.unit.start, champion, random));
  const considered = random.chance(f.consider.rate) ? aware + Math.max(6 * hour, random.logNormal(f.consider.median, f.consider.sigma)) : Infinity;
  const purchased = considered < Infinity && random.chance(f.purchase.rate) ? considered + Math.max(14 * day, random.logNormal(f.purchase.median, f.purchase.sigma)) : Infinity;
  const salesLed = account.motion === 'sales-led';
  /** When the account's interest fades if it does not buy. */
  const horizon = purchased < Infinity ? purchased : considered < Infinity ? considered + 120 * day : aware + 60 * day;

  // The champion: finds it, reads for a while, then weighs it up.
  beats.push({ at: aware, person: champion, intent: 'browse', channel: planner.firstChannel(champion) });
  for (let n = random.int(1, 3); n > 0; n--) beats.push({ at: between(aware + hour, Math.min(considered, aware + 60 * day), champion), person: champion, intent: 'browse' });

  let trial = Infinity;
  if (considered < Infinity) {
    beats.push({ at: considered, person: champion, intent: 'consider' });
    const visits = Math.min(8, Math.round((horizon - considered) / (30 * day)));
    for (let n = visits; n > 0; n--) beats.push({ at: between(considered + hour, horizon, champion), person: champion, intent: 'consider' });

    const signup = considered + Math.max(3 * hour, random.logNormal(5 * day, 1));
    if (random.chance(purchased < Infinity ? 0.8 : 0.55) && signup < horizon - day) {
      const abandon = random.chance(0.2);
      beats.push({ at: signup, person: champion, intent: 'signup', abandon });
      trial = abandon ? (random.chance(0.6) ? signup + Math.max(3 * hour, random.logNormal(4 * day, 0.8)) : Infinity) : signup;
      if (abandon && trial < Infinity) beats.push({ at: trial, person: champion, intent: 'signup' });
      // Onboarding emails bring the new user back.
      if (trial < Infinity) for (const after of [1, 3]) beats.push({ at: between(trial + after * day, trial + (after + 1) * day, champion), person: champion, intent: 'app', channel: 'Email', purpose: 'onboarding', primary: true });
    }

    if (random.chance(0.3)) {
      const webinar = random.pick(webinars);
      const registered = considered + Math.max(3 * hour, random.logNormal(12 * day, 1));
      beats.push({ at: registered, person: champion, intent: 'webinar', webinar });
      if (random.chance(0.6)) record(registered + Math.max(day, random.logNormal(5 * day, 0.5)), champion, 'webinar', 'zoom', { webinar: webinar.path.slice('/webinars/'.length), minutesAttended: random.int(10, 60) });
    }

    if (salesLed && random.chance(purchased < Infinity ? 0.85 : 0.35)) {
      const requested = Math.min(considered + Math.max(hour * 3, random.logNormal(14 * day, 0.8)), considered + (horizon - considered) * 0.4);
      beats.push({ at: requested, person: champion, intent: 'demo' });
      const demo = requested + Math.max(day, random.logNormal(4 * day, 0.5));
      record(demo, champion, 'demo', 'salesforce', { durationMinutes: 45 });
      if (decider >= 0 && random.chance(0.5)) record(demo, decider, 'demo', 'salesforce', { durationMinutes: 45 });
      const opened = demo + Math.max(hour, random.logNormal(day, 0.5));
      record(opened, champion, 'opportunity_created', 'salesforce', { amount: orderOf(account.plan, seatsFor(account, people.length), 'year', 'new').amount, currency: 'USD' });
      const callsUntil = Math.max(opened + day, (purchased < Infinity ? purchased : opened + 60 * day) - day);
      for (let n = random.int(1, 3); n > 0; n--) {
        const at = between(opened + hour, callsUntil, champion);
        const late = at > callsUntil - 20 * day;
        const who = late && finance >= 0 && random.chance(0.4) ? finance : decider >= 0 && random.chance(0.4) ? decider : champion;
        record(at, who, 'sales_call', 'gong', { durationMinutes: random.int(15, 60) });
      }
    }
  }

  // Colleagues, and late in bigger deals the decision-maker and finance.
  const users: Array<{ person: number; from: number }> = [{ person: champion, from: Math.min(trial, purchased) }];
  for (let person = 1; person < people.length; person++) {
    const part = people[person]!.part;
    const stream = random.fork('colleague', person);
    const late = (median: number) => (purchased < Infinity ? purchased - stream.logNormal(median, 0.5) : aware + stream.next() * (horizon - aware));
    const joined = inWindow(
      part === 'decision-maker' ? Math.max(aware + day, late(25 * day)) : part === 'finance' ? Math.max(aware + day, late(10 * day)) : between(aware + day, horizon + 14 * day, person, stream),
    );
    // Most follow a link a colleague shared (no referrer) or come the way the champion did.
    const channel = stream.chance(0.55) ? 'Direct' : stream.chance(0.9) ? planner.firstChannel(champion) : planner.firstChannel(person);
    beats.push({ at: joined, person, intent: 'browse', channel });
    for (let n = stream.int(0, 1); n > 0; n--) beats.push({ at: between(joined + hour, joined + 45 * day, person, stream), person, intent: 'browse' });
    const weighs = considered < Infinity && (part !== 'colleague' || stream.chance(0.55));
    if (weighs) {
      const from = Math.max(joined, considered) + Math.max(hour, stream.logNormal(3 * day, 0.8));
      for (let n = part === 'colleague' ? stream.int(1, 2) : stream.int(2, 3); n > 0; n--) beats.push({ at: between(from, Math.max(from, horizon), person, stream), person, intent: 'consider' });
    }
    // Trial users invite a colleague or two; customers invite most of the team.
    const invited = purchased < Infinity && stream.chance(part === 'finance' ? 0.2 : 0.75) ? purchased + Math.max(hour, stream.logNormal(7 * day, 0.8)) : trial < Infinity && part === 'colleague' && stream.chance(0.3) ? trial + stream.logNormal(4 * day, 0.8) : Infinity;
    if (invited < settings.end) {
      beats.push({ at: invited, person, intent: 'invite', channel: 'Email', purpose: 'invite' });
      if (purchased < Infinity) users.push({ person, from: Math.max(invited, purchased) + hour });
    }
  }

  if (purchased < Infinity) {
    const order = orderOf(account.plan, seatsFor(account, people.length), random.chance(f.monthly[account.motion]) ? 'month' : 'year', 'new');
    // A sales-led deal closes in the CRM; the champion sets up billing a day or two later.
    const billed = salesLed ? purchased + Math.max(day, random.logNormal(2 * day, 0.5)) : purchased;
    if (salesLed) record(purchased, decider >= 0 ? decider : champion, 'closed_won', 'salesforce', { amount: order.amount, currency: 'USD', plan: order.plan });
    beats.push({ at: billed, person: champion, intent: 'purchase', order });
    planCustomer(planner, random.fork('customer'), { buyer: champion, users: users.map((user) => ({ ...user, from: Math.max(user.from, billed) })), purchasedAt: billed, order, expand: f.expand, refer: f.refer }, beats);
  }
  return { beats, offline };
}

/** Seats bought: the buying group and then some, never more than the company's headcount. */
function seatsFor(account: Account, people: number): number {
  return Math.max(1, Math.min(account.employees, Math.round(people * 1.5 + account.employees * 0.03)));
}
