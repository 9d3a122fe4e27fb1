/**
 * After the purchase: customers use the product, the subscription renews (the site's server reports
 * it) until they cancel, and some buy more seats or refer someone — what moves them to Loyalty.
 */
import { orderOf, type Order } from './account.ts';
import type { Beat, Planner } from './journey.ts';
import type { Random } from './random.ts';
import { funnel } from './stage.ts';
import { day, hour } from './timing.ts';

interface Rate {
  rate: number;
  median: number;
  sigma: number;
}

export interface Customer {
  /** Who pays: renewals and expansions are theirs. */
  buyer: number;
  /** People who use the product, each from when they start. */
  users: ReadonlyArray<{ person: number; from: number }>;
  purchasedAt: number;
  order: Order;
  expand: Rate;
  refer: Rate;
}

/** Beats of a customer's life after buying, until the window ends or they cancel. */
export function planCustomer(planner: Planner, random: Random, customer: Customer, beats: Beat[]): void {
  const { settings } = planner;
  const { buyer, purchasedAt, order } = customer;
  const period = order.interval === 'month' ? 30 * day : 365 * day;

  // The subscription renews each period until it is cancelled; nobody uses it after that.
  let endsAt = settings.end;
  for (let renewal = 1; purchasedAt + renewal * period < settings.end; renewal++) {
    if (random.chance(renewal === 1 ? funnel.churn.first : funnel.churn.later)) {
      endsAt = purchasedAt + renewal * period;
      break;
    }
    beats.push({ at: purchasedAt + renewal * period, person: buyer, intent: 'renewal', order: { ...order, kind: 'renewal' } });
  }

  for (const { person, from } of customer.users) {
    // Product use: every few days, more often for the person who bought it.
    const pace = person === buyer ? 5 * day : 9 * day;
    for (let at = from + random.logNormal(pace, 0.7); at < endsAt; at += Math.max(hour * 3, random.logNormal(pace, 0.7))) {
      beats.push({ at: planner.during(at, person, random), person, intent: 'app' });
    }
  }

  if (random.chance(customer.expand.rate)) {
    const at = purchasedAt + Math.max(7 * day, random.logNormal(customer.expand.median, customer.expand.sigma));
    const seats = Math.max(1, Math.round(order.seats * 0.3));
    if (at < endsAt) beats.push({ at: planner.during(at, buyer, random), person: buyer, intent: 'expansion', order: orderOf(order.plan, seats, order.interval, 'expansion') });
  }
  if (random.chance(customer.refer.rate)) {
    const at = purchasedAt + Math.max(3 * day, random.logNormal(customer.refer.median, customer.refer.sigma));
    if (at < endsAt) beats.push({ at: planner.during(at, buyer, random), person: buyer, intent: 'referral' });
  }
}
