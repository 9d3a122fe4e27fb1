/**
 * Forms people started and left (the SDK's "Form Abandoned"): a friction point the journey map
 * shows beside the funnel's drop-offs. By the page the form was on, most abandoned first. Pure.
 */
import type { Touchpoint } from '../journey/touchpoint.ts';
import { fieldAt, indexesIn, ownIndexesIn, type DateRange, type StagedOwner } from './owner.ts';

export const formAbandoned = 'Form Abandoned';

export interface AbandonedForm {
  /** The page the form was on. */
  path: string;
  /** Times it was left, in the range. */
  abandoned: number;
  /** Distinct people (or accounts) who left it. */
  owners: number;
}

const isAbandoned = (touchpoint: Touchpoint) => touchpoint.kind === 'event' && touchpoint.name === formAbandoned;

/**
 * Each staged owner's abandoned forms, found once: a staged owner is never changed (a change stages
 * a new one), and reading every touchpoint of 63,000 people for the few forms among them was a
 * quarter of each funnel on a million events.
 */
const formsOf = new WeakMap<StagedOwner, Touchpoint[]>();
const abandonedBy = (owner: StagedOwner): Touchpoint[] => {
  let forms = formsOf.get(owner);
  if (!forms) formsOf.set(owner, (forms = owner.touchpoints.filter(isAbandoned)));
  return forms;
};

/** The owner's abandoned forms in the range, each passed to `found`; building only those where the owner builds touchpoints one by one. */
function abandonedIn(owner: StagedOwner, range: DateRange, found: (touchpoint: Touchpoint) => void): void {
  if (owner.touchpointAt) {
    const [start, end] = ownIndexesIn(owner, range);
    for (let index = start; index < end; index++) {
      if (fieldAt(owner, index, 'name') === formAbandoned && fieldAt(owner, index, 'kind') === 'event') found(owner.touchpointAt(index));
    }
    return;
  }
  const forms = abandonedBy(owner);
  if (forms.length === 0) return;
  const [start, end] = indexesIn(forms, range);
  for (let index = start; index < end; index++) found(forms[index]!);
}

export function abandonedForms(owners: readonly StagedOwner[], range: DateRange, top = 5): AbandonedForm[] {
  const byPath = new Map<string, { abandoned: number; owners: Set<string> }>();
  for (const owner of owners) {
    abandonedIn(owner, range, (touchpoint) => {
      const path = touchpoint.path ?? '(not set)';
      const entry = byPath.get(path) ?? { abandoned: 0, owners: new Set<string>() };
      entry.abandoned += 1;
      entry.owners.add(owner.id);
      byPath.set(path, entry);
    });
  }
  return [...byPath]
    .map(([path, entry]) => ({ path, abandoned: entry.abandoned, owners: entry.owners.size }))
    .sort((a, b) => b.abandoned - a.abandoned || b.owners - a.owners || (a.path < b.path ? -1 : 1))
    .slice(0, top);
}
