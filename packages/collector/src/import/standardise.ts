import { clickIdNames } from '@journey/protocol';
import { normalizeDomain } from '../identity/identifiers.ts';

/**
 * The values of an imported touchpoint as every source must agree on them, so that the same
 * webinar exported by the CRM and by the webinar tool compares equal. Each function returns the
 * standard form, or undefined when the value cannot be read as one.
 */

/** "Sales Call", "sales-call", "SalesCall" and "SALES_CALL" are all `sales_call`. */
export function standardType(raw: string): string {
  return raw
    .trim()
    .replace(/(\p{Ll}|\p{N})(\p{Lu})/gu, '$1_$2')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, '_')
    .replace(/^_+|_+$/g, '');
}

/**
 * Query parameters that say how a visitor was brought to a page, not which page it is: UTM tags,
 * ad-platform click ids, and what email and marketing-automation tools append per recipient.
 * Two links to the same page differ only by these, so they are removed before URLs are compared.
 */
const trackingParameters = new Set<string>([
  ...clickIdNames,
  // Mailchimp, HubSpot, Marketo, Vero, Drip: per-send and per-recipient ids in email links.
  'mc_cid',
  'mc_eid',
  '_hsenc',
  '_hsmi',
  '__hstc',
  '__hssc',
  '__hsfp',
  'hsctatracking',
  'mkt_tok',
  'vero_id',
  'vero_conv',
  '__s',
  // Google's cross-domain linker and Instagram's share id.
  '_gl',
  '_ga',
  'igshid',
]);

const isTracking = (name: string) => {
  const key = name.toLowerCase();
  return key.startsWith('utm_') || trackingParameters.has(key);
};

/** The UTM values a URL carries, lower-cased: a campaign the row did not name itself. */
export function urlCampaign(url: string): { source?: string; medium?: string; name?: string } {
  const campaign: { source?: string; medium?: string; name?: string } = {};
  let query: URLSearchParams;
  try {
    query = new URL(url).searchParams;
  } catch {
    return campaign;
  }
  for (const [key, value] of query) {
    const field = ({ utm_source: 'source', utm_medium: 'medium', utm_campaign: 'name' } as const)[key.toLowerCase() as 'utm_source'];
    const standard = value.trim().toLowerCase();
    if (field && standard && campaign[field] === undefined) campaign[field] = standard;
  }
  return campaign;
}

/**
 * A web page's URL in one spelling: http(s) only, host lower-cased (URL does that, and drops a
 * default port), no fragment, no tracking parameters, the remaining parameters sorted by name
 * (values of a repeated name keep their order, which can matter to the page).
 */
export function canonicalUrl(raw: string): string | undefined {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    return undefined;
  }
  if ((url.protocol !== 'https:' && url.protocol !== 'http:') || !url.hostname) return undefined;
  url.hash = '';
  const kept = [...url.searchParams].filter(([name]) => !isTracking(name));
  kept.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  url.search = kept.length ? new URLSearchParams(kept).toString() : '';
  return url.href;
}

const isoLike =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

/** Before this a number is a count of seconds, after it of milliseconds (1e11 s is in the year 5138). */
const secondsUpTo = 1e11;

/**
 * Milliseconds since the epoch of the times sources export: ISO 8601, a date (midnight UTC), a
 * date and time with a space (UTC unless it carries an offset), or epoch seconds or milliseconds
 * (as a number or as digits). Slashed dates are refused: 03/04/2026 is March in one country and
 * April in the next, and guessing would misplace a touchpoint by a month.
 */
export function parseTime(raw: string | number): number | undefined {
  if (typeof raw === 'number' || /^\d+(\.\d+)?$/.test(raw.trim())) {
    const value = Number(raw);
    if (!Number.isFinite(value) || value < 0) return undefined;
    return Math.round(value < secondsUpTo ? value * 1000 : value);
  }
  const match = isoLike.exec(raw.trim());
  if (!match) return undefined;
  const [, year, month, day, hour = '0', minute = '0', second = '0', fraction = '', offset] = match;
  const [y, mo, d, h, mi, s] = [year, month, day, hour, minute, second].map(Number) as [number, number, number, number, number, number];
  // Date.UTC rolls 30 February over into March; a date that does not round-trip does not exist.
  const local = Date.UTC(y, mo - 1, d, h, mi, s);
  const check = new Date(local);
  if (check.getUTCFullYear() !== y || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    return undefined;
  }
  const ms = Math.round(Number(`0.${fraction || '0'}`) * 1000);
  return local + ms - offsetMinutes(offset) * 60_000;
}

function offsetMinutes(offset: string | undefined): number {
  if (!offset || offset.toUpperCase() === 'Z') return 0;
  const digits = offset.slice(1).replace(':', '');
  const minutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return offset.startsWith('-') ? -minutes : minutes;
}

/**
 * A company's domain from what a spreadsheet has in its "domain" column: a bare host, a website
 * (`https://www.acme.com/about` → `acme.com`) or someone's email (`jane@acme.com` → `acme.com`).
 */
export function standardDomain(raw: string): string | undefined {
  const value = raw.trim();
  return normalizeDomain(!value.includes('://') && value.includes('@') ? value.slice(value.lastIndexOf('@') + 1) : value);
}
