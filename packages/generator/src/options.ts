import * as z from 'zod';

const day = 86_400_000;

/**
 * What to generate. Counts of people and accounts are exact; events is a target the generator
 * meets within a few percent by making people more or less active. The three realism switches are
 * on where a correct collector can still agree with the truth, and off where it cannot.
 */
export const generatorOptions = z
  .strictObject({
    /** Same seed and options, same bytes. */
    seed: z.union([z.int(), z.string().max(200)]).default(1),
    /** People in all: B2B buyers at the accounts, the rest individuals with free-mail addresses. */
    people: z.int().min(1).max(10_000_000).default(1000),
    /** B2B companies; by default one for every 25 people (2,000 for 50,000). */
    accounts: z.int().min(0).max(1_000_000).optional(),
    /** About how many events in all; by default what the people do at their usual pace (≈ 20 each). */
    events: z.int().min(1).max(1_000_000_000).optional(),
    /** When the first journeys begin: an ISO date-time, a Date, or ms since the epoch. */
    start: z.union([z.iso.datetime({ offset: true }), z.date(), z.int()]).default('2025-01-01T00:00:00.000Z'),
    /** How long the window is: nothing happens after start + days. */
    days: z.int().min(1).max(3650).default(365),
    /** The tracked site's origin: page URLs are built on it. */
    site: z.url({ protocol: /^https?$/ }).default('https://www.acme-pipeline.example'),
    /** Events carry `timestamp`, so a collector files them at their past times (historical import). */
    historical: z.boolean().default(true),
    /** People log in on their other devices after signing up, so those devices can be linked to them. */
    crossDevice: z.boolean().default(true),
    /** Couples share a family laptop without logging out: one anonymousId, two people. */
    sharedDevices: z.boolean().default(false),
    /** Some visits are delivered late (a phone offline), so their sentAt is hours after their timestamp. */
    lateDelivery: z.boolean().default(true),
  })
  .refine((options) => (options.accounts ?? 0) <= options.people, { message: 'accounts cannot outnumber people', path: ['accounts'] });

export type GeneratorOptions = z.input<typeof generatorOptions>;

/** Options with every default filled in and the window in milliseconds. */
export interface Settings {
  seed: number | string;
  people: number;
  accounts: number;
  events: number | undefined;
  /** The window: [start, end) in ms since the epoch. */
  start: number;
  end: number;
  site: string;
  historical: boolean;
  crossDevice: boolean;
  sharedDevices: boolean;
  lateDelivery: boolean;
}

export function settingsOf(options: GeneratorOptions = {}): Settings {
  const parsed = generatorOptions.parse(options);
  const start = typeof parsed.start === 'number' ? parsed.start : new Date(parsed.start).getTime();
  return {
    seed: parsed.seed,
    people: parsed.people,
    accounts: parsed.accounts ?? Math.min(parsed.people, Math.round(parsed.people / 25)),
    events: parsed.events,
    start,
    end: start + parsed.days * day,
    site: parsed.site.replace(/\/+$/, ''),
    historical: parsed.historical,
    crossDevice: parsed.crossDevice,
    sharedDevices: parsed.sharedDevices,
    lateDelivery: parsed.lateDelivery,
  };
}
