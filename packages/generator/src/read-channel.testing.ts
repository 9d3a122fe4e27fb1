import type { Channel } from './channel.ts';

/** What a landing carries, as the arrival has it and as events put it in their context. */
export interface Landing {
  utm?: Record<string, string> | undefined;
  clickIds?: Record<string, string> | undefined;
  referrer: string;
}

/**
 * GA4's default channel group, as far as the generator's arrivals need it — the collector holds the
 * full rules. Written apart from channel.ts so tests check the one against the other: click ids
 * first, then the UTM medium, then the kind of site that referred.
 */
export function readChannel(landing: Landing): Channel {
  const medium = landing.utm?.medium;
  if (landing.clickIds?.gclid || landing.clickIds?.msclkid) return 'Paid Search';
  if (landing.clickIds?.li_fat_id || medium === 'paid_social') return 'Paid Social';
  if (medium === 'display' || medium === 'banner') return 'Display';
  if (medium === 'email') return 'Email';
  if (medium === 'social' || landing.clickIds?.fbclid) return 'Organic Social';
  if (!landing.referrer) return 'Direct';
  const host = new URL(landing.referrer).hostname;
  if (/(^|\.)(google\.[a-z.]+|bing\.com|duckduckgo\.com|search\.yahoo\.co\.jp)$/.test(host)) return 'Organic Search';
  if (/(^|\.)(linkedin\.com|t\.co|reddit\.com|news\.ycombinator\.com|facebook\.com|instagram\.com|x\.com)$/.test(host)) return 'Organic Social';
  return 'Referral';
}
