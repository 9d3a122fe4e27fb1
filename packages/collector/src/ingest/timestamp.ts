/** Milliseconds since the epoch of an ISO 8601 date-time; one without an offset is taken as UTC. */
export function parseIsoTime(value: string): number {
  return Date.parse(/(?:Z|[+-]\d\d:?\d\d)$/i.test(value) ? value : value + 'Z');
}

export interface EventTimes {
  timestamp?: string | undefined;
  originalTimestamp?: string | undefined;
  sentAt?: string | undefined;
}

/**
 * When an event happened, on the collector's clock. Segment's rule: a caller-given `timestamp`
 * is taken as is (imports of history); otherwise the client's clock skew is removed, so
 * `receivedAt − (sentAt − originalTimestamp)`: how long the event waited on the device, counted
 * back from its arrival. A device clock set wrong by hours therefore cannot move events. Nothing
 * happens in the future: later times are clamped to receivedAt.
 */
export function eventTime(times: EventTimes, batchSentAt: string | undefined, receivedAt: number): number {
  let time = receivedAt;
  const sentAt = times.sentAt ?? batchSentAt;
  if (times.timestamp !== undefined) {
    time = parseIsoTime(times.timestamp);
  } else if (times.originalTimestamp !== undefined && sentAt !== undefined) {
    time = receivedAt - (parseIsoTime(sentAt) - parseIsoTime(times.originalTimestamp));
  } else if (times.originalTimestamp !== undefined) {
    time = parseIsoTime(times.originalTimestamp);
  }
  // A calendar-invalid date that passed the format check (30 February) parses to NaN.
  return Number.isNaN(time) ? receivedAt : Math.min(time, receivedAt);
}
