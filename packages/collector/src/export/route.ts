/**
 * Exports for a warehouse (secret key): every event as NDJSON, resumable from any line's cursor,
 * and the people and accounts as CSV with where each is in the journey. Streamed a page at a
 * time, so a million rows need no more memory than a thousand.
 */
import { Hono, type Context } from 'hono';
import * as z from 'zod';
import type { CollectorConfig } from '../config.ts';
import type { Storage } from '../storage/port.ts';
import type { AnalyticsReports } from '../analytics/reports.ts';
import { requireSecretKey } from '../auth/secret-key.ts';
import { parse, refAndSite } from '../http/params.ts';
import { decodeCursor, encodeCursor } from '../events/cursor.ts';
import { csvLine } from './csv.ts';

const eventsQuery = z.object({ cursor: z.string().max(64).optional() });
const encoder = new TextEncoder();
const iso = (at: number | undefined) => (at === undefined ? '' : new Date(at).toISOString());

/** A body produced a chunk at a time by `next` (undefined: done). */
function streamed(next: () => Promise<string | undefined>): ReadableStream<Uint8Array> {
  return new ReadableStream({
    async pull(controller) {
      const chunk = await next();
      if (chunk === undefined) controller.close();
      else controller.enqueue(encoder.encode(chunk));
    },
  });
}

export function exportRoutes(config: CollectorConfig, storage: Storage, reports: AnalyticsReports): Hono {
  const app = new Hono();
  const { siteOf } = refAndSite(config.writeKeys[0]!.site);
  app.use('/export/*', requireSecretKey(config));
  const download = (c: Context, body: ReadableStream<Uint8Array>, type: string, name: string) =>
    c.body(body, 200, { 'Content-Type': type, 'Content-Disposition': `attachment; filename="${name}"`, 'Cache-Control': 'no-store' });

  // One event per line: {"cursor": "…", "event": {…}}; ?cursor= resumes after that line.
  app.get('/export/events', (c) => {
    const site = siteOf(c);
    const { cursor } = parse(eventsQuery, c.req.query(), 'query');
    let after: number | null | undefined = cursor === undefined ? undefined : decodeCursor(cursor);
    return download(
      c,
      streamed(async () => {
        if (after === null) return undefined;
        const page = await storage.listEvents({ site, limit: 1000, ...(after !== undefined && { after }) });
        if (page.events.length === 0) return undefined;
        after = page.next;
        return page.events.map((event) => `{"cursor":${JSON.stringify(encodeCursor(event.seq))},"event":${event.payload}}\n`).join('');
      }),
      'application/x-ndjson',
      'events.ndjson',
    );
  });

  /** A CSV download: the header, then pages of rows in id order until one comes back empty. */
  const csv = <T extends { id: string }>(c: Context, name: string, header: string[], page: (after: string | null) => Promise<T[]>, row: (item: T) => Array<string | number | null | undefined>) => {
    let after: string | null | undefined;
    return download(
      c,
      streamed(async () => {
        if (after === undefined) {
          after = null;
          return csvLine(header);
        }
        const items = await page(after);
        if (items.length === 0) return undefined;
        after = items.at(-1)!.id;
        return items.map((item) => csvLine(row(item))).join('');
      }),
      'text/csv; charset=utf-8',
      name,
    );
  };

  app.get('/export/people.csv', async (c) => {
    const site = siteOf(c);
    const owners = await reports.owners(site);
    const stage = new Map(owners.people.map((person) => [person.id, person]));
    const header = ['person_id', 'emails', 'user_ids', 'devices', 'account', 'stage', 'touches', 'first_seen', 'last_touch'];
    return csv(c, 'people.csv', header, (after) => storage.exportPeople(site, after, 5000), (person) => {
      const of = (kind: string) => person.identifiers.filter((identifier) => identifier.kind === kind).map((identifier) => identifier.value);
      const staged = stage.get(person.id);
      return [person.id, of('email').join(' '), of('userId').join(' '), of('anonymousId').length, owners.accountOfPerson[person.id], staged?.history.current, staged?.touchpoints.length ?? 0, iso(person.firstSeen), iso(staged?.touchpoints.at(-1)?.at)];
    });
  });

  app.get('/export/accounts.csv', async (c) => {
    const site = siteOf(c);
    const owners = await reports.owners(site);
    const stage = new Map(owners.accounts.map((account) => [account.id, account]));
    const people = new Map<string, number>();
    for (const account of Object.values(owners.accountOfPerson)) people.set(account, (people.get(account) ?? 0) + 1);
    const header = ['account_id', 'name', 'domain', 'stage', 'people', 'touches', 'first_seen', 'last_seen', 'traits'];
    return csv(c, 'accounts.csv', header, (after) => storage.exportAccounts(site, after, 1000), (account) => {
      const traits = owners.accountTraits.get(account.id) ?? {};
      const staged = stage.get(account.id);
      const name = typeof traits['name'] === 'string' ? traits['name'] : '';
      return [account.id, name, account.domain, staged?.history.current, people.get(account.id) ?? 0, staged?.touchpoints.length ?? 0, iso(account.firstSeen), iso(account.lastSeen), JSON.stringify(traits)];
    });
  });

  return app;
}
