import type { JourneyEvent, JsonValue } from '@journey/protocol';
import { normalizeEmail, type Identifier, type StrongIdentifier } from './identifiers.ts';

/**
 * What one event says about who is who: the raw material of the identity graph. The graph is a
 * pure function of the set of facts, never of their arrival order, so replays in any order agree.
 */
export interface IdentityFacts {
  /** Identifiers the event mentions: the device, the user, the email (first-seen bookkeeping). */
  seen: Identifier[];
  /** Two strong identifiers name one person. */
  links: Array<{ a: StrongIdentifier; b: StrongIdentifier; rule: LinkRule }>;
  /** The device `anonymousId` was used by the person of `to`, from this event's time on. */
  claims: Array<{ anonymousId: string; to: StrongIdentifier; rule: ClaimRule }>;
  traits: Array<{ owner: Identifier; key: string; value: JsonValue }>;
  /** The person behind `actor` belongs to the account. */
  memberships: Array<{ actor: Identifier; accountId: string; rule: MembershipRule }>;
  accountTraits: Array<{ accountId: string; key: string; value: JsonValue }>;
}

/** identify with an email; alias of a user id; an admin's merge. */
export type LinkRule = 'identify' | 'alias' | 'merge';
/** identify; a sign-up form's email; alias of the device's anonymousId; any event carrying both ids. */
export type ClaimRule = 'identify' | 'form' | 'alias' | 'event';
export type MembershipRule = 'group' | 'context';

export const emptyFacts = (): IdentityFacts => ({ seen: [], links: [], claims: [], traits: [], memberships: [], accountTraits: [] });

export const hasFacts = (facts: IdentityFacts): boolean => Object.values(facts).some((list) => list.length > 0);

const isObject = (value: unknown): value is Record<string, JsonValue> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The facts of one accepted event. Placeholders never reach here (the protocol refuses them), and
 * an email that is not one (no "@", "n/a@…") links nothing.
 */
export function factsOf(event: JourneyEvent): IdentityFacts {
  const facts = emptyFacts();
  const anonymousId = event.anonymousId;
  const userId = event.userId !== undefined ? ({ kind: 'userId', value: event.userId } as const) : undefined;
  const traits = event.type === 'identify' && isObject(event.traits) ? event.traits : isObject(event.context?.traits) ? event.context.traits : undefined;
  const emailValue = normalizeEmail(traits?.email);
  const email = emailValue !== undefined ? ({ kind: 'email', value: emailValue } as const) : undefined;

  if (anonymousId !== undefined) facts.seen.push({ kind: 'anonymousId', value: anonymousId });
  if (userId) facts.seen.push(userId);
  if (email) facts.seen.push(email);
  // The event names the person by its strongest identifier: the user id, else the email.
  const person = userId ?? email;

  if (userId && email) facts.links.push({ a: userId, b: email, rule: 'identify' });
  if (anonymousId !== undefined && person) {
    const rule = event.type === 'identify' ? 'identify' : userId ? 'event' : 'form';
    facts.claims.push({ anonymousId, to: person, rule });
  }
  if (event.type === 'alias') {
    const to = { kind: 'userId', value: event.userId } as const;
    if (event.previousId === anonymousId) facts.claims.push({ anonymousId: event.previousId, to, rule: 'alias' });
    else {
      const previous = { kind: 'userId', value: event.previousId } as const;
      facts.seen.push(previous);
      facts.links.push({ a: to, b: previous, rule: 'alias' });
    }
  }

  const owner: Identifier | undefined = person ?? (anonymousId !== undefined ? { kind: 'anonymousId', value: anonymousId } : undefined);
  if (traits && owner) {
    for (const [key, value] of Object.entries(traits)) {
      facts.traits.push({ owner, key, value: key === 'email' && emailValue ? emailValue : value });
    }
  }

  const accountId = event.type === 'group' ? event.groupId : event.context?.groupId;
  if (accountId !== undefined && owner) {
    facts.memberships.push({ actor: userId ?? owner, accountId, rule: event.type === 'group' ? 'group' : 'context' });
  }
  if (event.type === 'group' && isObject(event.traits)) {
    for (const [key, value] of Object.entries(event.traits)) facts.accountTraits.push({ accountId: event.groupId, key, value });
  }
  return facts;
}
