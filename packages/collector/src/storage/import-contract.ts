import { describe, expect, it } from 'vitest';
import { opener, type ContractSubject } from './contract.ts';
import type { OfflineTouchpoint } from '../import/offline-touchpoint.ts';

const site = 'default';
const hour = 3_600_000;
const at = (hours: number) => Date.UTC(2026, 4, 1) + hours * hour;
const window = { window: 2 * hour, now: at(1000) };

const touchpoint = (overrides: Partial<OfflineTouchpoint>): OfflineTouchpoint => ({
  source: 'salesforce',
  externalId: 'sf-1',
  type: 'sales_call',
  occurredAt: at(0),
  email: 'ann@northwind.io',
  accountId: 'northwind',
  domain: 'northwind.io',
  properties: { owner: 'Kai', note: 'ünïcödé 購入' },
  ...overrides,
});

/** Imported offline touchpoints: stored once, found by person and by account, on every adapter. */
export function importContract(name: string, subject: ContractSubject): void {
  describe(`import contract: ${name}`, () => {
    const open = opener(subject);

    it("stores imported touchpoints and reads them back by a person's identifiers and by account, in time order", async () => {
      const storage = await open();
      const rows = [
        touchpoint({ externalId: 'sf-2', type: 'closed_won', occurredAt: at(48) }),
        touchpoint({}),
        touchpoint({ source: 'zoom', externalId: 'z-1', type: 'webinar', occurredAt: at(24), email: undefined, userId: 'u-ann', accountId: undefined }),
        touchpoint({ source: 'zoom', externalId: 'z-2', type: 'webinar', occurredAt: at(24), email: 'cleo@gmail.com', accountId: undefined, domain: undefined }),
      ];
      expect(await storage.importTouchpoints(site, rows, window)).toEqual([
        { status: 'imported', id: 'salesforce:sf-2' },
        { status: 'imported', id: 'salesforce:sf-1' },
        { status: 'imported', id: 'zoom:z-1' },
        { status: 'imported', id: 'zoom:z-2' },
      ]);
      const ann = await storage.importedTouchpoints(site, { emails: ['ann@northwind.io'], userIds: ['u-ann'] });
      expect(ann.map((row) => row.id)).toEqual(['salesforce:sf-1', 'zoom:z-1', 'salesforce:sf-2']);
      expect(ann[0]).toEqual({ ...rows[1], id: 'salesforce:sf-1' });
      const northwind = await storage.importedTouchpoints(site, { accountIds: ['northwind'], domains: ['northwind.io'] });
      expect(northwind.map((row) => row.id)).toEqual(['salesforce:sf-1', 'zoom:z-1', 'salesforce:sf-2']);
      expect(await storage.importedTouchpoints('docs', { emails: ['ann@northwind.io'], userIds: [] })).toEqual([]);
    });

    it('keeps a touchpoint once: re-imported, repeated in one file, or recorded by a second source', async () => {
      const storage = await open();
      const first = [touchpoint({}), touchpoint({ externalId: 'sf-9', type: 'meeting', occurredAt: at(10) })];
      await storage.importTouchpoints(site, first, window);
      // The same file again changes nothing.
      expect(await storage.importTouchpoints(site, first, window)).toEqual([
        { status: 'duplicate', id: 'salesforce:sf-1', reason: 'same source and externalId' },
        { status: 'duplicate', id: 'salesforce:sf-9', reason: 'same source and externalId' },
      ]);
      expect(
        await storage.importTouchpoints(
          site,
          [
            // HubSpot logged the same call 90 minutes later: within the 2-hour window.
            touchpoint({ source: 'hubspot', externalId: 'h-1', occurredAt: at(1.5) }),
            // Three hours later: another call.
            touchpoint({ source: 'hubspot', externalId: 'h-2', occurredAt: at(3) }),
            // The same time but another type: another touchpoint.
            touchpoint({ source: 'hubspot', externalId: 'h-3', type: 'email' }),
            // A file's own repeat.
            touchpoint({ source: 'hubspot', externalId: 'h-2', occurredAt: at(3) }),
          ],
          window,
        ),
      ).toEqual([
        { status: 'duplicate', id: 'salesforce:sf-1', reason: 'same person, type and time' },
        { status: 'imported', id: 'hubspot:h-2' },
        { status: 'imported', id: 'hubspot:h-3' },
        { status: 'duplicate', id: 'hubspot:h-2', reason: 'same source and externalId' },
      ]);
      const all = await storage.importedTouchpoints(site, { emails: ['ann@northwind.io'], userIds: [] });
      // Time order; at the same time, by id.
      expect(all.map((row) => row.id)).toEqual(['hubspot:h-3', 'salesforce:sf-1', 'hubspot:h-2', 'salesforce:sf-9']);
    });
  });
}
