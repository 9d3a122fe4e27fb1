import type { JsonValue } from '@journey/protocol';
import type { IdKind } from './identifiers.ts';

/** Why two identifiers are one person, or why a device's stretch is someone's: the event and the rule. */
export interface Explanation {
  rule: string;
  messageId: string;
  at: string;
}

export interface TraitValue {
  value: JsonValue;
  /** When this trait was first set, with any value. */
  firstSeen: string;
  /** When the current value was set. */
  updatedAt: string;
}

/** A device whose events are a person's: all of it, or the stretch from `from` until `to` (null: open) on a shared one. */
export interface PersonDevice {
  anonymousId: string;
  from: string | null;
  to: string | null;
}

export interface PersonRecord {
  id: string;
  identifiers: Array<{ kind: IdKind; value: string; firstSeen: string }>;
  /** Stretches of devices that are this person's (a shared computer's history is cut between its users). */
  devices: Array<PersonDevice & { linkedBy: Explanation | null }>;
  /** The links that made this person, each with its event. */
  links: Array<{ a: { kind: IdKind; value: string }; b: { kind: IdKind; value: string } } & Explanation>;
  traits: Record<string, TraitValue>;
  accounts: AccountMembership[];
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface AccountMembership {
  id: string;
  domain: string | null;
  /** group: a group() call; context: events carrying its groupId; email-domain: a work email at its domain. */
  via: 'group' | 'context' | 'email-domain';
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface AccountRecord {
  id: string;
  domain: string | null;
  /** Accounts an admin merged into this one. */
  merged: string[];
  /** True for an account inferred from a work-email domain that no group() call named. */
  implied: boolean;
  traits: Record<string, TraitValue>;
  people: number;
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface PersonSummary {
  id: string;
  identifiers: Array<{ kind: IdKind; value: string }>;
  via: AccountMembership['via'];
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface ErasureCounts {
  events: number;
  identifiers: number;
  traits: number;
  links: number;
  /** Imported touchpoints that named them. */
  touchpoints: number;
}
