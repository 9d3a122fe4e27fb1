import { describe, expect, it } from 'vitest';
import { uuid } from './uuid.ts';

describe('uuid', () => {
  it('makes RFC 9562 version 7 UUIDs', () => {
    expect(uuid()).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('sorts in the order it made them, even thousands within one millisecond', () => {
    const ids = Array.from({ length: 5000 }, uuid);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('starts with the time', () => {
    const before = Date.now();
    const time = parseInt(uuid().replace(/-/g, '').slice(0, 12), 16);
    expect(time).toBeGreaterThanOrEqual(before);
    expect(time).toBeLessThanOrEqual(Date.now() + 2);
  });
});
