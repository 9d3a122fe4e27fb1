import { describe, expect, it } from 'vitest';
import { eventTime, parseIsoTime } from './timestamp.ts';

const receivedAt = Date.parse('2026-03-01T12:00:00Z');

describe('eventTime', () => {
  it('counts back from arrival the time the event waited on the device', () => {
    // Device clock 3 days slow; the event waited 90 s before it was sent.
    const times = { originalTimestamp: '2026-02-26T11:58:30Z', sentAt: '2026-02-26T12:00:00Z' };
    expect(eventTime(times, undefined, receivedAt)).toBe(receivedAt - 90_000);
  });

  it("uses the batch's sentAt when the event has none", () => {
    expect(eventTime({ originalTimestamp: '2026-03-01T09:00:00Z' }, '2026-03-01T09:00:05Z', receivedAt)).toBe(receivedAt - 5000);
  });

  it('takes a given timestamp as is, and originalTimestamp when there is no sentAt', () => {
    expect(eventTime({ timestamp: '2024-05-01T00:00:00Z', sentAt: '2026-03-01T12:00:00Z' }, undefined, receivedAt)).toBe(
      Date.parse('2024-05-01T00:00:00Z'),
    );
    expect(eventTime({ originalTimestamp: '2026-03-01T11:00:00Z' }, undefined, receivedAt)).toBe(receivedAt - 3_600_000);
  });

  it('never places an event in the future', () => {
    expect(eventTime({ timestamp: '2030-01-01T00:00:00Z' }, undefined, receivedAt)).toBe(receivedAt);
    expect(eventTime({ originalTimestamp: '2026-03-01T12:00:10Z', sentAt: '2026-03-01T12:00:00Z' }, undefined, receivedAt)).toBe(
      receivedAt,
    );
  });

  it('falls back to arrival without any time, or with an impossible date', () => {
    expect(eventTime({}, undefined, receivedAt)).toBe(receivedAt);
    expect(eventTime({ timestamp: '2026-02-31T99:00:00Z' }, undefined, receivedAt)).toBe(receivedAt);
  });
});

describe('parseIsoTime', () => {
  it('reads times without an offset as UTC, and keeps offsets and microseconds', () => {
    expect(parseIsoTime('2026-01-02T03:04:05')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
    expect(parseIsoTime('2026-01-02T03:04:05.123456')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5, 123));
    expect(parseIsoTime('2026-01-02T12:04:05+09:00')).toBe(Date.UTC(2026, 0, 2, 3, 4, 5));
  });
});
