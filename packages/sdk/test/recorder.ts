import { vi } from 'vitest';
import { batchEnvelope, event as eventSchema, type JourneyEvent } from '@journey/protocol';

/** A sent event, loosely typed so tests can read any field of any event type. */
export type Sent = JourneyEvent & Record<string, any>;
import { createJourney, type JourneyOptions } from '../src/journey.ts';
import type { Transport } from '../src/delivery.ts';

type Answer = Awaited<ReturnType<Transport>>;

/**
 * A collector stand-in at the transport boundary: it records every batch, checks it against the
 * collector's own schemas (so the SDK cannot drift from the wire format), and answers 200 unless
 * told otherwise.
 */
export function recorder(answer?: (batch: JourneyEvent[]) => Answer | Promise<Answer>) {
  const batches: Sent[][] = [];
  const transport = vi.fn<Transport>(async (url, body) => {
    const envelope = batchEnvelope.parse(JSON.parse(body));
    const batch = envelope.batch.map((item) => eventSchema.parse(item));
    if (!url.endsWith('/v1/batch') || !envelope.writeKey) throw new Error(`bad request to ${url}`);
    batches.push(batch as Sent[]);
    return (await answer?.(batch)) ?? { status: 200, result: { success: true, accepted: batch.length, duplicates: 0, rejected: [] } };
  });
  return {
    transport,
    batches,
    /** Every event sent, in order. */
    events: () => batches.flat(),
  };
}

let instances = 0;
/** A journey on this fresh device, sending through `transport`; page views off unless asked for. */
export function start(options: Partial<JourneyOptions> & Pick<JourneyOptions, 'transport'>) {
  instances++;
  return createJourney({ writeKey: 'wk_test', host: 'https://collector.test', autoPage: false, forms: false, flushInterval: 10, ...options });
}
