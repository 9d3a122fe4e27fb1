/**
 * The filters every aggregate query takes: a channel (someone who came through it in the range)
 * and account traits (the persona or ICP: `account.industry=software`, `account.employees=50..200`).
 * Pure.
 */
import type { JsonValue } from '@journey/protocol';
import { inRange, type DateRange, type StagedOwner } from './owner.ts';

export interface OwnerFilters {
  channel?: string;
  /** Account trait key → wanted value: text (case-insensitive) or a number range `min..max` (inclusive, either end open). */
  account?: Record<string, string>;
}

/** Whether a trait's value is what a filter asks: `50..200`, `..10`, `1000..` for numbers; else equal text. */
export function traitMatches(value: JsonValue | undefined, wanted: string): boolean {
  if (value === undefined || value === null) return false;
  const range = /^(-?\d+(?:\.\d+)?)?\.\.(-?\d+(?:\.\d+)?)?$/.exec(wanted);
  if (range && (range[1] !== undefined || range[2] !== undefined)) {
    const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
    return !Number.isNaN(number) && (range[1] === undefined || number >= Number(range[1])) && (range[2] === undefined || number <= Number(range[2]));
  }
  return String(value).trim().toLowerCase() === wanted.trim().toLowerCase();
}

/** The owners the filters keep. People are judged by their account's traits; accounts by their own. */
export function filterOwners(
  owners: readonly StagedOwner[],
  filters: OwnerFilters,
  range: DateRange,
  accounts: { traitsOf: (accountId: string) => Record<string, JsonValue> | undefined; accountOfPerson: (personId: string) => string | undefined },
): StagedOwner[] {
  const wanted = Object.entries(filters.account ?? {});
  return owners.filter((owner) => {
    if (filters.channel !== undefined && !owner.touchpoints.some((touchpoint) => touchpoint.channel === filters.channel && inRange(touchpoint.at, range))) return false;
    if (wanted.length === 0) return true;
    const account = owner.kind === 'account' ? owner.id : accounts.accountOfPerson(owner.id);
    const traits = account === undefined ? undefined : accounts.traitsOf(account);
    return traits !== undefined && wanted.every(([key, value]) => traitMatches(traits[key], value));
  });
}
