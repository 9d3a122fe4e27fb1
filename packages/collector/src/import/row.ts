import * as z from 'zod';
import { isPlaceholderId, jsonObject, limits } from '@journey/protocol';
import { normalizeEmail } from '../identity/identifiers.ts';
import type { OfflineTouchpoint } from './offline-touchpoint.ts';
import type { RecordFields } from './fields.ts';
import { canonicalUrl, parseTime, standardDomain, standardType, urlCampaign } from './standardise.ts';

export type RowError = { field: string; message: string };

/** Sources may be a day ahead (time zones, a meeting booked for tomorrow); later is a wrong column. */
const futureAllowance = 24 * 60 * 60 * 1000;

const scalar = (value: unknown): value is string | number => typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));

/** Text, or a number exported where text was meant (ids); what a spreadsheet cell can hold. */
const text = z
  .custom<string | number>(scalar, { error: (issue) => (issue.input === undefined ? 'required' : 'expected text or a number') })
  .transform(String);

const upTo = (max: number) => z.string().max(max, { error: `longer than ${max} characters` });

/** A value read into its standard form by `standardise`, or refused with `message`. */
const standard = (max: number, standardise: (value: string) => string | undefined, message: (value: string) => string) =>
  text.pipe(upTo(max)).transform((value, ctx) => {
    const result = standardise(value);
    if (result === undefined) ctx.addIssue({ code: 'custom', message: message(value), input: value });
    return result ?? z.NEVER;
  });

const lowerCase = (max: number) => text.transform((value) => value.toLowerCase()).pipe(upTo(max));

const id = text.pipe(upTo(limits.identifier)).refine((value) => !isPlaceholderId(value), { error: (issue) => `"${String(issue.input)}" is a placeholder, not an id` });

const quote = (value: string) => `"${value.length > 60 ? value.slice(0, 60) + '…' : value}"`;

/**
 * A record's fields, checked and standardised. Each field is checked on its own so a row's
 * errors name every problem at once, rather than the first one a fix would uncover.
 */
const rowSchema = (now: number) =>
  z.object({
    source: lowerCase(limits.name),
    externalId: text.pipe(upTo(limits.identifier)),
    type: text.pipe(upTo(limits.name)).transform((value, ctx) => {
      const type = standardType(value);
      if (!type) ctx.addIssue({ code: 'custom', message: `${quote(value)} has no letters or digits`, input: value });
      return type;
    }),
    occurredAt: z.custom<string | number>(scalar, { error: (issue) => (issue.input === undefined ? 'required' : 'expected a time') }).transform((value, ctx) => {
      const time = parseTime(value);
      if (time === undefined) {
        ctx.addIssue({ code: 'custom', message: `${quote(String(value))} is not a time: use ISO 8601 (2026-11-25T14:30:00Z), YYYY-MM-DD [HH:MM[:SS]] in UTC, or epoch seconds or milliseconds`, input: value });
      } else if (time > now + futureAllowance) {
        ctx.addIssue({ code: 'custom', message: `${new Date(time).toISOString()} is more than a day in the future`, input: value });
      }
      return time ?? z.NEVER;
    }),
    email: standard(limits.identifier, normalizeEmail, (value) => `${quote(value)} is not a valid email`).optional(),
    userId: id.optional(),
    accountId: id.optional(),
    domain: standard(limits.identifier, standardDomain, (value) => `${quote(value)} is not a domain`).optional(),
    'campaign.source': lowerCase(limits.name).optional(),
    'campaign.medium': lowerCase(limits.name).optional(),
    'campaign.name': lowerCase(limits.name).optional(),
    url: standard(limits.url, canonicalUrl, (value) => `${quote(value)} is not an http(s) URL`)
      .pipe(upTo(limits.url))
      .optional(),
    properties: jsonObject.optional(),
  });

export type RowResult = { ok: true; touchpoint: OfflineTouchpoint } | { ok: false; errors: RowError[] };

/** Checks and standardises one record's fields; `now` bounds how far ahead a time may be. */
export function touchpointRow(now: number): (record: RecordFields) => RowResult {
  const schema = rowSchema(now);
  return ({ fields, properties }) => {
    const errors: RowError[] = [];
    const parsed = schema.safeParse({ ...fields, properties });
    if (!parsed.success) {
      for (const issue of parsed.error.issues) errors.push({ field: issue.path.map(String).join('.'), message: issue.message });
    }
    if (fields.email === undefined && fields.userId === undefined && fields.accountId === undefined && fields.domain === undefined) {
      errors.push({ field: 'email', message: 'a touchpoint needs a person (email or userId) or an account (accountId or domain)' });
    }
    if (!parsed.success || errors.length) return { ok: false, errors };

    const { 'campaign.source': source, 'campaign.medium': medium, 'campaign.name': name, ...row } = parsed.data;
    // The row's own campaign wins; a landing URL's UTM tags fill what it left out, before
    // canonicalUrl removes them from the URL.
    const fromUrl = fields.url !== undefined && scalar(fields.url) ? urlCampaign(String(fields.url)) : {};
    const campaign = withoutUndefined({ source: source ?? fits(fromUrl.source), medium: medium ?? fits(fromUrl.medium), name: name ?? fits(fromUrl.name) });
    const touchpoint = withoutUndefined({ ...row, campaign: Object.keys(campaign).length ? campaign : undefined }) as OfflineTouchpoint;

    const bytes = new TextEncoder().encode(JSON.stringify(touchpoint)).byteLength;
    if (bytes > limits.eventBytes) {
      return { ok: false, errors: [{ field: 'properties', message: `the touchpoint is ${bytes} bytes once serialised; at most ${limits.eventBytes}` }] };
    }
    return { ok: true, touchpoint };
  };
}

const fits = (value: string | undefined) => (value !== undefined && value.length <= limits.name ? value : undefined);

const withoutUndefined = <T extends object>(value: T): T =>
  Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined)) as T;
