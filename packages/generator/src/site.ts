/**
 * The site the journeys happen on: "Acme Pipeline", a B2B product, like examples/site. Pages are
 * grouped by what visiting them says under the default stage model: awareness pages say nothing,
 * consideration pages (/pricing, /docs, /case-studies) move a visitor to Consideration.
 */

export interface Page {
  path: string;
  title: string;
}

const page = (path: string, title: string): Page => ({ path, title: `${title} — Acme Pipeline` });

/** Content anyone may read before they consider buying: none of it matches a stage rule. */
export const awarenessPages: readonly Page[] = [
  page('/', 'See every deal’s path'),
  page('/features', 'Features'),
  page('/integrations', 'Integrations'),
  page('/about', 'About us'),
  page('/customers', 'Customers'),
  page('/blog', 'Blog'),
  page('/blog/what-is-a-customer-journey-map', 'What is a customer journey map?'),
  page('/blog/b2b-attribution-models-explained', 'B2B attribution models, explained'),
  page('/blog/ga4-channel-groups', 'GA4’s default channel groups'),
  page('/blog/first-party-tracking-without-cookies-banners', 'First-party tracking, done right'),
  page('/blog/why-deals-stall', 'Why deals stall in the middle of the funnel'),
  page('/blog/abm-playbook', 'An account-based marketing playbook'),
  page('/webinars', 'Webinars'),
];

/** Landing pages made for campaigns: paid clicks arrive on these as often as on the home page. */
export const campaignPages: readonly Page[] = [
  page('/lp/journey-analytics', 'Journey analytics for B2B teams'),
  page('/lp/attribution', 'Multi-touch attribution in minutes'),
  page('/lp/free-trial', 'Start free'),
];

/** Pages that show someone is weighing a purchase: each matches a Consideration rule. */
export const considerationPages: readonly Page[] = [
  page('/pricing', 'Pricing'),
  page('/docs', 'Docs'),
  page('/docs/getting-started', 'Getting started'),
  page('/docs/sdk', 'The browser SDK'),
  page('/docs/import', 'Importing offline touchpoints'),
  page('/case-studies', 'Case studies'),
  page('/case-studies/northwind', 'How a logistics team shortened its sales cycle'),
  page('/case-studies/helix-health', 'Helix Health: one view of every patient journey'),
];

export const webinars: readonly Page[] = [
  page('/webinars/journey-mapping-101', 'Webinar: Journey mapping 101'),
  page('/webinars/attribution-that-sales-trusts', 'Webinar: Attribution that sales trusts'),
  page('/webinars/from-mql-to-revenue', 'Webinar: From MQL to revenue'),
];

/** The logged-in product: what customers use. None of it matches a stage rule. */
export const appPages: readonly Page[] = [
  page('/app', 'Your workspace'),
  page('/app/pipeline', 'Pipeline'),
  page('/app/journeys', 'Journeys'),
  page('/app/reports', 'Reports'),
  page('/app/attribution', 'Attribution'),
  page('/app/settings', 'Settings'),
];

export const pages = {
  pricing: considerationPages[0]!,
  home: awarenessPages[0]!,
  signup: page('/signup', 'Start your trial'),
  thanks: page('/thanks', 'Welcome'),
  login: page('/login', 'Log in'),
  demo: page('/demo', 'Book a demo'),
  demoThanks: page('/demo/thanks', 'We’ll be in touch'),
  checkout: page('/checkout', 'Checkout'),
  welcome: page('/app/welcome', 'You’re all set'),
  billing: page('/app/billing', 'Billing'),
  referrals: page('/app/referrals', 'Invite a friend'),
  app: appPages[0]!,
};

/** The forms the SDK watches (data-journey-signup), as its form events describe them. */
export const forms = {
  signup: { formId: 'signup', formName: 'signup', formAction: '/thanks' },
  demo: { formId: 'demo-request', formName: 'demo', formAction: '/demo/thanks' },
  webinar: { formId: 'webinar-registration', formName: 'webinar', formAction: '/webinars/registered' },
} as const;
