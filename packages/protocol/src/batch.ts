import * as z from 'zod';
import { limits } from './limits.ts';
import { jsonObject } from './json.ts';
import { context } from './context.ts';
import { isoDateTime } from './event.ts';

/**
 * The body of POST /v1/batch, as Segment's HTTP Tracking API defines it. Events are only checked
 * to be present here: each is validated on its own so one bad event does not sink the batch.
 * Compiled ahead of time, as `event` is.
 */
export const batchEnvelope = z.compile(
  z.object({
    batch: z.array(z.unknown()).max(limits.batchEvents, `a batch holds at most ${limits.batchEvents} events`),
    /** When the batch was sent, by the client's clock; applies to events without their own sentAt. */
    sentAt: isoDateTime.optional(),
    writeKey: z.string().max(limits.identifier).optional(),
    /** Context shared by every event in the batch; an event's own context wins key by key. */
    context: context.optional(),
    integrations: jsonObject.optional(),
  }),
);

export type BatchEnvelope = z.output<typeof batchEnvelope>;

/** What the collector answers to an accepted request. */
export interface IngestResult {
  success: true;
  /** Events stored by this request. */
  accepted: number;
  /** Events whose messageId was stored already, and so were not stored again. */
  duplicates: number;
  /** Events refused, with why; the others in the batch were stored. */
  rejected: RejectedEvent[];
}

export interface RejectedEvent {
  index: number;
  messageId?: string;
  errors: { path: (string | number)[]; message: string }[];
}

/** The one error shape of every endpoint. */
export interface ErrorBody {
  error: { code: string; message: string; issues?: { path: (string | number)[]; message: string }[] };
}
