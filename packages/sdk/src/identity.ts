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
 * script-set cookies at 7 days). User, account and traits live in localStorage. Returns who this
 * browser is, and how to remember a change to it.
 */
export function deviceIdentity(): [Identity, (change?: Partial<Identity>) => void] {
  const fromCookie = readCookie(anonymousKey);
  const identity: Identity = { traits: {}, ...load<Partial<Identity>>(userKey), anonymousId: [fromCookie, load<string>(anonymousKey)].find(isId) ?? uuid() };
  const remember = (change?: Partial<Identity>) => {
    const { anonymousId, ...user } = Object.assign(identity, change);
    writeCookie(anonymousKey, anonymousId);
    save(anonymousKey, anonymousId);
    save(userKey, user);
  };
  if (identity.anonymousId != fromCookie) remember();
  return [identity, remember];
}
