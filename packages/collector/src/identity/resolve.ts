import { identifierKey, type Identifier, type StrongIdentifier } from './identifiers.ts';
import type { ClaimRule, LinkRule } from './facts.ts';

/** A strong identifier with when it was first seen (the earliest fact naming it). */
export interface Node extends StrongIdentifier {
  firstSeen: number;
  firstMessageId: string;
}

export interface Edge {
  a: StrongIdentifier;
  b: StrongIdentifier;
  at: number;
  messageId: string;
  rule: LinkRule;
}

/** An admin's split: these identifiers were separated from the rest of their person at `at`. */
export interface Split {
  at: number;
  members: StrongIdentifier[];
}

/** Most identifiers of each kind one person may hold; an automatic link past them is refused. */
export const personLimits = { userId: 10, email: 20 } as const;

export interface Partition {
  /** The people: each a set of strong identifiers, canonical (earliest seen) first. */
  people: Node[][];
  /** Links that were not followed, and why: what explains a person that did not merge. */
  refused: Array<{ edge: Edge; reason: 'split' | 'limit' }>;
}

const byTime = (x: { at: number; messageId: string }, y: { at: number; messageId: string }) =>
  x.at - y.at || (x.messageId < y.messageId ? -1 : x.messageId > y.messageId ? 1 : 0);

const byFirstSeen = (x: Node, y: Node) =>
  x.firstSeen - y.firstSeen ||
  (x.firstMessageId < y.firstMessageId ? -1 : x.firstMessageId > y.firstMessageId ? 1 : 0) ||
  (identifierKey(x) < identifierKey(y) ? -1 : identifierKey(x) > identifierKey(y) ? 1 : 0);

/**
 * Who is who among these identifiers, from their links alone. Links are followed in the order
 * their events happened (not the order they arrived), so the result never depends on arrival:
 * a link that would give a person more user ids or emails than `personLimits` is refused, and so
 * is one across an admin's split unless an admin merged the two sides after it.
 */
export function partition(nodes: Node[], edges: Edge[], splits: Split[] = []): Partition {
  const parent = new Map<string, string>();
  const counts = new Map<string, { userId: number; email: number }>();
  for (const node of nodes) {
    const key = identifierKey(node);
    parent.set(key, key);
    counts.set(key, { userId: node.kind === 'userId' ? 1 : 0, email: node.kind === 'email' ? 1 : 0 });
  }
  const root = (key: string): string => {
    let at = key;
    while (parent.get(at) !== at) at = parent.get(at)!;
    parent.set(key, at);
    return at;
  };
  const splitKeys = splits.map((split) => ({ at: split.at, members: new Set(split.members.map(identifierKey)) }));

  const refused: Partition['refused'] = [];
  for (const edge of [...edges].sort(byTime)) {
    const [a, b] = [identifierKey(edge.a), identifierKey(edge.b)];
    if (!parent.has(a) || !parent.has(b)) continue;
    const crossing = splitKeys.filter((split) => split.members.has(a) !== split.members.has(b));
    if (crossing.some((split) => edge.rule !== 'merge' || edge.at <= split.at)) {
      refused.push({ edge, reason: 'split' });
      continue;
    }
    const [ra, rb] = [root(a), root(b)];
    if (ra === rb) continue;
    const [ca, cb] = [counts.get(ra)!, counts.get(rb)!];
    const joined = { userId: ca.userId + cb.userId, email: ca.email + cb.email };
    if (edge.rule !== 'merge' && (joined.userId > personLimits.userId || joined.email > personLimits.email)) {
      refused.push({ edge, reason: 'limit' });
      continue;
    }
    // Union by key order, so the structure (not only the partition) is the same every time.
    const [keep, drop] = ra < rb ? [ra, rb] : [rb, ra];
    parent.set(drop, keep);
    counts.set(keep, joined);
  }

  const groups = new Map<string, Node[]>();
  for (const node of nodes) {
    const key = root(identifierKey(node));
    groups.set(key, [...(groups.get(key) ?? []), node]);
  }
  const people = [...groups.values()].map((group) => group.sort(byFirstSeen));
  return { people, refused };
}

export interface Claim {
  anonymousId: string;
  to: StrongIdentifier;
  at: number;
  messageId: string;
  rule: ClaimRule;
}

/** A stretch of a device's history that belongs to the person of `to`. Times are ms; the first starts at `beginning`. */
export interface Segment {
  anonymousId: string;
  from: number;
  to: number;
  owner: StrongIdentifier;
  /** The claim that started it: the explanation. */
  messageId: string;
  rule: ClaimRule;
}

export const beginning = -8_640_000_000_000_000;
export const end = 8_640_000_000_000_000;

/**
 * A device's history cut at each change of user: the first claim owns everything before it too
 * (what someone did before signing up is theirs), each later claim by someone else starts a new
 * stretch. A shared computer's visitors are never merged through it.
 */
export function segments(claims: Claim[]): Segment[] {
  const result: Segment[] = [];
  for (const claim of [...claims].sort(byTime)) {
    const last = result.at(-1);
    if (last && identifierKey(last.owner) === identifierKey(claim.to)) continue;
    if (last) last.to = claim.at;
    result.push({ anonymousId: claim.anonymousId, from: last ? claim.at : beginning, to: end, owner: claim.to, messageId: claim.messageId, rule: claim.rule });
  }
  return result;
}

/**
 * A person's id, derived from their canonical identifier, so any replay names them alike. 96 bits
 * of a non-cryptographic hash (computed without awaiting, inside a transaction): a collision is
 * not a practical concern at any number of people a collector holds.
 */
export function personId(site: string, canonical: Identifier): string {
  const text = `${site}\u0000${canonical.kind}\u0000${canonical.value}`;
  let hex = 'p_';
  for (const seed of [0x9e3779b1, 0x85ebca77, 0xc2b2ae3d]) hex += (hash32(text, seed) >>> 0).toString(16).padStart(8, '0');
  return hex;
}

function hash32(text: string, seed: number): number {
  let h = seed ^ text.length;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x5bd1e995);
    h ^= h >>> 15;
  }
  h = Math.imul(h ^ (h >>> 13), 0x5bd1e995);
  return h ^ (h >>> 16);
}
