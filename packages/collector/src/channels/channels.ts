/**
 * Marketing channels: Google Analytics 4's default channel group, so a session's channel reads the
 * same here as in the GA4 reports our users already know. Pure: no I/O, Web-standard APIs only.
 */
import { siteName, sourceCategory, type SourceCategory } from './source-categories.ts';

/** GA4's default channels, in the order its rules are tried. */
export const channels = [
  'Direct',
  'Cross-network',
  'Paid Shopping',
  'Paid Search',
  'Paid Social',
  'Paid Video',
  'Display',
  'Paid Other',
  'Organic Shopping',
  'Organic Social',
  'Organic Video',
  'Organic Search',
  'Referral',
  'Email',
  'Affiliates',
  'Audio',
  'SMS',
  'Mobile Push Notifications',
  'Unassigned',
] as const;
export type Channel = (typeof channels)[number];

/** Landing-page parameters that ad platforms add to a click. */
export const clickIds = [
  'gclid',
  'gbraid',
  'wbraid',
  'gad_source',
  'msclkid',
  'fbclid',
  'li_fat_id',
  'ttclid',
  'twclid',
] as const;
export type ClickId = (typeof clickIds)[number];

/** What a session's landing page view says about where the visitor came from. */
export interface Landing {
  utmSource?: string | null;
  utmMedium?: string | null;
  utmCampaign?: string | null;
  /** The referrer as the browser gave it: a URL, or a bare host. */
  referrer?: string | null;
  /** Click ids on the landing URL; only their presence counts. */
  clickIds?: Partial<Record<ClickId, string | null>>;
  /** The site's own host: a referrer from it or its subdomains is navigation, not a referral. */
  siteHost?: string | null;
}

/** A touchpoint's source, medium and campaign: trimmed, lower-case, "(not set)" when missing. */
export interface SourceMedium {
  source: string;
  medium: string;
  campaign: string;
}

export interface TouchpointChannel extends SourceMedium {
  channel: Channel;
}

const notSet = '(not set)';

function normalize(value: string | null | undefined): string | undefined {
  return value?.trim().toLowerCase() || undefined;
}

function hostOf(referrer: string): string | undefined {
  try {
    const url = new URL(referrer.includes('://') ? referrer : `https://${referrer}`);
    return url.hostname.replace(/\.$/, '') || undefined;
  } catch {
    return undefined;
  }
}

const withoutWww = (host: string) => host.replace(/^www\./, '');

function externalReferrerHost(landing: Landing): string | undefined {
  const raw = normalize(landing.referrer);
  const host = raw && hostOf(raw);
  if (!host) return undefined;
  const referrer = withoutWww(host);
  const site = normalize(landing.siteHost);
  const own = site && withoutWww(hostOf(site) ?? site);
  return own && (referrer === own || referrer.endsWith(`.${own}`)) ? undefined : referrer;
}

/**
 * Click ids that only ad clicks carry. Like GA4's auto-tagging, they name the source and medium even
 * when UTM parameters say otherwise; gad_source stays when browsers strip gclid.
 */
const adClicks: ReadonlyArray<readonly [ClickId, string]> = [
  ['gclid', 'google'],
  ['gbraid', 'google'],
  ['wbraid', 'google'],
  ['gad_source', 'google'],
  ['msclkid', 'bing'],
  ['li_fat_id', 'linkedin'],
  ['ttclid', 'tiktok'],
  ['twclid', 'x'],
];

/**
 * Source, medium and campaign of a landing, in GA4's precedence: an ad click id, then UTM
 * parameters, then the referrer; nothing at all is (direct) / (none). Meta adds fbclid to organic
 * links too, so it only fills in what UTM leaves out: social, and paid only with a paid medium.
 */
export function sourceMediumOf(landing: Landing): SourceMedium {
  const campaign = normalize(landing.utmCampaign) ?? notSet;
  const hasClickId = (id: ClickId) => Boolean(normalize(landing.clickIds?.[id]));
  const adClick = adClicks.find(([id]) => hasClickId(id));
  if (adClick) return { source: adClick[1], medium: 'cpc', campaign };

  const fbclid = hasClickId('fbclid');
  const utmSource = normalize(landing.utmSource);
  const utmMedium = normalize(landing.utmMedium);
  if (utmSource || utmMedium || campaign !== notSet) {
    return {
      source: utmSource ?? (fbclid ? 'facebook' : notSet),
      medium: utmMedium ?? (fbclid ? 'social' : notSet),
      campaign,
    };
  }

  const referrer = externalReferrerHost(landing);
  const category = referrer ? sourceCategory(referrer) : undefined;
  if (fbclid) return { source: referrer && category === 'social' ? referrer : 'facebook', medium: 'social', campaign };
  if (!referrer) return { source: '(direct)', medium: '(none)', campaign };
  if (category === 'search') return { source: siteName(referrer), medium: 'organic', campaign };
  return { source: referrer, medium: 'referral', campaign };
}

interface Traffic extends SourceMedium {
  category: SourceCategory | undefined;
  paid: boolean;
}

const paidMedium = /^(.*cp.*|ppc|retargeting|paid.*)$/;
const shoppingCampaign = /^(.*(([^a-df-z]|^)shop|shopping).*)$/;
const displayMediums = new Set(['display', 'banner', 'expandable', 'interstitial', 'cpm']);
const socialMediums = new Set(['social', 'social-network', 'social-media', 'sm', 'social network', 'social media']);
const referralMediums = new Set(['referral', 'app', 'link']);
const emailNames = new Set(['email', 'e-mail', 'e_mail', 'e mail']);

const isShopping = (t: Traffic) => t.category === 'shopping' || shoppingCampaign.test(t.campaign);

/** GA4's default channel group definitions, top-down; the first that applies names the channel. */
const rules: ReadonlyArray<readonly [Channel, (t: Traffic) => boolean]> = [
  ['Direct', (t) => t.source === '(direct)' && (t.medium === '(none)' || t.medium === notSet)],
  ['Cross-network', (t) => t.campaign.includes('cross-network')],
  ['Paid Shopping', (t) => isShopping(t) && t.paid],
  ['Paid Search', (t) => t.category === 'search' && t.paid],
  ['Paid Social', (t) => t.category === 'social' && t.paid],
  ['Paid Video', (t) => t.category === 'video' && t.paid],
  ['Display', (t) => displayMediums.has(t.medium)],
  ['Paid Other', (t) => t.paid],
  ['Organic Shopping', isShopping],
  ['Organic Social', (t) => t.category === 'social' || socialMediums.has(t.medium)],
  ['Organic Video', (t) => t.category === 'video' || t.medium.includes('video')],
  ['Organic Search', (t) => t.category === 'search' || t.medium === 'organic'],
  ['Referral', (t) => referralMediums.has(t.medium)],
  ['Email', (t) => emailNames.has(t.source) || emailNames.has(t.medium)],
  ['Affiliates', (t) => t.medium === 'affiliate'],
  ['Audio', (t) => t.medium === 'audio'],
  ['SMS', (t) => t.source === 'sms' || t.medium === 'sms'],
  [
    'Mobile Push Notifications',
    (t) => t.medium.endsWith('push') || t.medium.includes('mobile') || t.medium.includes('notification') || t.source === 'firebase',
  ],
];

/** The channel of a source / medium / campaign, e.g. one imported from a CRM. */
export function channelOf(sourceMedium: SourceMedium): Channel {
  const source = normalize(sourceMedium.source) ?? notSet;
  const medium = normalize(sourceMedium.medium) ?? notSet;
  const campaign = normalize(sourceMedium.campaign) ?? notSet;
  const traffic: Traffic = { source, medium, campaign, category: sourceCategory(source), paid: paidMedium.test(medium) };
  return rules.find(([, applies]) => applies(traffic))?.[0] ?? 'Unassigned';
}

/** A session's channel, with the source, medium and campaign it was read from. */
export function classifyLanding(landing: Landing): TouchpointChannel {
  const sourceMedium = sourceMediumOf(landing);
  return { ...sourceMedium, channel: channelOf(sourceMedium) };
}
