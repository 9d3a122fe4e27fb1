/**
 * An individual's journey: found through social or search, a few visits, perhaps a free account,
 * and for some a Solo subscription a week or so later. Days, not months.
 */
import { orderOf } from './account.ts';
import { planCustomer } from './customer.ts';
import type { Beat, Planner, PlannedTouchpoint, Script } from './journey.ts';
import { webinars } from './site.ts';
import { funnel } from './stage.ts';
import { day, hour } from './timing.ts';

export function planIndividualJourney(planner: Planner): Script {
  const { settings, people } = planner;
  const f = funnel.b2c;
  const beats: Beat[] = [];
  const offline: PlannedTouchpoint[] = [];

  people.forEach((person, p) => {
    // A couple's journeys are their own; only a laptop (journey.ts) is shared.
    const random = planner.random.fork('journey', p);
    const between = (from: number, to: number) => planner.during(from + random.next() * Math.max(0, to - from), p, random);
    // A couple: one finds the product, the other perhaps weeks later.
    const aware = Math.min(Math.max(planner.during(planner.unit.start + (p === 0 ? 0 : random.exponential(20 * day)), p, random), settings.start), settings.end - hour);
    beats.push({ at: aware, person: p, intent: 'browse', channel: planner.firstChannel(p) });

    const considered = random.chance(f.consider.rate) ? aware + Math.max(3 * hour, random.logNormal(f.consider.median, f.consider.sigma)) : Infinity;
    for (let n = random.int(0, 2); n > 0; n--) beats.push({ at: between(aware + hour, Math.min(considered, aware + 30 * day)), person: p, intent: 'browse' });
    if (considered === Infinity) return;
    beats.push({ at: considered, person: p, intent: 'consider' });

    const purchased = random.chance(f.purchase.rate) ? considered + Math.max(2 * hour, random.logNormal(f.purchase.median, f.purchase.sigma)) : Infinity;
    for (let n = random.int(0, 2); n > 0; n--) beats.push({ at: between(considered + hour, Math.min(purchased, considered + 21 * day)), person: p, intent: 'consider' });

    // A free account first; buying later signs them up at the checkout if they have not.
    const signup = considered + random.logNormal(day, 1);
    if (random.chance(0.45) && signup < purchased - day) {
      const abandon = random.chance(0.2);
      beats.push({ at: signup, person: p, intent: 'signup', abandon });
      if (abandon && random.chance(0.5)) beats.push({ at: signup + Math.max(hour * 3, random.logNormal(3 * day, 0.8)), person: p, intent: 'signup' });
    }

    if (random.chance(0.05)) {
      const webinar = random.pick(webinars);
      const registered = considered + Math.max(hour * 3, random.logNormal(5 * day, 0.8));
      beats.push({ at: registered, person: p, intent: 'webinar', webinar });
      if (random.chance(0.6)) {
        const at = registered + Math.max(day, random.logNormal(4 * day, 0.5));
        offline.push({
          at,
          person: p,
          touchpoint: {
            source: 'zoom',
            externalId: planner.externalId('zr_'),
            type: 'webinar',
            occurredAt: new Date(at).toISOString(),
            email: person.email,
            properties: { webinar: webinar.path.slice('/webinars/'.length), minutesAttended: random.int(5, 60) },
          },
        });
      }
    }

    if (purchased === Infinity) return;
    const order = orderOf('solo', 1, random.chance(f.monthly) ? 'month' : 'year', 'new');
    beats.push({ at: purchased, person: p, intent: 'purchase', order });
    planCustomer(planner, random, { buyer: p, users: [{ person: p, from: purchased }], purchasedAt: purchased, order, expand: f.expand, refer: f.refer }, beats);
  });
  return { beats, offline };
}
