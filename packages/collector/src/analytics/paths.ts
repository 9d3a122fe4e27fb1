/**
 * Conversion paths: the channels and pages people came through on their way to converting, the
 * most common sequences first. Pure: no I/O.
 */
import type { Touchpoint } from '../journey/touchpoint.ts';
import { conversionsOf, journeyTo, type Conversion } from './conversion.ts';
import { round, type DateRange, type StagedOwner } from './owner.ts';

export interface ConversionPath {
  /** The last `steps` channels or pages before converting, repeats in a row counted once. */
  path: string[];
  /** Whether earlier steps were cut off: the same tail after a longer journey is a different path. */
  truncated: boolean;
  /** Owners who converted along it. */
  conversions: number;
  /** Of all who converted, 4 decimals. */
  share: number;
}

export interface Paths {
  /** Owners who converted in the range. */
  conversions: number;
  channels: ConversionPath[];
  /** Only sessions' pages: where someone landed on each visit. */
  pages: ConversionPath[];
}

/**
 * Each owner counts once, on the way to their first conversion in the range: a repeat buyer's
 * second order would otherwise count their journey twice. The path is what led to the conversion:
 * a converting event or imported touchpoint is left out, while a converting session (landing on
 * /pricing entered Consideration) is the last step of the way and stays.
 */
export function paths(owners: readonly StagedOwner[], conversion: Conversion, range: DateRange, options: { steps?: number; top?: number } = {}): Paths {
  const steps = options.steps ?? 5;
  const channels = new Map<string, Omit<ConversionPath, 'share'>>();
  const pages = new Map<string, Omit<ConversionPath, 'share'>>();
  let converted = 0;
  for (const owner of owners) {
    const [first] = conversionsOf(owner, conversion, range);
    if (!first) continue;
    converted++;
    const journey = journeyTo(owner, first);
    const led = first.touchpointIndex !== null && journey.at(-1)!.kind !== 'session' ? journey.slice(0, -1) : journey;
    count(channels, approach(led.map((touchpoint) => touchpoint.channel), steps));
    count(pages, approach(led.filter((touchpoint) => touchpoint.kind === 'session').map(pageOf), steps));
  }
  const ranked = (groups: Map<string, Omit<ConversionPath, 'share'>>) =>
    [...groups.values()]
      .map((group) => ({ ...group, share: round(group.conversions / converted, 4) }))
      .sort((a, b) => b.conversions - a.conversions || compare(a.path.join(' → '), b.path.join(' → ')) || Number(a.truncated) - Number(b.truncated))
      .slice(0, options.top ?? 10);
  return { conversions: converted, channels: ranked(channels), pages: ranked(pages) };
}

const pageOf = (touchpoint: Touchpoint) => touchpoint.path ?? touchpoint.name;

/** Repeats in a row once (three organic visits are one step of the way), then the last `steps`. */
function approach(sequence: readonly string[], steps: number): { path: string[]; truncated: boolean } {
  const collapsed = sequence.filter((step, index) => index === 0 || step !== sequence[index - 1]);
  return { path: collapsed.slice(Math.max(0, collapsed.length - steps)), truncated: collapsed.length > steps };
}

function count(groups: Map<string, Omit<ConversionPath, 'share'>>, { path, truncated }: { path: string[]; truncated: boolean }): void {
  const key = JSON.stringify([truncated, path]);
  const group = groups.get(key) ?? { path, truncated, conversions: 0 };
  group.conversions++;
  groups.set(key, group);
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
