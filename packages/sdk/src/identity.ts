import { isPlaceholderId } from '@journey/protocol/placeholders';
import { load, readCookie, save, writeCookie } from './storage.ts';
import { uuid } from './uuid.ts';

export type Traits = Record<string, unknown>;

/** Who this browser is: kept on the device, sent with every event. */
export interface Identity {
  anonymousId: string;
  userId?: string;
  groupId?: string;
  traits: Traits;
}

const anonymousKey = 'journey_aid';
const userKey = 'journey.user';

/** A usable identifier: a non-empty string that is not a placeholder such as "undefined" or "0". */
export const isId = (value: unknown): value is string =>
  typeof value === 'string' && value.length <= 255 && !isPlaceholderId(value);

/**
 * The anonymousId lives in a first-party cookie on the registrable domain (shared by subdomains)
 * and is mirrored in localStorage, which survives where cookies are cut short (Safari caps
 * script-set cookies at 7 days). User, account and traits live in localStorage.
 */
export function loadIdentity(): Identity {
  const stored = load<Partial<Identity>>(userKey) ?? {};
  const fromCookie = readCookie(anonymousKey);
  const anonymousId = [fromCookie, load<string>(anonymousKey)].find(isId) ?? uuid();
  const identity: Identity = { traits: {}, ...stored, anonymousId };
  if (anonymousId !== fromCookie) saveIdentity(identity);
  return identity;
}

export function saveIdentity(identity: Identity): void {
  const { anonymousId, ...user } = identity;
  writeCookie(anonymousKey, anonymousId);
  save(anonymousKey, anonymousId);
  save(userKey, user);
}
