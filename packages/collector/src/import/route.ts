import { Hono } from 'hono';
import * as z from 'zod';
import type { CollectorConfig } from '../config.ts';
import type { Storage } from '../storage/port.ts';
import { requireSecretKey } from '../auth/secret-key.ts';
import { readBody } from '../http/read-body.ts';
import { parse } from '../http/params.ts';
import type { ImportOutcome } from './offline-touchpoint.ts';
import { importFormat, importLimits, parseImport } from './parse.ts';

const query = z.object({
  site: z.string().max(200).optional(),
  format: z.enum(['json', 'ndjson', 'csv']).optional(),
});

/**
 * POST /v1/import (secret key): touchpoints from CRMs, marketing automation, webinars, events and
 * sales calls, as JSON, NDJSON or CSV. Every row is standardised and checked on its own; the answer
 * tells each row's fate, so valid rows land whatever else the file holds, and importing the same
 * file again changes nothing.
 */
export function importRoutes(config: CollectorConfig, storage: Storage, now: () => number): Hono {
  const app = new Hono();
  app.use('/import', requireSecretKey(config));
  app.post('/import', async (c) => {
    const { site = config.writeKeys[0]!.site, format } = parse(query, c.req.query(), 'query');
    const text = await readBody(c.req.raw, importLimits.bytes);
    const at = now();
    const parsed = parseImport(text, format ?? importFormat(c.req.header('content-type')), { now: at });
    const results = await storage.importTouchpoints(site, parsed.rows.map((row) => row.touchpoint), { window: config.importWindow, now: at });
    const outcomes: ImportOutcome[] = [...parsed.rows.map((row, index) => ({ row: row.row, ...results[index]! })), ...parsed.rejected].sort((a, b) => a.row - b.row);
    return c.json({
      imported: outcomes.filter((outcome) => outcome.status === 'imported').length,
      duplicates: outcomes.filter((outcome) => outcome.status === 'duplicate').length,
      rejected: parsed.rejected.length,
      outcomes,
    });
  });
  return app;
}
