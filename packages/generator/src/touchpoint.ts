/**
 * Offline touchpoints: what the CRM, the webinar tool and the sales team record away from the site,
 * as records POST /v1/import and `journey import` take them (packages/collector/src/import): the
 * person by email or user id, the account by id or domain, anything else as properties.
 */

export interface OfflineTouchpoint {
  /** The system that recorded it: salesforce, zoom, gong. */
  source: string;
  /** Its id in that system: source + externalId is unique. */
  externalId: string;
  /** webinar, demo, sales_call, opportunity_created, closed_won. */
  type: string;
  /** ISO 8601. */
  occurredAt: string;
  email?: string;
  userId?: string;
  accountId?: string;
  domain?: string;
  properties?: Record<string, string | number | boolean>;
}

const fields = ['source', 'externalId', 'type', 'occurredAt', 'email', 'userId', 'accountId', 'domain'] as const;

/** RFC 4180: quote a field holding a comma, a quote or a line break, and double its quotes. */
const csvField = (value: string | number | boolean | undefined) => {
  const text = value === undefined ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/**
 * CSV text, header first. Properties become `properties.<name>` columns (a CSV cell cannot hold
 * an object), one for every name any touchpoint uses, in order of first use.
 */
export function* toCsv(touchpoints: Iterable<OfflineTouchpoint>): Generator<string> {
  const rows = [...touchpoints];
  const names = [...new Set(rows.flatMap((touchpoint) => Object.keys(touchpoint.properties ?? {})))];
  yield [...fields, ...names.map((name) => `properties.${name}`)].join(',');
  for (const touchpoint of rows) {
    yield [...fields.map((field) => touchpoint[field]), ...names.map((name) => touchpoint.properties?.[name])].map(csvField).join(',');
  }
}
