/**
 * From a record's own field names to the touchpoint's. Exports name the same thing many ways
 * (`External ID`, `external_id`, `externalId`), so names are compared without case, spaces,
 * underscores or hyphens.
 */

export type TouchpointField =
  | 'source'
  | 'externalId'
  | 'type'
  | 'occurredAt'
  | 'email'
  | 'userId'
  | 'accountId'
  | 'domain'
  | 'campaign.source'
  | 'campaign.medium'
  | 'campaign.name'
  | 'url';

/** Each field's names, the preferred one first: when a record has two, it takes the first. */
export const fieldAliases: Record<TouchpointField, readonly string[]> = {
  source: ['source'],
  externalId: ['externalId', 'external_id', 'id'],
  type: ['type'],
  occurredAt: ['occurredAt', 'occurred_at', 'timestamp', 'date'],
  email: ['email'],
  userId: ['userId', 'user_id'],
  accountId: ['accountId', 'account_id'],
  domain: ['domain', 'company_domain'],
  'campaign.source': ['campaign.source', 'utm_source'],
  'campaign.medium': ['campaign.medium', 'utm_medium'],
  'campaign.name': ['campaign.name', 'utm_campaign', 'campaign'],
  url: ['url'],
};

const comparable = (name: string) => name.trim().toLowerCase().replace(/[\s_-]+/g, '');

const fieldByName = new Map<string, { field: TouchpointField; rank: number }>(
  (Object.entries(fieldAliases) as Array<[TouchpointField, readonly string[]]>).flatMap(([field, names]) =>
    names.map((name, rank) => [comparable(name), { field, rank }] as const),
  ),
);

/** A record's values sorted into the touchpoint's fields; everything else is a property. */
export interface RecordFields {
  fields: Partial<Record<TouchpointField, unknown>>;
  /** Set when the record had a `properties` field that is not an object. */
  properties: unknown;
}

/**
 * Sorts a record's values into fields, after dropping what carries nothing (null, "", blanks,
 * "null" from database exports) and trimming text. A JSON `campaign` object is read as
 * `campaign.source` / `.medium` / `.name`; a `properties` object, or names like
 * `properties.plan`, give properties; an alias that lost to a preferred name stays a property, so
 * no value is thrown away.
 */
export function recordFields(entries: Iterable<readonly [string, unknown]>): RecordFields {
  const chosen = new Map<TouchpointField, { rank: number; name: string; value: unknown }>();
  const extra: Array<[string, unknown]> = [];
  const nested: Array<[string, unknown]> = [];
  let invalidProperties: unknown;

  const take = (name: string, raw: unknown) => {
    const value = clean(raw);
    if (value === undefined) return;
    const key = comparable(name);
    if (key === 'properties') {
      if (isObject(value)) nested.push(...Object.entries(value));
      else invalidProperties = value;
    } else if (key === 'campaign' && isObject(value)) {
      for (const [part, partValue] of Object.entries(value)) take(`campaign.${part}`, partValue);
    } else if (key.startsWith('properties.')) {
      nested.push([name.trim().slice('properties.'.length), value]);
    } else {
      const known = fieldByName.get(key);
      const current = known && chosen.get(known.field);
      if (known && (!current || known.rank < current.rank)) {
        if (current) extra.push([current.name, current.value]);
        chosen.set(known.field, { rank: known.rank, name: name.trim(), value });
      } else {
        extra.push([name.trim(), value]);
      }
    }
  };
  for (const [name, value] of entries) take(name, value);

  const fields: Partial<Record<TouchpointField, unknown>> = {};
  for (const [field, { value }] of chosen) fields[field] = value;
  // fromEntries defines keys, where assignment would let a "__proto__" key replace the prototype;
  // the schema then refuses that key by name. A `properties` object wins over loose columns.
  const properties = invalidProperties ?? (extra.length || nested.length ? Object.fromEntries([...extra, ...nested]) : undefined);
  return { fields, properties };
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Free-form values nested deeper than this are left as they are: the schema refuses them anyway. */
const cleanDepth = 16;

/** A value without its padding and empty parts; undefined when nothing is left. */
function clean(value: unknown, depth = 0): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') {
    const text = value.trim();
    return text === '' || text.toLowerCase() === 'null' ? undefined : text;
  }
  if (typeof value !== 'object' || depth > cleanDepth) return value;
  if (Array.isArray(value)) {
    const items = value.map((item) => clean(item, depth + 1)).filter((item) => item !== undefined);
    return items.length ? items : undefined;
  }
  const entries = Object.entries(value)
    .map(([key, item]) => [key, clean(item, depth + 1)] as const)
    .filter(([, item]) => item !== undefined);
  return entries.length ? Object.fromEntries(entries) : undefined;
}
