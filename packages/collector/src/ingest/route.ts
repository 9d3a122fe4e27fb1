import { Hono, type Context } from 'hono';
import { batchEnvelope, eventTypes, limits, type EventType, type IngestResult } from '@journey/protocol';
import type { CollectorConfig } from '../config.ts';
import type { Storage } from '../storage/port.ts';
import { ApiError, toIssues } from '../http/errors.ts';
import { readBody } from '../http/read-body.ts';
import { checkOrigin, ingestCors } from '../http/cors.ts';
import { createRateLimiter } from '../rate-limit/token-bucket.ts';
import { writeKeyFromRequest, writeKeyIndex } from '../auth/write-key.ts';
import { prepareEvents, type Arrival, type Prepared } from './prepare.ts';

export interface IngestOptions {
  config: CollectorConfig;
  storage: Storage;
  clientIp: (c: Context) => string | undefined;
  clientCountry: (c: Context) => string | undefined;
  now: () => number;
}

/**
 * Segment's HTTP Tracking API: POST /v1/batch and POST /v1/{track,page,identify,group,alias}, so
 * Segment's own server libraries can send here unchanged, plus what browsers need (text/plain
 * bodies, the write key in the query string).
 */
export function ingestRoutes({ config, storage, clientIp, clientCountry, now }: IngestOptions): Hono {
  const app = new Hono();
  const findKey = writeKeyIndex(config.writeKeys);
  const perKey = createRateLimiter(config.rateLimit.perWriteKey, now);
  const perIp = createRateLimiter(config.rateLimit.perIp, now);

  // CORS for the ingestion endpoints only: the read and admin API is never called cross-origin.
  const cors = ingestCors(config.writeKeys);
  for (const path of ['/batch', ...eventTypes.map((type) => `/${type}`)]) app.use(path, cors);

  const ingest = async (c: Context, single: EventType | undefined) => {
    const ip = clientIp(c);
    if (ip !== undefined) throttle(perIp.take(ip), 'Too many requests from this address');
    checkContentType(c.req.header('content-type'));

    // A key in the header or query is checked before the body is read: strangers cost no upload.
    const early = writeKeyFromRequest(c.req.raw);
    if (early !== undefined) findKey(early);
    // Neither the body nor what is made of it is named here: an async function keeps its locals
    // through every await, and a request waits for the commit's fsync. Held that long (under load,
    // past two young-generation collections), all of it would be promoted to the old generation.
    return c.json(await commit(accept(c, await readBody(c.req.raw, limits.requestBytes), early, single, ip)));
  };

  /** The request's events, validated and enriched: the rows to store, and the events refused. */
  const accept = (c: Context, text: string, early: string | undefined, single: EventType | undefined, ip: string | undefined): Prepared => {
    const body = parseJson(text);
    const key = findKey(early ?? (typeof body?.writeKey === 'string' ? body.writeKey : undefined));
    throttle(perKey.take(key.key), 'Too many requests for this write key');
    checkOrigin(c.req.header('origin'), key);

    const arrival: Arrival = {
      site: key.site,
      receivedAt: now(),
      ip,
      userAgent: c.req.header('user-agent'),
      country: clientCountry(c),
      storeRawIp: config.storeRawIp,
    };
    let items: unknown[];
    if (single === undefined) {
      const envelope = batchEnvelope.safeParse(body);
      if (!envelope.success) {
        throw new ApiError(400, 'invalid_batch', 'The body is not a batch: { "batch": [ …events ] }', {
          issues: toIssues(envelope.error.issues),
        });
      }
      items = envelope.data.batch;
      arrival.batchSentAt = envelope.data.sentAt;
      arrival.batchContext = envelope.data.context;
    } else {
      if (body === null) throw new ApiError(400, 'invalid_event', 'The body must be a JSON object: one event');
      if (body.type !== undefined && body.type !== single) {
        throw new ApiError(400, 'invalid_event', `This endpoint takes "${single}" events, not "${String(body.type)}"`);
      }
      const { writeKey: _writeKey, ...event } = body;
      items = [{ ...event, type: single }];
    }

    const prepared = prepareEvents(items, arrival);
    if (single !== undefined && prepared.rejected.length > 0) {
      throw new ApiError(400, 'invalid_event', 'The event is not valid', { issues: prepared.rejected[0]!.errors });
    }
    return prepared;
  };

  /** Stores the rows; what waits for the commit holds only the refusals. */
  const commit = ({ rows, rejected }: Prepared): Promise<IngestResult> =>
    storage.appendEvents(rows).then(({ inserted }) => {
      const accepted = inserted.filter(Boolean).length;
      return { success: true, accepted, duplicates: inserted.length - accepted, rejected };
    });

  app.post('/batch', (c) => ingest(c, undefined));
  for (const type of eventTypes) app.post(`/${type}`, (c) => ingest(c, type));
  return app;
}

function throttle(waitSeconds: number, message: string): void {
  if (waitSeconds > 0) {
    throw new ApiError(429, 'rate_limited', `${message}; retry in ${waitSeconds} s`, {
      headers: { 'Retry-After': String(waitSeconds) },
    });
  }
}

function checkContentType(contentType: string | undefined): void {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  // text/plain lets browsers send without a CORS preflight; no type at all is what curl -d omits.
  if (type === undefined || type === '' || type === 'application/json' || type === 'text/plain') return;
  throw new ApiError(415, 'unsupported_media_type', `Send JSON as application/json or text/plain, not ${type}`);
}

function parseJson(text: string): Record<string, unknown> | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    const detail = error instanceof SyntaxError ? `: ${error.message}` : '';
    throw new ApiError(400, 'invalid_json', `The body is not valid JSON${detail}`);
  }
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}
