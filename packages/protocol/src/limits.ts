/**
 * Every size the wire format allows, in one place: the SDK sizes its batches by these and the
 * collector refuses anything larger. Segment's HTTP API uses the same batch and event ceilings,
 * so its libraries never meet a limit here that they would not meet there.
 */
export const limits = {
  /** Events in one batch request. */
  batchEvents: 500,
  /** Bytes of one request body (a batch, or a single event). */
  requestBytes: 512 * 1024,
  /** Bytes of one event once serialised. */
  eventBytes: 32 * 1024,
  /** Characters of a messageId. */
  messageId: 100,
  /** Characters of anonymousId, userId, groupId and previousId. */
  identifier: 255,
  /** Characters of an event name, a page name or category, a UTM value or a click id. */
  name: 500,
  /** Characters of a URL or a referrer. */
  url: 4096,
  /** Characters of a page title, a path, a query string or a user agent. */
  text: 2048,
  /** Characters of a locale, time zone, library name or version. */
  tag: 100,
  /** Nesting depth of properties, traits and other free-form objects (the object itself is 1). */
  jsonDepth: 5,
  /** Keys of one free-form object, or items of one array. */
  jsonEntries: 256,
  /** Characters of a key in a free-form object. */
  jsonKey: 256,
  /** Characters of a string value in a free-form object. */
  jsonString: 16 * 1024,
} as const;
