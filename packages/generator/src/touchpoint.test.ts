import { describe, expect, it } from 'vitest';
import { generate } from './index.ts';
import { toCsv, type OfflineTouchpoint } from './touchpoint.ts';

describe('offline touchpoints', () => {
  const { truth, touchpoints } = generate({ seed: 4, people: 1500, accounts: 80 });

  it('come from the CRM, the webinar tool and the call recorder, each kind as the stage models name it', () => {
    const kinds = new Set(touchpoints.map((touchpoint) => `${touchpoint.source} ${touchpoint.type}`));
    for (const kind of ['zoom webinar', 'salesforce demo', 'salesforce opportunity_created', 'gong sales_call', 'salesforce closed_won']) expect(kinds).toContain(kind);
    const ids = touchpoints.map((touchpoint) => `${touchpoint.source}/${touchpoint.externalId}`);
    expect(new Set(ids).size).toBe(ids.length);
    const times = touchpoints.map((touchpoint) => touchpoint.occurredAt);
    expect(times).toEqual([...times].sort());
  });

  it('name a real person by email (and now and then user id), and their account by id or domain', () => {
    const people = new Map(truth.people.map((person) => [person.email, person]));
    const accounts = new Map(truth.accounts.map((account) => [account.id, account]));
    for (const touchpoint of touchpoints) {
      const person = people.get(touchpoint.email!);
      expect(person, touchpoint.externalId).toBeDefined();
      if (touchpoint.userId) expect(touchpoint.userId).toBe(person!.userId);
      if (person!.accountId) {
        const account = accounts.get(person!.accountId)!;
        expect(touchpoint.accountId === account.id || touchpoint.domain === account.domain).toBe(true);
      } else {
        expect([touchpoint.accountId, touchpoint.domain]).toEqual([undefined, undefined]);
      }
    }
    expect(touchpoints.some((touchpoint) => touchpoint.userId)).toBe(true);
    expect(touchpoints.some((touchpoint) => touchpoint.domain)).toBe(true);
  });

  it('write as CSV the import reads: one column per field, properties as properties.<name>', () => {
    const rows: OfflineTouchpoint[] = [
      { source: 'zoom', externalId: 'a,1', type: 'webinar', occurredAt: '2025-01-02T03:04:05.000Z', email: 'ann@example.com', properties: { webinar: 'say "hi"', minutes: 5 } },
      { source: 'gong', externalId: 'b2', type: 'sales_call', occurredAt: '2025-01-03T00:00:00.000Z', domain: 'acme.example', properties: { notes: 'line\nbreak' } },
    ];
    expect([...toCsv(rows)]).toEqual([
      'source,externalId,type,occurredAt,email,userId,accountId,domain,properties.webinar,properties.minutes,properties.notes',
      'zoom,"a,1",webinar,2025-01-02T03:04:05.000Z,ann@example.com,,,,"say ""hi""",5,',
      'gong,b2,sales_call,2025-01-03T00:00:00.000Z,,,,acme.example,,,"line\nbreak"',
    ]);
  });
});
