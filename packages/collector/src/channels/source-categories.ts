import { sourceCategoryHosts } from './source-categories.data.ts';

/** GA4's SOURCE_CATEGORY_SEARCH, _SOCIAL, _SHOPPING and _VIDEO. */
export type SourceCategory = keyof typeof sourceCategoryHosts;

let categoryOf: Map<string, SourceCategory> | undefined;

function hostCategories(): Map<string, SourceCategory> {
  if (!categoryOf) {
    categoryOf = new Map();
    for (const [category, hosts] of Object.entries(sourceCategoryHosts)) {
      for (const host of hosts.split(' ')) categoryOf.set(host, category as SourceCategory);
    }
  }
  return categoryOf;
}

// Matomo's "{}" also stands for a two-label country suffix (co.uk, com.br) after these labels.
const countrySecondLevels = new Set(['com', 'org', 'net', 'co', 'it', 'edu']);
// Second-level labels to skip when naming a site: google.co.jp, yahoo.co.jp, mercadolibre.com.ar.
const secondLevels = new Set([...countrySecondLevels, 'ac', 'ne', 'or', 'go', 'gov', 'gob']);

/** A host as the list writes it, then each way "{}" could stand in for one of its labels. */
function* listKeys(labels: string[]): Generator<string> {
  yield labels.join('.');
  for (let i = 0; i < labels.length; i++) yield labels.with(i, '{}').join('.');
  const n = labels.length;
  if (n >= 3 && countrySecondLevels.has(labels[n - 2]!)) yield [...labels.slice(0, n - 2), '{}'].join('.');
}

// A search company's webmail (mail.google.com, mail.yahoo.co.jp) is not its search engine.
const webmail = new Set(['mail', 'webmail', 'email', 'inbox']);

function hostCategory(host: string): SourceCategory | undefined {
  const categories = hostCategories();
  const labels = host.replace(/^www\./, '').split('.');
  if (labels.length > 2 && webmail.has(labels[0]!)) return undefined;
  // Longest suffix first, down to the registrable part: m.facebook.com is facebook.com.
  for (let start = 0; start <= labels.length - 2; start++) {
    for (const key of listKeys(labels.slice(start))) {
      const category = categories.get(key);
      if (category) return category;
    }
  }
  return undefined;
}

// utm_source spellings for sites the list only knows by a longer host.
const sourceAliases: Record<string, string> = {
  fb: 'facebook.com',
  ig: 'instagram.com',
  yt: 'youtube.com',
  yahoo: 'search.yahoo.com',
  naver: 'search.naver.com',
  brave: 'search.brave.com',
};

/**
 * The category of a traffic source: a host (a referrer's, or a utm_source such as "m.facebook.com")
 * or a bare name as people write utm_source ("google", "facebook", "fb"), which is looked up as that
 * name's .com site.
 */
export function sourceCategory(source: string): SourceCategory | undefined {
  const name = source.trim().toLowerCase();
  if (name.includes('.')) return /^[a-z0-9.-]+$/.test(name) ? hostCategory(name) : undefined;
  if (!/^[a-z0-9-]+$/.test(name)) return undefined;
  return hostCategory(sourceAliases[name] ?? `${name}.com`);
}

/**
 * The name GA4 reports a search engine's traffic under: its host without subdomains or country
 * suffix (www.google.co.jp → google, search.yahoo.com → yahoo). Android app ids, which arrive as
 * android-app:// referrers, read backwards (com.google.android.googlequicksearchbox → google).
 */
export function siteName(host: string): string {
  let labels = host.toLowerCase().split('.');
  if (labels.length >= 3 && (labels[0] === 'com' || labels[0] === 'org')) labels = labels.toReversed();
  labels.pop();
  if (labels.length > 1 && secondLevels.has(labels.at(-1)!)) labels.pop();
  return labels.at(-1) ?? host;
}
