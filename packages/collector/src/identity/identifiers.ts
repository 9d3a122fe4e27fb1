import { isPlaceholderId } from '@journey/protocol';

/** What can name a person: a browser (anonymousId), an account in the site's app (userId), an email. */
export type IdKind = 'anonymousId' | 'userId' | 'email';
/** Kinds that name a person wherever they appear; an anonymousId names a device, time-bounded. */
export type StrongKind = 'userId' | 'email';

export interface Identifier {
  kind: IdKind;
  value: string;
}
export interface StrongIdentifier {
  kind: StrongKind;
  value: string;
}

const emailShape = /^[^\s@]+@[^\s@]+\.[^\s@.]+$/;

/** An email as an identifier: trimmed and lower-cased, or undefined when it is not one. */
export function normalizeEmail(raw: unknown): string | undefined {
  if (typeof raw !== 'string') return undefined;
  const email = raw.trim().toLowerCase();
  return email.length <= 254 && emailShape.test(email) && !isPlaceholderId(email.split('@')[0]!) ? email : undefined;
}

export const emailDomain = (email: string): string => email.slice(email.lastIndexOf('@') + 1);

/** A web domain as accounts store it: lower-cased, without scheme, path or "www.". */
export function normalizeDomain(raw: unknown): string | undefined {
  if (typeof raw !== 'string' || !raw.trim()) return undefined;
  let host = raw.trim().toLowerCase();
  try {
    host = new URL(host.includes('://') ? host : `https://${host}`).hostname;
  } catch {
    return undefined;
  }
  host = host.replace(/^www\./, '').replace(/\.$/, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host) ? host : undefined;
}

export const sameIdentifier = (a: Identifier, b: Identifier): boolean => a.kind === b.kind && a.value === b.value;
export const identifierKey = (id: Identifier): string => `${id.kind}\u0000${id.value}`;
