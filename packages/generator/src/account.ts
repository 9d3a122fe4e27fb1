/**
 * Accounts: the B2B companies whose people visit the site. Each buys one way — small teams at the
 * checkout, larger ones through a sales-led deal — and one plan, sized to the company.
 */
import { scrambled } from './ids.ts';
import { companyKinds, companyStems, companyTails, industries, localeWeights, type Locale } from './names.ts';
import type { Key, Random } from './random.ts';

export interface Plan {
  id: 'solo' | 'starter' | 'pro' | 'business' | 'enterprise';
  name: string;
  /** USD per seat per month; a year is billed as ten months. */
  seatPrice: number;
}

export const plans: Record<Plan['id'], Plan> = {
  solo: { id: 'solo', name: 'Solo', seatPrice: 15 },
  starter: { id: 'starter', name: 'Starter', seatPrice: 19 },
  pro: { id: 'pro', name: 'Pro', seatPrice: 49 },
  business: { id: 'business', name: 'Business', seatPrice: 89 },
  enterprise: { id: 'enterprise', name: 'Enterprise', seatPrice: 129 },
};

export interface Order {
  plan: Plan['id'];
  seats: number;
  interval: 'month' | 'year';
  /** USD. */
  amount: number;
  kind: 'new' | 'expansion' | 'renewal';
}

/** An order of `seats` on `plan`, priced per seat per month; a year costs ten months. */
export function orderOf(plan: Plan['id'], seats: number, interval: Order['interval'], kind: Order['kind']): Order {
  return { plan, seats, interval, amount: seats * plans[plan].seatPrice * (interval === 'year' ? 10 : 1), kind };
}

export interface Account {
  /** The id the site's app gives the company, as group() sends it. */
  id: string;
  name: string;
  /** The company's web domain, also its people's email domain. */
  domain: string;
  industry: string;
  employees: number;
  /** The plan it buys if it buys (individuals buy Solo). */
  plan: Exclude<Plan['id'], 'solo'>;
  /** Self-serve: a card at the checkout. Sales-led: a demo, calls and a deal closed in the CRM first. */
  motion: 'self-serve' | 'sales-led';
  /** Where its people mostly are. */
  locale: Locale;
}

function planFor(employees: number, random: Random): Account['plan'] {
  if (employees < 20) return random.chance(0.7) ? 'starter' : 'pro';
  if (employees < 200) return random.chance(0.6) ? 'pro' : 'business';
  return random.chance(0.5) ? 'business' : 'enterprise';
}

const domainOf = (name: string) => `${name.toLowerCase().replace(/ /g, '-')}.example`;

/** `count` companies with distinct names and domains. */
export function createAccounts(count: number, random: Random, seed: Key): Account[] {
  const taken = new Set<string>();
  const accounts: Account[] = [];
  for (let index = 0; index < count; index++) {
    const stem = random.pick(companyStems);
    const tail = random.pick(companyTails);
    const kind = random.pick(companyKinds);
    let name = `${stem}${tail} ${kind}`;
    for (let n = 2; taken.has(domainOf(name)); n++) name = `${stem}${tail} ${n} ${kind}`;
    const domain = domainOf(name);
    taken.add(domain);
    const employees = Math.max(2, Math.min(50_000, Math.round(random.logNormal(60, 1.4))));
    accounts.push({
      id: `acc_${scrambled(index, seed, 'account')}`,
      name,
      domain,
      industry: random.weighted(industries),
      employees,
      plan: planFor(employees, random),
      motion: employees >= 100 || (employees >= 40 && random.chance(0.5)) ? 'sales-led' : 'self-serve',
      locale: random.weighted(localeWeights),
    });
  }
  return accounts;
}
