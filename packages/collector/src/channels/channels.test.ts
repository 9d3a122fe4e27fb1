import { describe, expect, it } from 'vitest';
import { channelOf, channels, classifyLanding, type Channel, type Landing } from './channels.ts';
import { siteName, sourceCategory } from './source-categories.ts';

const site = 'www.acme.test';

// [what happened, the landing, channel, source, medium]: from GA4's default channel group rules.
const landings: ReadonlyArray<readonly [string, Landing, Channel, string, string]> = [
  // Direct: no referrer and no UTM, or a referrer from the site itself.
  ['a typed URL or bookmark', {}, 'Direct', '(direct)', '(none)'],
  ['a link on the site itself', { referrer: 'https://www.acme.test/pricing', siteHost: site }, 'Direct', '(direct)', '(none)'],
  ['a link on the bare site host', { referrer: 'acme.test', siteHost: site }, 'Direct', '(direct)', '(none)'],
  ['a link on a subdomain of the site', { referrer: 'https://docs.acme.test/', siteHost: site }, 'Direct', '(direct)', '(none)'],
  ['an empty referrer and blank UTM', { referrer: '', utmSource: '  ', clickIds: { gclid: '' } }, 'Direct', '(direct)', '(none)'],

  // Cross-network beats every paid rule.
  ['a Performance Max campaign', { utmSource: 'google', utmMedium: 'cpc', utmCampaign: 'PMax Cross-Network' }, 'Cross-network', 'google', 'cpc'],
  ['gclid on a cross-network campaign', { clickIds: { gclid: 'x1' }, utmCampaign: 'cross-network-q3' }, 'Cross-network', 'google', 'cpc'],

  // Paid Shopping comes before Paid Search.
  ['a shopping site with a paid medium', { utmSource: 'amazon', utmMedium: 'ppc' }, 'Paid Shopping', 'amazon', 'ppc'],
  ['Google with a shopping campaign', { utmSource: 'google', utmMedium: 'cpc', utmCampaign: 'shopping_brand' }, 'Paid Shopping', 'google', 'cpc'],
  ['an e-shop campaign on an unknown source', { utmSource: 'partner', utmMedium: 'paid', utmCampaign: 'eshop-sale' }, 'Paid Shopping', 'partner', 'paid'],
  ['a workshop is no shop', { utmSource: 'partner', utmMedium: 'paid', utmCampaign: 'workshop' }, 'Paid Other', 'partner', 'paid'],

  // Paid Search: Google and Microsoft click ids, or a search site with a paid medium.
  ['gclid', { clickIds: { gclid: 'Cj0KCQ' } }, 'Paid Search', 'google', 'cpc'],
  ['gbraid', { clickIds: { gbraid: '0AAAAA' } }, 'Paid Search', 'google', 'cpc'],
  ['wbraid', { clickIds: { wbraid: 'CkwK' } }, 'Paid Search', 'google', 'cpc'],
  ['gad_source after gclid was stripped', { clickIds: { gad_source: '1' } }, 'Paid Search', 'google', 'cpc'],
  ['msclkid', { clickIds: { msclkid: 'a1b2' } }, 'Paid Search', 'bing', 'cpc'],
  ['gclid overrides utm_medium=email', { clickIds: { gclid: 'x' }, utmSource: 'newsletter', utmMedium: 'email' }, 'Paid Search', 'google', 'cpc'],
  ['gclid overrides an organic referrer', { clickIds: { gclid: 'x' }, referrer: 'https://www.google.com/' }, 'Paid Search', 'google', 'cpc'],
  ['a search site by host, paid', { utmSource: 'www.bing.com', utmMedium: 'paid-search' }, 'Paid Search', 'www.bing.com', 'paid-search'],
  ['cpm on a search site is still paid search', { utmSource: 'google', utmMedium: 'cpm' }, 'Paid Search', 'google', 'cpm'],

  // Paid Social: LinkedIn, TikTok and X click ids; fbclid only with a paid medium.
  ['li_fat_id', { clickIds: { li_fat_id: 'f00' } }, 'Paid Social', 'linkedin', 'cpc'],
  ['ttclid', { clickIds: { ttclid: 'E.C.P' } }, 'Paid Social', 'tiktok', 'cpc'],
  ['twclid', { clickIds: { twclid: '2x' } }, 'Paid Social', 'x', 'cpc'],
  ['fbclid with a paid medium', { clickIds: { fbclid: 'IwAR' }, utmMedium: 'cpc' }, 'Paid Social', 'facebook', 'cpc'],
  ['a social site with a paid medium', { utmSource: 'facebook', utmMedium: 'paid_social' }, 'Paid Social', 'facebook', 'paid_social'],
  ['an abbreviated social source', { utmSource: 'ig', utmMedium: 'cpc' }, 'Paid Social', 'ig', 'cpc'],

  // Paid Video: a video site with a paid medium, though YouTube is also in the social list.
  ['YouTube with cost per view', { utmSource: 'youtube', utmMedium: 'cpv' }, 'Paid Video', 'youtube', 'cpv'],

  // Display, then Paid Other for any other paid medium.
  ['a display medium', { utmSource: 'criteo', utmMedium: 'display' }, 'Display', 'criteo', 'display'],
  ['a banner', { utmSource: 'news-site', utmMedium: 'banner' }, 'Display', 'news-site', 'banner'],
  ['cpm on an unknown source', { utmSource: 'criteo', utmMedium: 'cpm' }, 'Display', 'criteo', 'cpm'],
  ['retargeting on an unknown source', { utmSource: 'criteo', utmMedium: 'retargeting' }, 'Paid Other', 'criteo', 'retargeting'],
  ['a paid medium and no source', { utmMedium: 'cpc' }, 'Paid Other', '(not set)', 'cpc'],

  // Organic Shopping: a shopping site, or a shopping campaign, even in an email.
  ['a marketplace referrer', { referrer: 'https://www.amazon.co.jp/dp/B0' }, 'Organic Shopping', 'amazon.co.jp', 'referral'],
  ['a shop campaign in a newsletter', { utmSource: 'newsletter', utmMedium: 'email', utmCampaign: 'summer shop' }, 'Organic Shopping', 'newsletter', 'email'],

  // Organic Social: a social site, a social medium, or fbclid alone.
  ['the Facebook mobile site', { referrer: 'https://m.facebook.com/' }, 'Organic Social', 'm.facebook.com', 'referral'],
  ['X link shortener', { referrer: 'https://t.co/abc' }, 'Organic Social', 't.co', 'referral'],
  ['a social medium', { utmSource: 'partner', utmMedium: 'social-media' }, 'Organic Social', 'partner', 'social-media'],
  ['fbclid alone', { clickIds: { fbclid: 'IwAR' } }, 'Organic Social', 'facebook', 'social'],
  ['fbclid from Instagram', { clickIds: { fbclid: 'IwAR' }, referrer: 'https://l.instagram.com/' }, 'Organic Social', 'l.instagram.com', 'social'],
  ['fbclid names the medium UTM left out', { clickIds: { fbclid: 'IwAR' }, utmSource: 'partner' }, 'Organic Social', 'partner', 'social'],
  ['fbclid with an unpaid medium', { clickIds: { fbclid: 'IwAR' }, utmSource: 'facebook', utmMedium: 'post' }, 'Organic Social', 'facebook', 'post'],

  // Organic Video.
  ['a YouTube referrer', { referrer: 'https://m.youtube.com/watch?v=1' }, 'Organic Video', 'm.youtube.com', 'referral'],
  ['a video medium', { utmSource: 'partner', utmMedium: 'video_embed' }, 'Organic Video', 'partner', 'video_embed'],

  // Organic Search: any search site, by subdomain or country domain, or medium=organic.
  ['Google', { referrer: 'https://www.google.com/' }, 'Organic Search', 'google', 'organic'],
  ['Google Japan', { referrer: 'https://www.google.co.jp/' }, 'Organic Search', 'google', 'organic'],
  ['Google Germany', { referrer: 'https://www.google.de/' }, 'Organic Search', 'google', 'organic'],
  ['Yahoo! Japan', { referrer: 'https://search.yahoo.co.jp/search?p=journey' }, 'Organic Search', 'yahoo', 'organic'],
  ['a Yahoo country subdomain', { referrer: 'https://de.search.yahoo.com/' }, 'Organic Search', 'yahoo', 'organic'],
  ['Bing', { referrer: 'https://www.bing.com/' }, 'Organic Search', 'bing', 'organic'],
  ['DuckDuckGo', { referrer: 'https://duckduckgo.com/' }, 'Organic Search', 'duckduckgo', 'organic'],
  ['the Google app on Android', { referrer: 'android-app://com.google.android.googlequicksearchbox/' }, 'Organic Search', 'google', 'organic'],
  ['a search source and no medium', { utmSource: 'google' }, 'Organic Search', 'google', '(not set)'],
  ['medium organic', { utmSource: 'partner', utmMedium: 'organic' }, 'Organic Search', 'partner', 'organic'],

  // Referral: any other site, or a referral medium.
  ['an unknown site', { referrer: 'https://www.partner.test/blog', siteHost: site }, 'Referral', 'partner.test', 'referral'],
  ['a look-alike of a search site', { referrer: 'https://notgoogle.com/' }, 'Referral', 'notgoogle.com', 'referral'],
  ['a search name under another domain', { referrer: 'https://google.evil.test/' }, 'Referral', 'google.evil.test', 'referral'],
  ['a referrer with a port', { referrer: 'http://partner.test:8080/' }, 'Referral', 'partner.test', 'referral'],
  // A search company's webmail is not its search: a link clicked in Gmail or Yahoo Mail is a referral.
  ['Gmail on the web', { referrer: 'https://mail.google.com/' }, 'Referral', 'mail.google.com', 'referral'],
  ['Yahoo Mail', { referrer: 'https://mail.yahoo.co.jp/' }, 'Referral', 'mail.yahoo.co.jp', 'referral'],
  ['a host without a scheme', { referrer: 'news.example.org' }, 'Referral', 'news.example.org', 'referral'],
  ['a referral medium', { utmSource: 'partner', utmMedium: 'link' }, 'Referral', 'partner', 'link'],

  // Email, Affiliates, Audio, SMS, Mobile Push Notifications.
  ['a newsletter', { utmSource: 'newsletter', utmMedium: 'email' }, 'Email', 'newsletter', 'email'],
  ['email as the source', { utmSource: 'e-mail' }, 'Email', 'e-mail', '(not set)'],
  ['email spelt loosely', { utmSource: ' Mailchimp ', utmMedium: ' E_Mail ' }, 'Email', 'mailchimp', 'e_mail'],
  ['an affiliate', { utmSource: 'partner', utmMedium: 'affiliate' }, 'Affiliates', 'partner', 'affiliate'],
  ['a podcast ad', { utmSource: 'spotify', utmMedium: 'audio' }, 'Audio', 'spotify', 'audio'],
  ['sms as the source', { utmSource: 'sms', utmMedium: 'text' }, 'SMS', 'sms', 'text'],
  ['sms as the medium', { utmSource: 'twilio', utmMedium: 'sms' }, 'SMS', 'twilio', 'sms'],
  ['a web push', { utmSource: 'onesignal', utmMedium: 'web-push' }, 'Mobile Push Notifications', 'onesignal', 'web-push'],
  ['a mobile medium', { utmSource: 'app', utmMedium: 'mobile_inapp' }, 'Mobile Push Notifications', 'app', 'mobile_inapp'],
  ['a notification medium', { utmSource: 'app', utmMedium: 'notification' }, 'Mobile Push Notifications', 'app', 'notification'],
  ['Firebase as the source', { utmSource: 'firebase', utmMedium: 'fcm' }, 'Mobile Push Notifications', 'firebase', 'fcm'],

  // Unassigned: UTM that no rule recognises.
  ['a source alone', { utmSource: 'partnerx' }, 'Unassigned', 'partnerx', '(not set)'],
  ['an unknown medium', { utmSource: 'flyer', utmMedium: 'print' }, 'Unassigned', 'flyer', 'print'],
  ['a campaign alone', { utmCampaign: 'spring-launch', referrer: 'https://www.google.com/' }, 'Unassigned', '(not set)', '(not set)'],
];

describe('classifyLanding', () => {
  it.each(landings)('%s → %s', (_, landing, channel, source, medium) => {
    expect(classifyLanding(landing)).toMatchObject({ channel, source, medium });
  });

  it('has a case for every channel', () => {
    const covered = new Set(landings.map(([, , channel]) => channel));
    expect(channels.filter((channel) => !covered.has(channel))).toEqual([]);
  });

  it('keeps the campaign, lower-cased, and says "(not set)" when there is none', () => {
    expect(classifyLanding({ utmSource: 'Google', utmMedium: 'CPC', utmCampaign: ' Brand Q3 ' }).campaign).toBe('brand q3');
    expect(classifyLanding({ clickIds: { gclid: 'x' } }).campaign).toBe('(not set)');
  });
});

describe('channelOf', () => {
  it.each([
    [{ source: 'Facebook', medium: 'CPC', campaign: '' }, 'Paid Social'],
    [{ source: 'crm', medium: 'email', campaign: '(not set)' }, 'Email'],
    [{ source: '(direct)', medium: '(not set)', campaign: '(not set)' }, 'Direct'],
    [{ source: '', medium: '', campaign: '' }, 'Unassigned'],
  ] as const)('%o → %s', (sourceMedium, channel) => {
    expect(channelOf(sourceMedium)).toBe(channel);
  });
});

describe('sourceCategory', () => {
  it.each([
    ['www.google.co.jp', 'search'],
    ['google.com.br', 'search'],
    ['images.de.ask.com', 'search'],
    ['google', 'search'],
    ['yahoo', 'search'],
    ['m.facebook.com', 'social'],
    ['facebook', 'social'],
    ['fb', 'social'],
    ['linkedin.android', 'social'],
    ['x.com', 'social'],
    ['youtube.com', 'video'],
    ['youtu.be', 'video'],
    ['yt', 'video'],
    ['amazon.de', 'shopping'],
    ['shopping.google.com', 'shopping'],
    ['notfacebook.com', undefined],
    ['facebook.com.evil.test', undefined],
    ['(direct)', undefined],
    ['newsletter', undefined],
    ['email', undefined],
    ['', undefined],
  ])('%j → %s', (source, category) => {
    expect(sourceCategory(source)).toBe(category);
  });
});

describe('siteName', () => {
  it.each([
    ['google.com', 'google'],
    ['www.google.co.jp', 'google'],
    ['search.yahoo.co.jp', 'yahoo'],
    ['yandex.ru', 'yandex'],
    ['com.google.android.googlequicksearchbox', 'google'],
  ])('%s → %s', (host, name) => {
    expect(siteName(host)).toBe(name);
  });
});
