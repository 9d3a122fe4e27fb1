/**
 * When people visit: B2B buyers in working hours on weekdays, individuals mornings, lunch and
 * evenings, every day — each in their own time zone.
 */
import type { Locale } from './names.ts';
import type { Audience } from './persona.ts';
import type { Random } from './random.ts';

export const minute = 60_000;
export const hour = 60 * minute;
export const day = 24 * hour;

const workingHours: ReadonlyArray<readonly [number, number]> = [
  [8, 4], [9, 9], [10, 12], [11, 11], [12, 6], [13, 9], [14, 11], [15, 10], [16, 8], [17, 5], [18, 2], [20, 1], [21, 1],
];
const leisureHours: ReadonlyArray<readonly [number, number]> = [
  [7, 3], [8, 4], [9, 3], [10, 3], [11, 3], [12, 6], [13, 5], [14, 3], [15, 3], [16, 3], [17, 4], [18, 6], [19, 8], [20, 10], [21, 10], [22, 7], [23, 3],
];

/**
 * A plausible moment on the day of `at` in the person's time zone: the hour is redrawn, and a
 * B2B visit that falls on a weekend usually waits for Monday.
 */
export function duringDay(at: number, audience: Audience, locale: Locale, random: Random): number {
  const offset = locale.offset * hour;
  let midnight = Math.floor((at + offset) / day) * day;
  const weekday = new Date(midnight).getUTCDay();
  if (audience === 'b2b' && (weekday === 0 || weekday === 6) && random.chance(0.85)) midnight += (weekday === 6 ? 2 : 1) * day;
  const clock = random.weighted(audience === 'b2b' ? workingHours : leisureHours);
  return midnight + clock * hour + random.int(0, hour - 1) - offset;
}

const pad2 = (value: number) => (value < 10 ? '0' : '') + value;
const pad3 = (value: number) => (value < 10 ? '00' : value < 100 ? '0' : '') + value;
let cachedDay = Number.NaN;
let cachedDate = '';

/**
 * Date.prototype.toISOString for whole milliseconds, made faster by formatting each day once:
 * a million events need three million of these.
 */
export function iso(at: number): string {
  const days = Math.floor(at / day);
  if (days !== cachedDay) {
    cachedDay = days;
    cachedDate = new Date(days * day).toISOString().slice(0, 11);
  }
  let rest = at - days * day;
  const hours = Math.floor(rest / hour);
  rest -= hours * hour;
  const minutes = Math.floor(rest / minute);
  rest -= minutes * minute;
  const seconds = Math.floor(rest / 1000);
  return `${cachedDate}${pad2(hours)}:${pad2(minutes)}:${pad2(seconds)}.${pad3(rest - seconds * 1000)}Z`;
}
