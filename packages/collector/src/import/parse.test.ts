import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../http/errors.ts';
import type { OfflineTouchpoint } from './offline-touchpoint.ts';
import { importFormat, importLimits, parseImport, type ImportFormat } from './parse.ts';

const now = Date.parse('2026-11-25T12:00:00Z');
const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');
const parse = (text: string, format: ImportFormat) => parseImport(text, format, { now });

/** A row that passes, for tests that change one field of it. */
const base = { source: 'crm', externalId: 'x-1', type: 'demo', occurredAt: '2026-11-01T10:00:00Z', email: 'ann@initech.com' };
const one = (row: Record<string, unknown>): OfflineTouchpoint => {
  const { rows, rejected } = parse(JSON.stringify([row]), 'json');
  expect(rejected).toEqual([]);
  return rows[0]!.touchpoint;
};
const errorsOf = (row: Record<string, unknown>) => {
  const { rows, rejected } = parse(JSON.stringify([row]), 'json');
  expect(rows).toEqual([]);
  return rejected[0]!.errors;
};
const fieldsOf = (row: Record<string, unknown>) => errorsOf(row).map((error) => error.field);

describe('the same touchpoints as JSON, NDJSON and CSV', () => {
  const expected = [
    {
      row: 1,
      touchpoint: {
        source: 'hubspot',
        externalId: 'call-1001',
        type: 'sales_call',
        occurredAt: Date.parse('2026-11-02T09:30:00Z'),
        email: 'jane.doe@acme.com',
        domain: 'acme.com',
        campaign: { source: 'linkedin', medium: 'paid_social', name: 'q4 launch' },
        url: 'https://www.acme.com/pricing?plan=pro',
        properties: { owner: 'Sam', notes: 'Asked about "SSO", then pricing' },
      },
    },
    {
      row: 2,
      touchpoint: {
        source: 'zoom',
        externalId: '88123',
        type: 'webinar',
        occurredAt: Date.parse('2026-11-03T17:00:00Z'),
        userId: 'u_42',
        properties: { duration_minutes: '55', Notes: 'Stayed\nfor Q&A' },
      },
    },
    {
      row: 3,
      touchpoint: {
        source: 'conference-2026',
        externalId: 'badge-7',
        type: 'conference',
        occurredAt: Date.parse('2026-11-04T08:00:00Z'),
        accountId: 'acct_9',
        domain: 'globex.com',
      },
    },
  ];

  it.each([
    ['three.json', 'json'],
    ['three.ndjson', 'ndjson'],
    ['three.csv', 'csv'],
  ] as const)('%s gives the three standardised rows', (file, format) => {
    expect(parse(fixture(file), format)).toEqual({ rows: expected, rejected: [] });
  });
});

describe('standardisation', () => {
  it('trims every value and lower-cases the source', () => {
    expect(one({ ...base, source: '  HubSpot ', externalId: ' x-1\t' })).toMatchObject({ source: 'hubspot', externalId: 'x-1' });
  });

  it('lower-cases emails', () => {
    expect(one({ ...base, email: 'Ann.Smith@Initech.COM' }).email).toBe('ann.smith@initech.com');
  });

  it.each([
    ['a bare host', 'Initech.COM', 'initech.com'],
    ['a host with www.', 'www.initech.com', 'initech.com'],
    ['a website', 'https://www.Initech.com/about?x=1', 'initech.com'],
    ['an email', 'Peter@Initech.com', 'initech.com'],
  ])('takes the domain from %s', (_, domain, expected) => {
    expect(one({ ...base, domain }).domain).toBe(expected);
  });

  it.each([
    ['Sales Call', 'sales_call'],
    ['closed-won', 'closed_won'],
    ['ClosedWon', 'closed_won'],
    [' DEMO ', 'demo'],
    ['Webinar / Live', 'webinar_live'],
    ['展示会', '展示会'],
  ])('normalises the type %j to %j', (type, expected) => {
    expect(one({ ...base, type }).type).toBe(expected);
  });

  it('lower-cases UTM values, given as utm_ columns or as a campaign object', () => {
    expect(one({ ...base, utm_source: 'Google', UTM_Medium: 'CPC', 'utm campaign': 'Brand KW' }).campaign).toEqual({ source: 'google', medium: 'cpc', name: 'brand kw' });
    expect(one({ ...base, campaign: { Source: 'Google', medium: 'CPC', name: 'Brand' } }).campaign).toEqual({ source: 'google', medium: 'cpc', name: 'brand' });
  });

  it.each([
    ['lower-cases the host', 'HTTPS://WWW.Initech.COM/Pricing', 'https://www.initech.com/Pricing'],
    ['drops the fragment', 'https://initech.com/docs#install', 'https://initech.com/docs'],
    ['drops the default port', 'https://initech.com:443/', 'https://initech.com/'],
    ['sorts the query', 'https://initech.com/?b=2&a=1&c=3', 'https://initech.com/?a=1&b=2&c=3'],
    ['keeps the order of a repeated name', 'https://initech.com/?tag=z&a=1&tag=y', 'https://initech.com/?a=1&tag=z&tag=y'],
    ['drops an empty query', 'https://initech.com/?gclid=1', 'https://initech.com/'],
  ])('makes URLs canonical: %s', (_, url, expected) => {
    expect(one({ ...base, url }).url).toBe(expected);
  });

  it.each(['utm_source', 'UTM_Term', 'gclid', 'gbraid', 'wbraid', 'gad_source', 'fbclid', 'msclkid', 'li_fat_id', 'ttclid', 'twclid', 'mc_eid', 'mc_cid', '_hsenc', '_hsmi', 'mkt_tok'])(
    'removes the tracking parameter %s',
    (name) => {
      expect(one({ ...base, url: `https://initech.com/p?${name}=v1&page=2` }).url).toBe('https://initech.com/p?page=2');
    },
  );

  it("fills the campaign from the URL's UTM tags, but the row's own values win", () => {
    const url = 'https://initech.com/?utm_source=LinkedIn&utm_medium=Social&utm_campaign=Q4';
    expect(one({ ...base, url }).campaign).toEqual({ source: 'linkedin', medium: 'social', name: 'q4' });
    expect(one({ ...base, url, utm_source: 'newsletter' }).campaign).toEqual({ source: 'newsletter', medium: 'social', name: 'q4' });
  });

  it.each([
    ['ISO 8601 in UTC', '2026-11-02T09:30:00Z', '2026-11-02T09:30:00.000Z'],
    ['ISO 8601 with an offset', '2026-11-02T18:30:00+09:00', '2026-11-02T09:30:00.000Z'],
    ['ISO 8601 with a compact offset', '2026-11-02T04:30-0500', '2026-11-02T09:30:00.000Z'],
    ['ISO 8601 with milliseconds', '2026-11-02T09:30:00.250Z', '2026-11-02T09:30:00.250Z'],
    ['ISO 8601 without an offset, as UTC', '2026-11-02T09:30:00', '2026-11-02T09:30:00.000Z'],
    ['a date, as midnight UTC', '2026-11-02', '2026-11-02T00:00:00.000Z'],
    ['a date and minutes, as UTC', '2026-11-02 09:30', '2026-11-02T09:30:00.000Z'],
    ['a date and seconds, as UTC', '2026-11-02 09:30:15', '2026-11-02T09:30:15.000Z'],
    ['a date and time with an offset', '2026-11-02 11:30:00 +02:00', '2026-11-02T09:30:00.000Z'],
    ['epoch seconds', 1793611800, '2026-11-02T09:30:00.000Z'],
    ['epoch seconds as text', '1793611800', '2026-11-02T09:30:00.000Z'],
    ['epoch milliseconds', 1793611800123, '2026-11-02T09:30:00.123Z'],
    ['epoch milliseconds as text', '1793611800123', '2026-11-02T09:30:00.123Z'],
  ])('reads %s', (_, occurredAt, iso) => {
    expect(new Date(one({ ...base, occurredAt }).occurredAt).toISOString()).toBe(iso);
  });

  it('drops null, empty and blank fields, also inside properties', () => {
    const touchpoint = one({
      ...base,
      userId: null,
      accountId: '',
      domain: '   ',
      url: 'NULL',
      properties: { kept: ' yes ', none: null, empty: '', blank: ' \t', nested: { gone: null }, list: ['a', '', null] },
    });
    expect(touchpoint).toEqual({ ...base, occurredAt: Date.parse(base.occurredAt), properties: { kept: 'yes', list: ['a'] } });
  });

  it('leaves properties out when nothing is left in them', () => {
    expect(one({ ...base, properties: { none: null } })).not.toHaveProperty('properties');
  });

  it('reads ids given as numbers as text', () => {
    expect(one({ ...base, externalId: 42, userId: 7 })).toMatchObject({ externalId: '42', userId: '7' });
  });

  it('keeps an alias that lost to the preferred name as a property', () => {
    expect(one({ ...base, id: 'row-9' })).toMatchObject({ externalId: 'x-1', properties: { id: 'row-9' } });
  });

  it('lets a properties object win over a loose field of the same name', () => {
    expect(one({ ...base, plan: 'loose', properties: { plan: 'pro' } }).properties).toEqual({ plan: 'pro' });
  });
});

describe('rows that cannot be stored', () => {
  it.each(['source', 'externalId', 'type', 'occurredAt'])('need %s', (field) => {
    const row: Record<string, unknown> = { ...base };
    delete row[field];
    expect(errorsOf(row)).toEqual([{ field, message: 'required' }]);
  });

  it('need a person or an account', () => {
    const { email: _, ...row } = base;
    expect(fieldsOf(row)).toEqual(['email']);
    expect(one({ ...row, userId: 'u1' }).userId).toBe('u1');
    expect(one({ ...row, accountId: 'a1' }).accountId).toBe('a1');
    expect(one({ ...row, domain: 'initech.com' }).domain).toBe('initech.com');
  });

  it.each([
    ['an invalid email', { email: 'ann(at)initech.com' }, 'email', '"ann(at)initech.com" is not a valid email'],
    ['an unparseable time', { occurredAt: '11/02/2026' }, 'occurredAt', /is not a time/],
    ['a date that does not exist', { occurredAt: '2026-02-30' }, 'occurredAt', /is not a time/],
    ['an hour that does not exist', { occurredAt: '2026-11-02 24:00' }, 'occurredAt', /is not a time/],
    ['a time more than a day ahead', { occurredAt: '2026-11-26T12:00:01Z' }, 'occurredAt', '2026-11-26T12:00:01.000Z is more than a day in the future'],
    ['a URL that is not http(s)', { url: 'ftp://initech.com/file' }, 'url', /is not an http\(s\) URL/],
    ['a domain that is not one', { domain: 'not a domain' }, 'domain', /is not a domain/],
    ['a placeholder user id', { userId: 'undefined' }, 'userId', '"undefined" is a placeholder, not an id'],
    ['a type of punctuation only', { type: '--' }, 'type', /has no letters or digits/],
    ['an object where text belongs', { source: { name: 'crm' } }, 'source', 'expected text or a number'],
    ['properties that are not an object', { properties: 'plan=pro' }, 'properties', 'expected an object'],
  ])('refuse %s', (_, change, field, message) => {
    const errors = errorsOf({ ...base, ...change });
    expect(errors).toHaveLength(1);
    expect(errors[0]!.field).toBe(field);
    expect(errors[0]!.message).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
  });

  it('accept a time less than a day ahead', () => {
    expect(one({ ...base, occurredAt: '2026-11-26T11:59:59Z' }).occurredAt).toBe(Date.parse('2026-11-26T11:59:59Z'));
  });

  it.each([
    ['source', 501, 500],
    ['externalId', 256, 255],
    ['type', 501, 500],
    ['userId', 256, 255],
    ['accountId', 256, 255],
    ['utm_source', 501, 500],
  ])("refuse a %s over the protocol's limit", (field, over, limit) => {
    expect(one({ ...base, [field]: 'a'.repeat(limit) })).toBeDefined();
    const errors = errorsOf({ ...base, [field]: 'a'.repeat(over) });
    expect(errors).toEqual([{ field: field === 'utm_source' ? 'campaign.source' : field, message: `longer than ${limit} characters` }]);
  });

  it("refuse a URL over the protocol's limit", () => {
    const url = (length: number) => 'https://initech.com/' + 'p'.repeat(length - 'https://initech.com/'.length);
    expect(one({ ...base, url: url(4096) }).url).toHaveLength(4096);
    expect(errorsOf({ ...base, url: url(4097) })).toEqual([{ field: 'url', message: 'longer than 4096 characters' }]);
  });

  it('refuse properties beyond the free-form caps, naming the key', () => {
    expect(errorsOf({ ...base, properties: { notes: 'x'.repeat(16 * 1024 + 1) } })).toEqual([{ field: 'properties.notes', message: 'string longer than 16384 characters' }]);
    expect(fieldsOf({ ...base, properties: { a: { b: { c: { d: { e: { f: 1 } } } } } } })).toEqual(['properties.a.b.c.d.e']);
  });

  it('refuse a "__proto__" key without touching the prototype', () => {
    const { rejected } = parse(`[${JSON.stringify(base).slice(0, -1)},"__proto__":{"polluted":true}}]`, 'json');
    expect(rejected[0]!.errors).toEqual([{ field: 'properties.__proto__', message: 'key "__proto__" is not allowed' }]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('refuse a touchpoint too large to store as a whole', () => {
    const properties = Object.fromEntries(Array.from({ length: 3 }, (_, index) => [`part${index}`, 'x'.repeat(12_000)]));
    expect(errorsOf({ ...base, properties })).toEqual([{ field: 'properties', message: expect.stringMatching(/^the touchpoint is \d+ bytes once serialised; at most 32768$/) }]);
  });

  it('name every problem of a row at once', () => {
    expect(fieldsOf({ externalId: 'x', type: 'demo', occurredAt: 'yesterday', email: 'nope', url: 'initech' })).toEqual(['source', 'occurredAt', 'email', 'url']);
  });

  it('are reported with their row numbers while the good rows land', () => {
    const { rows, rejected } = parse(fixture('mixed.csv'), 'csv');
    expect(rows.map(({ row, touchpoint }) => [row, touchpoint.externalId])).toEqual([
      [1, 'ok-1'],
      [3, 'ok-2'],
      [7, 'ok-4'],
    ]);
    expect(rejected.map(({ row, errors }) => [row, errors.map((error) => error.field)])).toEqual([
      [2, ['email']],
      [5, ['type', 'occurredAt', 'email', 'url']],
      [6, ['source']],
      [8, ['occurredAt']],
      [9, ['email']],
    ]);
    expect(rows[2]!.touchpoint.occurredAt).toBe(Date.parse('2026-11-20T03:00:00Z'));
  });
});

describe('JSON and NDJSON bodies', () => {
  it('take { "touchpoints": [ … ] } as well as an array', () => {
    expect(parse(JSON.stringify({ touchpoints: [base] }), 'json').rows).toHaveLength(1);
  });

  it('reject an item that is not an object, by its position', () => {
    const { rows, rejected } = parse(JSON.stringify([base, 'oops', { ...base, externalId: 'x-2' }]), 'json');
    expect(rows.map((row) => row.row)).toEqual([1, 3]);
    expect(rejected).toEqual([{ row: 2, status: 'rejected', errors: [{ field: 'row', message: expect.stringContaining('expected an object') }] }]);
  });

  it('number NDJSON rows by line, skipping blank lines, and reject a line that is not JSON', () => {
    const text = [JSON.stringify(base), '', '{"source": "crm",', JSON.stringify({ ...base, externalId: 'x-2' }), '   ', '[1]'].join('\r\n');
    const { rows, rejected } = parse(text, 'ndjson');
    expect(rows.map((row) => row.row)).toEqual([1, 4]);
    expect(rejected.map((row) => [row.row, row.errors[0]!.message])).toEqual([
      [3, expect.stringMatching(/^not valid JSON/)],
      [6, expect.stringContaining('expected an object')],
    ]);
  });

  it.each([
    ['not JSON at all', '{"touchpoints": [', 'invalid_json'],
    ['a JSON object without touchpoints', '{"rows": []}', 'invalid_import'],
    ['a JSON string', '"hello"', 'invalid_import'],
  ])('refuse a body that is %s as a whole', (_, text, code) => {
    expect(() => parse(text, 'json')).toThrow(expect.objectContaining({ status: 400, code }));
  });
});

describe('CSV', () => {
  const header = 'source,externalId,type,occurredAt,email,notes';
  const csvRows = (text: string) => parse(text, 'csv');

  it('reads quoted values holding commas, doubled quotes and line breaks', () => {
    const { rows } = csvRows(`${header}\ncrm,x-1,demo,2026-11-01,ann@initech.com,"Said ""hi"", left\r\nearly"\n`);
    expect(rows[0]!.touchpoint.properties).toEqual({ notes: 'Said "hi", left\r\nearly' });
  });

  it('counts a multi-line record as one row', () => {
    const { rows } = csvRows(`${header}\ncrm,x-1,demo,2026-11-01,ann@initech.com,"one\ntwo\nthree"\ncrm,x-2,demo,2026-11-01,ann@initech.com,\n`);
    expect(rows.map(({ row, touchpoint }) => [row, touchpoint.externalId])).toEqual([
      [1, 'x-1'],
      [2, 'x-2'],
    ]);
  });

  it('reads CRLF line ends, a byte order mark, and no final line break', () => {
    const { rows } = csvRows(`\uFEFF${header}\r\ncrm,x-1,demo,2026-11-01,ann@initech.com,a\r\ncrm,x-2,demo,2026-11-01,bob@initech.com,b`);
    expect(rows.map(({ touchpoint }) => [touchpoint.source, touchpoint.externalId, touchpoint.properties])).toEqual([
      ['crm', 'x-1', { notes: 'a' }],
      ['crm', 'x-2', { notes: 'b' }],
    ]);
  });

  it('takes field names from the header whatever their case and spacing', () => {
    const { rows } = csvRows(' SOURCE , External-ID ,TYPE,Date,Occurred At,E-Mail\ncrm,x-1,demo,2026-10-01,2026-11-01,ann@initech.com\n');
    expect(rows[0]!.touchpoint).toEqual({ ...base, occurredAt: Date.parse('2026-11-01'), properties: { Date: '2026-10-01' } });
  });

  it('reads a short row as having empty values in the missing columns', () => {
    const { rows, rejected } = csvRows(`${header}\ncrm,x-1,demo,2026-11-01,ann@initech.com\ncrm,x-2,demo\n`);
    expect(rows.map(({ row, touchpoint }) => [row, touchpoint])).toEqual([[1, { ...base, occurredAt: Date.parse('2026-11-01') }]]);
    expect(rejected).toEqual([{ row: 2, status: 'rejected', errors: [{ field: 'occurredAt', message: 'required' }, expect.objectContaining({ field: 'email' })] }]);
  });

  it('refuses a row with more values than the header, but not one with empty extra cells', () => {
    const { rows, rejected } = csvRows(`${header}\ncrm,x-1,demo,2026-11-01,ann@initech.com,a,,\ncrm,x-2,demo,2026-11-01,Smith, Ann,ann@initech.com\n`);
    expect(rows.map((row) => row.row)).toEqual([1]);
    expect(rejected).toEqual([{ row: 2, status: 'rejected', errors: [{ field: 'row', message: 'has 7 values, but the header names 6 columns' }] }]);
  });

  it('refuses a value in a column with no name', () => {
    const { rejected } = csvRows('source,externalId,type,occurredAt,email,\ncrm,x-1,demo,2026-11-01,ann@initech.com,stray\n');
    expect(rejected[0]!.errors).toEqual([{ field: 'row', message: 'has a value in column 6, which has no name in the header' }]);
  });

  it('skips blank rows but counts them, as a spreadsheet does', () => {
    const { rows, rejected } = csvRows(`${header}\n\ncrm,x-1,demo,2026-11-01,ann@initech.com,\n,,,,,\n\ncrm,x-2,demo,2026-11-01,ann@initech.com,\n\n`);
    expect(rows.map((row) => row.row)).toEqual([2, 5]);
    expect(rejected).toEqual([]);
  });

  it('reports an unclosed quote on its row; the rows before it land', () => {
    const { rows, rejected } = csvRows(`${header}\ncrm,x-1,demo,2026-11-01,ann@initech.com,ok\ncrm,x-2,demo,2026-11-01,ann@initech.com,"never closed\ncrm,x-3,demo,2026-11-01,ann@initech.com,\n`);
    expect(rows.map((row) => row.row)).toEqual([1]);
    expect(rejected).toEqual([{ row: 2, status: 'rejected', errors: [{ field: 'row', message: expect.stringContaining('never closed') }] }]);
  });

  it('gives nothing for an empty file or a header alone', () => {
    expect(csvRows('')).toEqual({ rows: [], rejected: [] });
    expect(csvRows(`${header}\r\n`)).toEqual({ rows: [], rejected: [] });
  });
});

describe('limits of one request', () => {
  it(`takes ${importLimits.rows} rows and refuses one more`, () => {
    const lines = (count: number) => Array.from({ length: count }, (_, index) => JSON.stringify({ ...base, externalId: `x-${index}` })).join('\n');
    expect(parse(lines(importLimits.rows), 'ndjson').rows).toHaveLength(importLimits.rows);
    expect(() => parse(lines(importLimits.rows + 1), 'ndjson')).toThrow(expect.objectContaining({ status: 413, code: 'too_many_rows' }));
  });

  it('refuses a body over 5 MB, counted in UTF-8 bytes', () => {
    const header = 'source,externalId,type,occurredAt,email';
    const padded = (bytes: number) => `${header}\n`.padEnd(bytes, ' ');
    expect(parse(padded(importLimits.bytes), 'csv')).toEqual({ rows: [], rejected: [] });
    expect(() => parse(padded(importLimits.bytes + 1), 'csv')).toThrow(expect.objectContaining({ status: 413, code: 'too_large' }));
    // 'é' is two bytes: half as many characters already fill the limit.
    expect(() => parse('é'.repeat(importLimits.bytes / 2 + 1), 'csv')).toThrow(ApiError);
  });
});

describe('the format of a body', () => {
  it.each([
    ['application/json', 'json'],
    ['application/json; charset=utf-8', 'json'],
    ['application/x-ndjson', 'ndjson'],
    ['Application/NDJSON', 'ndjson'],
    ['text/csv; charset=utf-8', 'csv'],
  ])('is read from the Content-Type %s', (contentType, format) => {
    expect(importFormat(contentType)).toBe(format);
  });

  it.each(['text/plain', 'application/xml', null])('is refused as %s', (contentType) => {
    expect(() => importFormat(contentType)).toThrow(expect.objectContaining({ status: 415, code: 'unsupported_media_type' }));
  });
});
