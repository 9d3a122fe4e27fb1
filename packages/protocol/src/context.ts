import * as z from 'zod';
import { limits } from './limits.ts';
import { jsonObject, jsonValue } from './json.ts';
import { identifier } from './identifier.ts';

const url = z.string().max(limits.url);
const text = z.string().max(limits.text);
const name = z.string().max(limits.name);
const tag = z.string().max(limits.tag);

/** The page the event happened on (Segment Spec: context.page). */
export const pageContext = z.object({
  url: url.optional(),
  path: text.optional(),
  referrer: url.optional(),
  title: text.optional(),
  search: text.optional(),
});

/** UTM parameters of the landing URL, named as in Segment Spec's context.campaign. */
export const campaignContext = z.object({
  name: name.optional(),
  source: name.optional(),
  medium: name.optional(),
  term: name.optional(),
  content: name.optional(),
  id: name.optional(),
});

/**
 * Ad-platform click ids of the landing URL. They tell a paid click from an organic one when UTM
 * tags are missing (Google: gclid/gbraid/wbraid/gad_source/dclid, Meta: fbclid, Microsoft: msclkid,
 * LinkedIn: li_fat_id, TikTok: ttclid, X: twclid, Reddit: rdt_cid, Snapchat: sccid, Pinterest: epik,
 * Yandex: yclid).
 */
export const clickIdNames = [
  'gclid',
  'gbraid',
  'wbraid',
  'gad_source',
  'dclid',
  'fbclid',
  'msclkid',
  'li_fat_id',
  'ttclid',
  'twclid',
  'rdt_cid',
  'sccid',
  'epik',
  'yclid',
] as const;
export type ClickIdName = (typeof clickIdNames)[number];

export const clickIdsContext = z.object(
  Object.fromEntries(clickIdNames.map((key) => [key, name.optional()])) as Record<ClickIdName, z.ZodOptional<typeof name>>,
);

export const screenContext = z.object({
  width: z.number().int().min(0).max(100_000).optional(),
  height: z.number().int().min(0).max(100_000).optional(),
  density: z.number().min(0).max(100).optional(),
});

export const libraryContext = z.object({
  name: tag,
  version: tag.optional(),
});

/**
 * Where and how the event was recorded. The fields Journey reads are typed; the rest of
 * Segment Spec's context (app, device, os, network, …) passes through as bounded JSON.
 */
export const context = z
  .object({
    page: pageContext.optional(),
    campaign: campaignContext.optional(),
    clickIds: clickIdsContext.optional(),
    userAgent: text.optional(),
    locale: tag.optional(),
    timezone: tag.optional(),
    screen: screenContext.optional(),
    library: libraryContext.optional(),
    groupId: identifier.optional(),
    /** The browser's visit: rotates after 30 minutes idle or when the campaign changes. */
    sessionId: z.string().max(limits.identifier).optional(),
    /** Events this client had to drop from its full queue before this one: loss made visible. */
    dropped: z.number().int().min(0).optional(),
    ip: z.string().max(64).optional(),
    traits: jsonObject.optional(),
  })
  .catchall(jsonValue);
