/**
 * Channels: how a visit arrives, written the way browsers and ad platforms write it — a referrer,
 * UTM tags, a click id on the landing URL — together with what GA4's default channel group (which
 * the collector follows) reads from them. The names are GA4's, so the truth speaks the reports' words.
 */
import type { Audience } from './persona.ts';
import type { Random } from './random.ts';

export const channels = ['Organic Search', 'Paid Search', 'Paid Social', 'Organic Social', 'Email', 'Referral', 'Direct', 'Display'] as const;
export type Channel = (typeof channels)[number];

export interface Arrival {
  channel: Channel;
  /** Source, medium and campaign as GA4 reads them (lower-case, "(not set)" when missing). */
  source: string;
  medium: string;
  campaign: string;
  /** The landing URL's query: UTM tags and click ids, or "" (SDK: context.page.search). */
  search: string;
  /** document.referrer: "" when there is none. */
  referrer: string;
  /** UTM tags as context.campaign names them; undefined without any. */
  utm: Record<string, string> | undefined;
  clickIds: Record<string, string> | undefined;
  /** Paid and campaign traffic lands on campaign pages as often as on the home page. */
  campaignLanding: boolean;
}

/** How people first find the site. */
export const firstTouchMix: Record<Audience, ReadonlyArray<readonly [Channel, number]>> = {
  b2b: [
    ['Organic Search', 0.3],
    ['Paid Search', 0.17],
    ['Paid Social', 0.15],
    ['Referral', 0.13],
    ['Organic Social', 0.1],
    ['Direct', 0.1],
    ['Display', 0.05],
  ],
  b2c: [
    ['Organic Search', 0.26],
    ['Paid Social', 0.2],
    ['Organic Social', 0.2],
    ['Paid Search', 0.12],
    ['Referral', 0.08],
    ['Direct', 0.09],
    ['Display', 0.05],
  ],
};

const returning = (email: number): ReadonlyArray<readonly [Channel, number]> => [
  ['Direct', 0.34],
  ['Organic Search', 0.22],
  ['Email', email],
  ['Paid Search', 0.08],
  ['Paid Social', 0.08],
  ['Display', 0.04],
  ['Organic Social', 0.02],
  ['Referral', 0.02],
];

/** How they come back. Email only reaches people who gave their address. */
export const returnMix = { known: returning(0.2), unknown: returning(0) };

/** What an arrival knows about its moment: who, when, and why they came. */
export interface ArrivalContext {
  audience: Audience;
  locale: string;
  at: number;
  /** A team invitation or a webinar invite brings its own email campaign. */
  purpose?: 'invite' | 'webinar' | 'onboarding';
}

const notSet = '(not set)';

/** A query-string value as URLSearchParams writes it; ours are mostly plain words. */
const encode = (value: string) => (/^[\w.-]*$/.test(value) ? value : encodeURIComponent(value).replace(/%20/g, '+'));

const direct: Arrival = Object.freeze({ channel: 'Direct', source: '(direct)', medium: '(none)', campaign: '(not set)', search: '', referrer: '', utm: undefined, clickIds: undefined, campaignLanding: false });

/** The arrival as the SDK will report it: context.campaign from utm_*, click ids by name. */
function arrival(channel: Channel, read: { source: string; medium: string; campaign?: string }, url: { utm?: Record<string, string>; clickIds?: Record<string, string>; referrer?: string }, campaignLanding = false): Arrival {
  let search = '';
  for (const key in url.utm) search += `&${key === 'name' ? 'utm_campaign' : `utm_${key}`}=${encode(url.utm[key]!)}`;
  for (const key in url.clickIds) search += `&${key}=${encode(url.clickIds[key]!)}`;
  return {
    channel,
    source: read.source,
    medium: read.medium,
    campaign: read.campaign ?? notSet,
    search: search && '?' + search.slice(1),
    referrer: url.referrer ?? '',
    // Frozen: every event of the visit carries them.
    utm: url.utm && Object.freeze(url.utm),
    clickIds: url.clickIds && Object.freeze(url.clickIds),
    campaignLanding,
  };
}

const quarter = (at: number) => {
  const date = new Date(at);
  return `${date.getUTCFullYear()}_q${Math.floor(date.getUTCMonth() / 3) + 1}`;
};
const month = (at: number) => new Date(at).toISOString().slice(0, 7).replace('-', '_');

/** Search engines' referrer hosts and the source GA4 names them by. */
const engines: ReadonlyArray<readonly [readonly [string, string], number]> = [
  [['www.google.com', 'google'], 0.8],
  [['www.bing.com', 'bing'], 0.13],
  [['duckduckgo.com', 'duckduckgo'], 0.07],
];
const japaneseEngines: ReadonlyArray<readonly [readonly [string, string], number]> = [
  [['www.google.co.jp', 'google'], 0.8],
  [['search.yahoo.co.jp', 'yahoo'], 0.17],
  [['duckduckgo.com', 'duckduckgo'], 0.03],
];

/** Review sites, launch sites and blogs that link to the product. */
const referrers: ReadonlyArray<readonly [string, string]> = [
  ['www.g2.com', '/products/acme-pipeline/reviews'],
  ['www.capterra.com', '/p/acme-pipeline/'],
  ['www.producthunt.com', '/posts/acme-pipeline'],
  ['medium.com', '/@revops/journey-maps-that-work'],
  ['dev.to', '/t/analytics'],
];
const japaneseReferrers: ReadonlyArray<readonly [string, string]> = [
  ['zenn.dev', '/articles/journey-analytics'],
  ['qiita.com', '/items/ga4-b2b'],
  ['www.g2.com', '/products/acme-pipeline/reviews'],
];

const searchTerms = ['acme pipeline', 'customer journey analytics', 'b2b attribution software', 'journey map tool', 'multi touch attribution', 'ga4 alternative for b2b'];

/** One arrival through `channel`, with its referrer, tags and click ids drawn. */
export function arrive(channel: Channel, random: Random, context: ArrivalContext): Arrival {
  const japanese = context.locale === 'ja-JP';
  switch (channel) {
    case 'Direct':
      return direct;

    case 'Organic Search': {
      const [host, source] = random.weighted(japanese ? japaneseEngines : engines);
      return arrival(channel, { source, medium: 'organic' }, { referrer: `https://${host}/` });
    }

    case 'Paid Search': {
      const bing = !japanese && random.chance(0.2);
      const name = random.pick(['brand_search', 'generic_journey_analytics', 'competitor_terms', 'attribution_software']);
      // Auto-tagging adds the click id; about half the advertisers also tag with UTM.
      const tagged = random.chance(0.5);
      const utm = tagged ? { source: bing ? 'bing' : 'google', medium: 'cpc', name, term: random.pick(searchTerms) } : undefined;
      const clickIds: Record<string, string> = bing ? { msclkid: random.hex(32) } : { gclid: `Cj0KCQ${random.hex(40)}` };
      return arrival(
        channel,
        { source: bing ? 'bing' : 'google', medium: 'cpc', campaign: tagged ? name : undefined },
        { utm, clickIds, referrer: bing ? 'https://www.bing.com/' : japanese ? 'https://www.google.co.jp/' : 'https://www.google.com/' },
        name !== 'brand_search',
      );
    }

    case 'Paid Social': {
      if (context.audience === 'b2b' && random.chance(0.85)) {
        const name = random.pick([`abm_${quarter(context.at)}`, 'retargeting_site_visitors', 'thought_leadership', 'webinar_promo']);
        // LinkedIn's click id wins over the tags in GA4's reading: linkedin / cpc.
        return arrival(
          channel,
          { source: 'linkedin', medium: 'cpc', campaign: name },
          { utm: { source: 'linkedin', medium: 'paid_social', name, content: random.pick(['carousel', 'single_image', 'video']) }, clickIds: { li_fat_id: `${random.hex(8)}-${random.hex(4)}-${random.hex(4)}-${random.hex(4)}-${random.hex(12)}` }, referrer: 'https://www.linkedin.com/' },
          true,
        );
      }
      const source = random.chance(0.7) ? 'facebook' : 'instagram';
      const name = random.pick(['solo_plan_launch', 'retargeting_pricing', 'lookalike_customers']);
      return arrival(
        channel,
        { source, medium: 'paid_social', campaign: name },
        { utm: { source, medium: 'paid_social', name }, clickIds: { fbclid: `IwAR${random.hex(40)}` }, referrer: source === 'facebook' ? 'https://l.facebook.com/' : 'https://l.instagram.com/' },
        true,
      );
    }

    case 'Organic Social': {
      if (random.chance(0.25)) {
        const name = random.pick(['launch_post', 'customer_story', 'founder_thread']);
        return arrival(channel, { source: 'linkedin', medium: 'social', campaign: name }, { utm: { source: 'linkedin', medium: 'social', name }, referrer: 'https://www.linkedin.com/' });
      }
      const host = random.weighted(
        (context.audience === 'b2b'
          ? [['www.linkedin.com', 0.5], ['t.co', 0.15], ['news.ycombinator.com', 0.15], ['www.reddit.com', 0.2]]
          : [['l.facebook.com', 0.3], ['t.co', 0.2], ['www.reddit.com', 0.25], ['www.linkedin.com', 0.25]]) as ReadonlyArray<readonly [string, number]>,
      );
      if (host === 'l.facebook.com') {
        // Meta adds fbclid to organic links too; without a paid medium GA4 reads it as social.
        return arrival(channel, { source: 'l.facebook.com', medium: 'social' }, { clickIds: { fbclid: `IwAR${random.hex(40)}` }, referrer: 'https://l.facebook.com/' });
      }
      return arrival(channel, { source: host.replace(/^www\./, ''), medium: 'referral' }, { referrer: `https://${host}/` });
    }

    case 'Email': {
      const [source, name] =
        context.purpose === 'invite'
          ? ['product', 'team_invite']
          : context.purpose === 'webinar'
            ? ['hubspot', 'webinar_invite']
            : context.purpose === 'onboarding'
              ? ['product', random.pick(['trial_day_1', 'trial_day_3', 'trial_ending'])]
              : random.weighted([
                  [['newsletter', `newsletter_${month(context.at)}`], 0.5],
                  [['hubspot', `nurture_${random.int(1, 5)}`], 0.35],
                  [['newsletter', 'product_update'], 0.15],
                ] as const);
      return arrival(channel, { source, medium: 'email', campaign: name }, { utm: { source, medium: 'email', name }, referrer: random.chance(0.3) ? 'https://mail.google.com/' : '' });
    }

    case 'Referral': {
      const [host, path] = random.pick(japanese ? japaneseReferrers : referrers);
      return arrival(channel, { source: host.replace(/^www\./, ''), medium: 'referral' }, { referrer: `https://${host}${path}` });
    }

    case 'Display': {
      const source = random.pick(['criteo', 'adroll', 'google']);
      const medium = random.chance(0.7) ? 'display' : 'banner';
      const name = random.pick(['retargeting_display', 'prospecting_display']);
      return arrival(channel, { source, medium, campaign: name }, { utm: { source, medium, name }, referrer: random.pick(['https://www.forbes.com/', 'https://techcrunch.com/', 'https://www.theverge.com/']) }, true);
    }
  }
}
