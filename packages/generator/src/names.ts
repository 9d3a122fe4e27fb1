/**
 * Word lists for made-up people and companies. Invented combinations only: company domains end in
 * .example (RFC 2606), so no generated account is a real firm; people at free-mail providers get a
 * number in their address that no real mailbox is likely to have.
 */

/** Given names by the locale their people browse in. */
export const givenNames: Record<string, readonly string[]> = {
  'en-US': ['James', 'Mary', 'Robert', 'Patricia', 'Michael', 'Jennifer', 'David', 'Linda', 'Daniel', 'Sarah', 'Kevin', 'Emily', 'Brian', 'Ashley', 'Jason', 'Megan', 'Carlos', 'Maria', 'Andre', 'Aisha', 'Priya', 'Wei', 'Olivia', 'Ethan'],
  'en-GB': ['Oliver', 'Amelia', 'Harry', 'Isla', 'George', 'Ava', 'Jack', 'Freya', 'Thomas', 'Grace', 'Charlie', 'Poppy', 'Samir', 'Niamh'],
  'de-DE': ['Lukas', 'Anna', 'Felix', 'Lea', 'Jonas', 'Hannah', 'Paul', 'Mia', 'Leon', 'Sophie', 'Tobias', 'Clara'],
  'fr-FR': ['Louis', 'Camille', 'Hugo', 'Chloé', 'Arthur', 'Manon', 'Jules', 'Léa', 'Nathan', 'Inès'],
  'ja-JP': ['Haruto', 'Yui', 'Sota', 'Hina', 'Yuto', 'Sakura', 'Ren', 'Aoi', 'Kaito', 'Mei', 'Takumi', 'Yuna', 'Daiki', 'Misaki'],
};

export const familyNames: Record<string, readonly string[]> = {
  'en-US': ['Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Lee', 'Walker', 'Hall', 'Young', 'King', 'Nguyen', 'Patel', 'Chen', 'Okafor', 'Cohen'],
  'en-GB': ['Taylor', 'Evans', 'Wilson', 'Thomas', 'Roberts', 'Wright', 'Hughes', 'Edwards', 'Green', 'Clarke', 'Ahmed', 'Murphy'],
  'de-DE': ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Wagner', 'Becker', 'Hoffmann', 'Koch', 'Richter'],
  'fr-FR': ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Richard', 'Petit', 'Durand', 'Leroy', 'Moreau'],
  'ja-JP': ['Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe', 'Ito', 'Yamamoto', 'Nakamura', 'Kobayashi', 'Kato', 'Yoshida', 'Yamada'],
};

/** Locales with their time zone and UTC offset in hours (standard time: the generator ignores DST). */
export const locales = [
  { locale: 'en-US', timezone: 'America/New_York', offset: -5, weight: 0.3 },
  { locale: 'en-US', timezone: 'America/Los_Angeles', offset: -8, weight: 0.15 },
  { locale: 'en-US', timezone: 'America/Chicago', offset: -6, weight: 0.08 },
  { locale: 'en-GB', timezone: 'Europe/London', offset: 0, weight: 0.12 },
  { locale: 'de-DE', timezone: 'Europe/Berlin', offset: 1, weight: 0.1 },
  { locale: 'fr-FR', timezone: 'Europe/Paris', offset: 1, weight: 0.07 },
  { locale: 'ja-JP', timezone: 'Asia/Tokyo', offset: 9, weight: 0.18 },
] as const;

export type Locale = (typeof locales)[number];

export const localeWeights: ReadonlyArray<readonly [Locale, number]> = locales.map((locale) => [locale, locale.weight]);

export const companyStems = ['North', 'Blue', 'Bright', 'Iron', 'Silver', 'Cedar', 'Harbor', 'Summit', 'Maple', 'Falcon', 'Orbit', 'Pine', 'Quartz', 'River', 'Stone', 'Sun', 'Tide', 'Vertex', 'Willow', 'Zen', 'Amber', 'Atlas', 'Beacon', 'Cobalt', 'Delta', 'Ember', 'Fjord', 'Granite', 'Helix', 'Indigo', 'Juniper', 'Kite', 'Lumen', 'Meadow', 'Nimbus', 'Onyx', 'Prism', 'Raven', 'Sakura', 'Tessera'];
export const companyTails = ['wind', 'field', 'wave', 'gate', 'light', 'point', 'bridge', 'works', 'line', 'stack', 'path', 'forge', 'grid', 'loop', 'peak', 'scale', 'shift', 'sphere', 'spring', 'vale'];
export const companyKinds = ['Analytics', 'Labs', 'Systems', 'Logistics', 'Health', 'Software', 'Capital', 'Retail', 'Robotics', 'Media', 'Energy', 'Foods', 'Partners', 'Studio', 'Bank', 'Learning'];

/** Industries with how common they are among the site's visitors. */
export const industries: ReadonlyArray<readonly [string, number]> = [
  ['Software', 0.24],
  ['Financial Services', 0.12],
  ['Healthcare', 0.09],
  ['Retail', 0.1],
  ['Manufacturing', 0.1],
  ['Education', 0.06],
  ['Media', 0.07],
  ['Logistics', 0.08],
  ['Professional Services', 0.14],
];

/** Free-mail providers, by the locale that favours them. */
export const freeMailDomains: Record<string, readonly string[]> = {
  'en-US': ['gmail.com', 'gmail.com', 'gmail.com', 'yahoo.com', 'outlook.com', 'hotmail.com', 'icloud.com', 'proton.me'],
  'en-GB': ['gmail.com', 'gmail.com', 'outlook.com', 'hotmail.co.uk', 'yahoo.co.uk', 'icloud.com'],
  'de-DE': ['gmail.com', 'web.de', 'gmx.de', 'outlook.de', 't-online.de'],
  'fr-FR': ['gmail.com', 'orange.fr', 'free.fr', 'hotmail.fr', 'laposte.net'],
  'ja-JP': ['gmail.com', 'gmail.com', 'yahoo.co.jp', 'icloud.com', 'docomo.ne.jp'],
};

/** How the names above are written in an email address. A table, not normalize('NFD'): that needs ICU. */
const ascii: Record<string, string> = { ä: 'ae', ö: 'oe', ü: 'ue', ß: 'ss', à: 'a', â: 'a', ç: 'c', é: 'e', è: 'e', ê: 'e', ë: 'e', î: 'i', ï: 'i', ô: 'o', ù: 'u', û: 'u' };

/** Letters an email address can hold: "ü" as "ue", other accents dropped. */
export function asciiName(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z]/g, (letter) => ascii[letter] ?? '');
}
