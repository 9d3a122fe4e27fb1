/**
 * The roster: who is in the data set, cut into units whose journeys are made together — an
 * account and its people, an individual, or a couple sharing a home. Units are independent of each
 * other, so each is planned from its own random stream and can be planned again on its own.
 */
import { createAccounts, type Account } from './account.ts';
import type { Settings } from './options.ts';
import { exp, ln } from './math.ts';
import { createRandom } from './random.ts';

export interface Unit {
  index: number;
  /** The company, for a B2B unit. */
  account: Account | undefined;
  /** How many people. */
  size: number;
  /** The ordinal of its first person in the data set. */
  firstPerson: number;
  /** When its journey begins (ms): its first visit is on that day, or just after (see `earliest`). */
  start: number;
}

/**
 * No visit of a unit comes before this: a journey's first moment is moved to working or leisure
 * hours of its start's day, never earlier than a day before it. The stream plans a unit only
 * when its earliest moment comes up, so it never holds more than the units in progress.
 */
export const earliest = (unit: Unit, windowStart: number): number => Math.max(windowStart, unit.start - 86_400_000);

/** People per account on average: several at each, as in B2B buying groups. */
const peoplePerAccount = 5;
/** Share of individuals who live as a couple. */
const coupleShare = 0.16;

/**
 * Exactly `settings.accounts` accounts and `settings.people` people. Bigger companies send more
 * people; every account has at least one; whoever is left over buys as an individual.
 */
export function createRoster(settings: Settings): Unit[] {
  const random = createRandom(settings.seed, 'roster');
  const accounts = createAccounts(settings.accounts, random.fork('accounts'), settings.seed);
  const b2bPeople = Math.min(settings.people, Math.max(accounts.length, Math.round(accounts.length * peoplePerAccount)));
  const sizes = allocate(
    b2bPeople,
    accounts.map((account) => exp(0.2 * ln(account.employees)) * random.logNormal(1, 0.35)),
  );

  const units: Unit[] = [];
  const starts = random.fork('starts');
  const start = () => settings.start + Math.floor(starts.next() * (settings.end - settings.start));
  let firstPerson = 0;
  accounts.forEach((account, index) => {
    units.push({ index, account, size: sizes[index]!, firstPerson, start: start() });
    firstPerson += sizes[index]!;
  });
  let left = settings.people - b2bPeople;
  while (left > 0) {
    const size = left >= 2 && random.chance(coupleShare / (2 - coupleShare)) ? 2 : 1;
    units.push({ index: units.length, account: undefined, size, firstPerson, start: start() });
    firstPerson += size;
    left -= size;
  }
  return units;
}

/** `total` split by weight, at least one each, rounded by largest remainder (ties to the earlier). */
function allocate(total: number, weights: readonly number[]): number[] {
  if (weights.length === 0) return [];
  const sum = weights.reduce((a, b) => a + b, 0);
  const spare = total - weights.length;
  const exact = weights.map((weight) => (spare * weight) / sum);
  const sizes = exact.map((share) => 1 + Math.floor(share));
  let missing = total - sizes.reduce((a, b) => a + b, 0);
  const byRemainder = exact.map((share, index) => ({ index, rest: share - Math.floor(share) })).sort((a, b) => b.rest - a.rest || a.index - b.index);
  for (const { index } of byRemainder) {
    if (missing-- <= 0) break;
    sizes[index]!++;
  }
  return sizes;
}
