/**
 * People: who visits, with the role they play. At an account one person finds the product and
 * champions it, colleagues look at it, and in bigger deals a decision-maker and finance join late.
 * Individuals buy for themselves and sign up with a free-mail address.
 */
import type { Account } from './account.ts';
import { scrambled } from './ids.ts';
import { asciiName, familyNames, freeMailDomains, givenNames, localeWeights, type Locale } from './names.ts';
import type { Key, Random } from './random.ts';

export type Audience = 'b2b' | 'b2c';
/** A B2B person's part in their company's purchase. */
export type Part = 'champion' | 'colleague' | 'decision-maker' | 'finance';
export type Seniority = 'individual' | 'manager' | 'director' | 'executive';

export interface Persona {
  role: string;
  seniority: Seniority;
}

export interface Person {
  /** Stable within a seed: p-<ordinal>. */
  id: string;
  audience: Audience;
  part: Part | undefined;
  persona: Persona;
  name: string;
  email: string;
  /** The id the site's app gives them if they sign up. */
  userId: string;
  account: Account | undefined;
  locale: Locale;
}

const roles: Record<Part | 'individual', ReadonlyArray<readonly [string, Seniority]>> = {
  champion: [
    ['Marketing Operations Manager', 'manager'],
    ['Revenue Operations Manager', 'manager'],
    ['Demand Generation Manager', 'manager'],
    ['Sales Operations Lead', 'manager'],
    ['Growth Marketing Manager', 'manager'],
  ],
  colleague: [
    ['Marketing Analyst', 'individual'],
    ['Sales Development Representative', 'individual'],
    ['Account Executive', 'individual'],
    ['Content Marketer', 'individual'],
    ['Data Engineer', 'individual'],
    ['Software Developer', 'individual'],
  ],
  'decision-maker': [
    ['VP Marketing', 'executive'],
    ['Head of Sales', 'director'],
    ['Chief Marketing Officer', 'executive'],
    ['Director of Revenue Operations', 'director'],
  ],
  finance: [
    ['Chief Financial Officer', 'executive'],
    ['Procurement Manager', 'manager'],
    ['Finance Director', 'director'],
  ],
  individual: [
    ['Freelance Consultant', 'individual'],
    ['Solo Founder', 'individual'],
    ['Independent Sales Agent', 'individual'],
    ['Recruiter', 'individual'],
    ['Student', 'individual'],
  ],
};

/** The parts of an account's people, by how many there are and how the account buys. */
export function partsOf(size: number, motion: Account['motion']): Part[] {
  const parts: Part[] = Array.from({ length: size }, (_, index) => (index === 0 ? 'champion' : 'colleague'));
  if (size >= 2) parts[size - 1] = 'decision-maker';
  if (size >= 5 && motion === 'sales-led') parts[size - 2] = 'finance';
  return parts;
}

const pickLocale = (random: Random) => random.weighted(localeWeights);

interface PersonSeat {
  /** The person's ordinal in the whole data set. */
  ordinal: number;
  /** Unique among the unit's people; individuals' addresses carry it so none collide. */
  unit: number;
  index: number;
  account: Account | undefined;
  part: Part | undefined;
}

/** A person for a seat; B2B addresses are made unique within the account by `takenEmails`. */
export function createPerson(seat: PersonSeat, random: Random, seed: Key, takenEmails: Set<string>): Person {
  const { account, part } = seat;
  const locale = account && random.chance(0.85) ? account.locale : pickLocale(random);
  const given = random.pick(givenNames[locale.locale]!);
  const family = random.pick(familyNames[locale.locale]!);
  const name = locale.locale === 'ja-JP' && random.chance(0.5) ? `${family} ${given}` : `${given} ${family}`;
  const [first, last] = [asciiName(given), asciiName(family)];
  let email: string;
  if (account) {
    let local = random.weighted([
      [`${first}.${last}`, 0.6],
      [`${first[0]}${last}`, 0.25],
      [first, 0.15],
    ] as const);
    for (let n = 2; takenEmails.has(`${local}@${account.domain}`); n++) local = `${first}.${last}${n}`;
    email = `${local}@${account.domain}`;
  } else {
    const number = seat.unit * 2 + seat.index;
    const local = random.weighted([
      [`${first}.${last}${number}`, 0.5],
      [`${first}${last}${number}`, 0.3],
      [`${first[0]}${last}.${number}`, 0.2],
    ] as const);
    email = `${local}@${random.pick(freeMailDomains[locale.locale]!)}`;
  }
  takenEmails.add(email);
  const [role, seniority] = random.pick(roles[part ?? 'individual']);
  return {
    id: `p-${seat.ordinal}`,
    audience: account ? 'b2b' : 'b2c',
    part,
    persona: { role, seniority },
    name,
    email,
    userId: `u_${scrambled(seat.ordinal, seed, 'user')}`,
    account,
    locale,
  };
}
