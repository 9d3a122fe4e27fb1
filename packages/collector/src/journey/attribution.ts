/**
 * Multi-touch attribution: how much credit each touchpoint of a journey earns for one conversion,
 * and the credit of many conversions summed by channel, campaign and touchpoint. Pure: no I/O,
 * Web-standard APIs only.
 *
 * Credit is counted in integer parts per million of one conversion, not in fractions: a float sum
 * drifts (0.1 + 0.2 !== 0.3), and "each conversion's credits sum to exactly 1" must hold for every
 * model and every journey length. Each conversion's million is split by largest remainder, so its
 * parts always add up to exactly the million; sums of parts stay exact integers (up to 9 · 10^9
 * conversions); and a number is made only at the edge, in the summary.
 */
import type { Touchpoint } from './touchpoint.ts';

export const attributionModels = ['first', 'last', 'linear', 'position', 'w_shaped', 'time_decay'] as const;
export type AttributionModel = (typeof attributionModels)[number];

/** One conversion's whole credit, in parts. */
export const partsPerConversion = 1_000_000;

/** Time decay halves a touchpoint's weight for every week between it and the conversion. */
export const timeDecayHalfLife = 7 * 24 * 60 * 60 * 1000;

export interface Conversion {
  /** When it happened (ms since the epoch); only touchpoints at or before it earn credit. */
  at: number;
  /** What it was: the stage entered ("purchase") or the event ("Order Completed"). */
  name?: string;
  /** Id of the touchpoint that created the lead (W-shaped). */
  leadCreatedBy?: string;
  /** Id of the touchpoint that created the opportunity (W-shaped). */
  opportunityCreatedBy?: string;
}

/** A touchpoint's share of one conversion, in parts of `partsPerConversion`. */
export interface Credit {
  touchpoint: Touchpoint;
  parts: number;
}

/**
 * Each touchpoint's credit for the conversion, in journey order. Touchpoints after the conversion
 * are left out; a conversion with no touchpoint before it gets no credits at all (unattributed).
 * The parts always sum to exactly `partsPerConversion`.
 */
export function attribute(
  model: AttributionModel,
  conversion: Conversion,
  touchpoints: readonly Touchpoint[],
): Credit[] {
  // Sorted (stably) because first and last mean earliest and latest even when the caller merged
  // sessions, events and imported touchpoints from different sources.
  const journey = touchpoints.filter((t) => t.at <= conversion.at).sort((a, b) => a.at - b.at);
  if (journey.length === 0) return [];
  const parts = apportion(weigh[model](journey, conversion));
  return journey.map((touchpoint, i) => ({ touchpoint, parts: parts[i]! }));
}

/**
 * Relative weights per model. The rule-based models use small integers, so every share is an exact
 * rational and two equal shares are equal floats: a tie in the rounding is a real tie.
 */
const weigh: Record<AttributionModel, (journey: readonly Touchpoint[], conversion: Conversion) => number[]> = {
  first: (journey) => journey.map((_, i) => (i === 0 ? 1 : 0)),
  last: (journey) => journey.map((_, i) => (i === journey.length - 1 ? 1 : 0)),
  linear: (journey) => journey.map(() => 1),

  // 40 % first, 40 % last, 20 % over the m in between: 40 : 20/m = 2m : 1. Two touchpoints: 50/50.
  position: (journey) => {
    const middle = journey.length - 2;
    if (middle <= 0) return journey.map(() => 1);
    return journey.map((_, i) => (i === 0 || i === journey.length - 1 ? 2 * middle : 1));
  },

  // Three milestones (first touch, lead creation, opportunity creation) share 90 % equally, the
  // rest of the journey shares 10 %. Fallbacks, so the credits still sum to 1:
  // - a milestone that is missing (not given, or not among the counted touchpoints) drops out, and
  //   the ones reached share the 90 % (45/45, or 90 to the first touch alone);
  // - a touchpoint that reached several milestones earns each of them (first touch that also
  //   created the lead: 60 %), since it did both jobs;
  // - with no rest, the milestones share the whole.
  // Each of k milestones against each of r others: 90/k : 10/r = 9r : k.
  w_shaped: (journey, conversion) => {
    const created = [conversion.leadCreatedBy, conversion.opportunityCreatedBy];
    const milestones = journey.map((t, i) => (i === 0 ? 1 : 0) + created.filter((id) => id === t.id).length);
    const reached = milestones.reduce((sum, m) => sum + m, 0);
    const rest = milestones.filter((m) => m === 0).length;
    if (rest === 0) return milestones;
    return milestones.map((m) => (m === 0 ? reached : 9 * rest * m));
  },

  // 2^(-(conversion - touch) / halfLife), measured from the latest touchpoint instead: the common
  // factor cancels when normalised, and the latest weighing 1 keeps a years-old journey from
  // underflowing to 0/0.
  time_decay: (journey) => {
    const latest = journey[journey.length - 1]!.at;
    return journey.map((t) => 2 ** (-(latest - t.at) / timeDecayHalfLife));
  },
};

/**
 * Splits `partsPerConversion` in proportion to the weights by largest remainder: everyone gets the
 * floor of their quota, and the parts left over go one each to the largest fractions, ties to the
 * earlier touchpoint. The floors sum to at most the whole and fall short by fewer parts than there
 * are touchpoints (rounding error here is ~10^-7 of a part), so one pass settles it.
 */
function apportion(weights: readonly number[]): number[] {
  const total = weights.reduce((sum, w) => sum + w, 0);
  const quotas = weights.map((w) => (partsPerConversion * w) / total);
  const parts = quotas.map(Math.floor);
  const left = partsPerConversion - parts.reduce((sum, p) => sum + p, 0);
  const fraction = (i: number) => quotas[i]! - parts[i]!;
  const byFraction = quotas.map((_, i) => i).sort((a, b) => fraction(b) - fraction(a) || a - b);
  for (const i of byFraction.slice(0, left)) parts[i]!++;
  return parts;
}

/** Credit summed over conversions for one channel, campaign or touchpoint. */
export interface CreditTotal {
  key: string;
  /** In conversions: 2.5 means two and a half conversions' worth of credit. */
  credit: number;
  /** The same, exact, in parts of `partsPerConversion`. */
  parts: number;
  /** Conversions in which it earned any credit. */
  conversions: number;
}

export interface AttributionSummary {
  conversions: number;
  /** Conversions with no touchpoint before them: counted, but no one gets their credit. */
  unattributed: number;
  byChannel: CreditTotal[];
  byCampaign: CreditTotal[];
  /** By the touchpoint's name: entry page, event name or imported type. */
  byTouchpoint: CreditTotal[];
}

/** Sums the credits of many conversions (one `attribute` result each), largest credit first. */
export function summarize(conversions: Iterable<readonly Credit[]>): AttributionSummary {
  const byChannel = new Totals();
  const byCampaign = new Totals();
  const byTouchpoint = new Totals();
  let count = 0;
  let unattributed = 0;
  for (const credits of conversions) {
    count++;
    if (credits.length === 0) unattributed++;
    byChannel.add(credits, (t) => t.channel);
    byCampaign.add(credits, (t) => t.campaign);
    byTouchpoint.add(credits, (t) => t.name);
  }
  return {
    conversions: count,
    unattributed,
    byChannel: byChannel.rows(),
    byCampaign: byCampaign.rows(),
    byTouchpoint: byTouchpoint.rows(),
  };
}

class Totals {
  readonly #totals = new Map<string, { parts: number; conversions: number }>();

  add(credits: readonly Credit[], keyOf: (touchpoint: Touchpoint) => string): void {
    const seen = new Set<string>();
    for (const { touchpoint, parts } of credits) {
      if (parts === 0) continue;
      const key = keyOf(touchpoint);
      const total = this.#totals.get(key) ?? { parts: 0, conversions: 0 };
      total.parts += parts;
      // A channel touched twice in one journey still counts that conversion once.
      if (!seen.has(key)) total.conversions++;
      seen.add(key);
      this.#totals.set(key, total);
    }
  }

  rows(): CreditTotal[] {
    return [...this.#totals]
      .map(([key, { parts, conversions }]) => ({ key, credit: parts / partsPerConversion, parts, conversions }))
      .sort((a, b) => b.parts - a.parts || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
