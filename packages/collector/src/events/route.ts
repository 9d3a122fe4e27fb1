import { Hono } from 'hono';
import * as z from 'zod';
import { eventTypes, identifier, isoDateTime, limits } from '@journey/protocol';
import type { CollectorConfig } from '../config.ts';
import type { Storage } from '../storage/port.ts';
import { requireSecretKey } from '../auth/secret-key.ts';
import { ApiError, toIssues } from '../http/errors.ts';
import { parseIsoTime } from '../ingest/timestamp.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';

const query = z.object({
  site: z.string().max(limits.identifier).optional(),
  anonymousId: identifier.optional(),
  userId: identifier.optional(),
  type: z.enum(eventTypes).optional(),
  since: isoDateTime.optional(),
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});

/** GET /v1/events: stored events in arrival order, for the secret key only. */
export function eventRoutes(config: CollectorConfig, storage: Storage): Hono {
  const app = new Hono();
  app.get('/', requireSecretKey(config), async (c) => {
    const parsed = query.safeParse(c.req.query());
    if (!parsed.success) {
      throw new ApiError(400, 'invalid_query', 'The query parameters are not valid', { issues: toIssues(parsed.error.issues) });
    }
    const { cursor, since, ...filters } = parsed.data;
    const page = await storage.listEvents({
      ...filters,
      ...(since === undefined ? {} : { since: parseIsoTime(since) }),
      ...(cursor === undefined ? {} : { after: decodeCursor(cursor) }),
    });
    // Payloads were serialised at ingestion; they are spliced in, not parsed and serialised again.
    const events = page.events.map((event) => event.payload).join(',');
    const next = page.next === null ? 'null' : JSON.stringify(encodeCursor(page.next));
    return c.body(`{"events":[${events}],"nextCursor":${next}}`, 200, { 'Content-Type': 'application/json' });
  });
  return app;
}
