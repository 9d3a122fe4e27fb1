/**
 * What counts as a conversion for paths and attribution, and when each owner converted. Pure: no I/O.
 */
import type { StagedJourney } from '../journey/staged.ts';
import type { Touchpoint } from '../journey/touchpoint.ts';
import { inRange, type DateRange } from './owner.ts';

/** Reaching a stage (`?conversion=purchase`), or a key event by name, case-insensitive. */
export type Conversion = { stage: string } | { event: string };

/** One conversion of one owner: when, and the touchpoint that made it, if a touchpoint did. */
export interface Converted {
  at: number;
  /** Index into the owner's touchpoints; null when a trait did it (a CRM set lifecycle_stage). */
  touchpointIndex: number | null;
}

/** The conversion's name as attribution records it: the stage id or the event name. */
export const conversionName = (conversion: Conversion): string => ('stage' in conversion ? conversion.stage : conversion.event);

const fold = (name: string) => name.trim().toLowerCase();

/**
 * An owner's conversions in the range, in journey order. A stage converts once, when first reached —
 * skipped counts, since someone who went straight to Purchase did reach it — and only if that was in
 * the range. An event converts every time it happened: a second order is a second conversion.
 */
export function conversionsOf(owner: Pick<StagedJourney, 'touchpoints' | 'history'>, conversion: Conversion, range: DateRange): Converted[] {
  if ('stage' in conversion) {
    const entry = owner.history.stages.find((entry) => entry.stage === conversion.stage);
    if (!entry || !inRange(entry.at, range)) return [];
    const index = 'touchpointId' in entry ? owner.touchpoints.findIndex((touchpoint) => touchpoint.id === entry.touchpointId) : -1;
    return [{ at: entry.at, touchpointIndex: index === -1 ? null : index }];
  }
  const name = fold(conversion.event);
  return owner.touchpoints.flatMap((touchpoint, index) =>
    touchpoint.kind === 'event' && fold(touchpoint.name) === name && inRange(touchpoint.at, range) ? [{ at: touchpoint.at, touchpointIndex: index }] : [],
  );
}

/**
 * The touchpoints up to a conversion, the converting one included. Up to its index when a touchpoint
 * made it, not up to its time: what came after it in the same millisecond did not lead to it.
 */
export function journeyTo(owner: Pick<StagedJourney, 'touchpoints'>, converted: Converted): Touchpoint[] {
  if (converted.touchpointIndex !== null) return owner.touchpoints.slice(0, converted.touchpointIndex + 1);
  return owner.touchpoints.filter((touchpoint) => touchpoint.at <= converted.at);
}
