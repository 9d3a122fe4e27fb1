import { describe, expect, it } from 'vitest';
import { limits } from '@journey/protocol';
import { basic, testCollector, track, writeKey } from '../testing/collector.ts';

/**
 * The bad-input promise: every kind of bad request gets its documented 4xx and a message a person
 * can act on, nothing is ever half-written, and afterwards the store holds exactly the valid events.
 */
describe('bad input', () => {
  it('gets a readable 4xx for each kind of bad request, and the store holds exactly the valid events', async () => {
    const { app, post, events } = await testCollector();
    const valid = [track(), track(), track()];
    const cases: Array<{ name: string; send: () => Promise<Response> | Response; status: number; code: string; message: RegExp }> = [
      {
        name: 'malformed JSON',
        send: () => post('/v1/batch', '{"batch": [{"type": "track",'),
        status: 400,
        code: 'invalid_json',
        message: /not valid JSON/,
      },
      {
        name: 'JSON that is not a batch',
        send: () => post('/v1/batch', [track()]),
        status: 400,
        code: 'invalid_batch',
        message: /batch/,
      },
      {
        name: 'a batch of the wrong type',
        send: () => post('/v1/batch', { batch: 'events' }),
        status: 400,
        code: 'invalid_batch',
        message: /batch/,
      },
      {
        name: 'more than 500 events',
        send: () => post('/v1/batch', { batch: Array.from({ length: 501 }, () => ({ type: 'track' })) }),
        status: 400,
        code: 'invalid_batch',
        message: /batch/,
      },
      {
        name: 'a single event with wrong types',
        send: () => post('/v1/track', { messageId: 7, anonymousId: ['a'], event: { name: 'x' } }),
        status: 400,
        code: 'invalid_event',
        message: /not valid/,
      },
      {
        name: 'a huge string in a single event',
        send: () => post('/v1/track', track({ event: 'x'.repeat(100_000) })),
        status: 400,
        code: 'invalid_event',
        message: /not valid/,
      },
      {
        name: 'a placeholder identifier in a single event',
        send: () => post('/v1/identify', { messageId: 'p', anonymousId: 'a', userId: 'undefined' }),
        status: 400,
        code: 'invalid_event',
        message: /not valid/,
      },
      {
        name: 'an unknown write key',
        send: () => post('/v1/batch', { batch: [track()] }, { headers: { Authorization: basic('wk_nobody') } }),
        status: 401,
        code: 'unknown_write_key',
        message: /not known/,
      },
      {
        name: 'a body over the limit, declared',
        send: () => post('/v1/batch', JSON.stringify({ batch: [track({ event: 'x'.repeat(limits.requestBytes) })] })),
        status: 413,
        code: 'body_too_large',
        message: /larger than 512 KB/,
      },
      {
        name: 'a gzip bomb',
        send: async () =>
          app.request('/v1/batch', {
            method: 'POST',
            headers: { Authorization: basic(writeKey), 'Content-Encoding': 'gzip' },
            body: await new Response(
              new Blob([' '.repeat(5 * 1024 * 1024)]).stream().pipeThrough(new CompressionStream('gzip')),
            ).arrayBuffer(),
          }),
        status: 413,
        code: 'body_too_large',
        message: /larger than/,
      },
      {
        name: 'broken compression',
        send: () =>
          app.request('/v1/batch', {
            method: 'POST',
            headers: { Authorization: basic(writeKey), 'Content-Encoding': 'gzip' },
            body: 'not gzip at all',
          }),
        status: 400,
        code: 'invalid_body',
        message: /could not be read/,
      },
      {
        name: 'bytes that are not UTF-8',
        send: () =>
          app.request('/v1/batch', {
            method: 'POST',
            headers: { Authorization: basic(writeKey) },
            body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]),
          }),
        status: 400,
        code: 'invalid_body',
        message: /UTF-8/,
      },
    ];

    expect((await post('/v1/batch', { batch: valid })).status).toBe(200);
    for (const testCase of cases) {
      const response = await testCase.send();
      expect(response.status, testCase.name).toBe(testCase.status);
      const { error } = await response.json();
      expect(error.code, testCase.name).toBe(testCase.code);
      expect(error.message, testCase.name).toMatch(testCase.message);
    }
    expect((await events()).map((event) => event.messageId)).toEqual(valid.map((event) => event.messageId));
  });

  it('rejects bad events inside a batch one by one, with paths, and stores the rest', async () => {
    const { post, events } = await testCollector();
    const deep = { a: { b: { c: { d: { e: { f: 'too deep' } } } } } };
    const good = track();
    const batch = [
      track({ properties: deep }),
      track({ event: 'x'.repeat(limits.name + 1) }),
      track({ anonymousId: 'null' }),
      track({ anonymousId: undefined, userId: '[object Object]' }),
      track({ messageId: '' }),
      track({ timestamp: 'last tuesday' }),
      track({ properties: { blob: 'x'.repeat(limits.jsonString) , more: 'y'.repeat(limits.jsonString) } }),
      good,
    ];
    const response = await post('/v1/batch', { batch });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.accepted).toBe(1);
    const byIndex = Object.fromEntries(body.rejected.map((entry: any) => [entry.index, entry.errors[0]]));
    expect(byIndex).toEqual({
      0: { path: ['properties', 'a', 'b', 'c', 'd', 'e'], message: 'nested deeper than 5 levels' },
      1: { path: ['event'], message: expect.stringMatching(/500/) },
      2: { path: ['anonymousId'], message: '"null" is a placeholder, not an identifier' },
      3: { path: ['userId'], message: '"[object Object]" is a placeholder, not an identifier' },
      4: { path: ['messageId'], message: expect.any(String) },
      5: { path: ['timestamp'], message: 'expected an ISO 8601 date-time' },
      6: { path: [], message: 'event larger than 32 KB once serialised' },
    });
    expect((await events()).map((event) => event.messageId)).toEqual([good.messageId]);
  });

  it('refuses a 10 MB streamed body before reading all of it', async () => {
    const { app, events } = await testCollector();
    let pulled = 0;
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= 10 * 1024 * 1024) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
    });
    const response = await app.request('/v1/batch', {
      method: 'POST',
      headers: { Authorization: basic(writeKey), 'Content-Type': 'text/plain' },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(pulled).toBeLessThan(limits.requestBytes + 4 * chunk.byteLength);
    expect(await events()).toHaveLength(0);
  });

  it('refuses a declared 10 MB body without reading it', async () => {
    const { app } = await testCollector();
    let read = false;
    const body = new ReadableStream(
      {
        pull() {
          read = true;
        },
      },
      { highWaterMark: 0 }, // pull only when read, not to fill a buffer up front
    );
    const response = await app.request('/v1/batch', {
      method: 'POST',
      headers: { Authorization: basic(writeKey), 'Content-Length': String(10 * 1024 * 1024) },
      body,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(read).toBe(false);
  });
});
