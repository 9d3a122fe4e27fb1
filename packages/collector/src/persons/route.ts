import { Hono, type Context } from 'hono';
import * as z from 'zod';
import { limits } from '@journey/protocol';
import type { CollectorConfig } from '../config.ts';
import type { IdentityOptions, Storage, TimelinePage } from '../storage/port.ts';
import { requireSecretKey } from '../auth/secret-key.ts';
import { ApiError } from '../http/errors.ts';
import { notFound, parse, refAndSite } from '../http/params.ts';
import { decodeTimelineCursor, encodeTimelineCursor } from '../events/cursor.ts';
import { normalizeEmail } from '../identity/identifiers.ts';

const ref = z.string().min(1).max(limits.identifier);
const pageQuery = z.object({
  site: z.string().max(limits.identifier).optional(),
  cursor: z.string().max(96).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
});
const splitBody = z.object({
  identifiers: z
    .array(z.object({ kind: z.enum(['userId', 'email']), value: z.string().min(1).max(limits.identifier) }))
    .min(1)
    .max(50),
});
const mergeBody = z.object({ with: ref });

const body = async (c: Context) => {
  try {
    return await c.req.json();
  } catch {
    throw new ApiError(400, 'invalid_json', 'The body is not valid JSON');
  }
};

const timeline = (page: TimelinePage) =>
  `{"events":[${page.events.map((event) => event.payload).join(',')}],"nextCursor":${page.next ? JSON.stringify(encodeTimelineCursor(page.next)) : 'null'}}`;

/**
 * The identity graph's read and admin API: people and accounts, by whatever names them. Secret
 * key only. `?site=` picks the site; by default, the first write key's.
 */
/** `erased`: told of each erasure once it is done (the analytics then answer nothing staged before it). */
export function identityRoutes(config: CollectorConfig, storage: Storage, erased: (site: string) => void = () => {}): Hono {
  const app = new Hono();
  const defaultSite = config.writeKeys[0]!.site;
  const options: IdentityOptions = { autoAccounts: config.autoAccounts };
  const { siteOf, refOf } = refAndSite(defaultSite);

  const secret = requireSecretKey(config);
  app.use('/persons/*', secret);
  app.use('/accounts/*', secret);

  app.get('/persons/:ref', async (c) => {
    const person = await storage.findPerson(siteOf(c), refOf(c), options);
    if (!person) throw notFound('person', refOf(c));
    return c.json(person);
  });

  app.get('/persons/:ref/events', async (c) => {
    const query = parse(pageQuery, c.req.query(), 'query');
    const page = await storage.personEvents(query.site ?? defaultSite, refOf(c), {
      limit: query.limit,
      ...(query.cursor && { after: decodeTimelineCursor(query.cursor) }),
    });
    if (!page) throw notFound('person', refOf(c));
    return c.body(timeline(page), 200, { 'Content-Type': 'application/json' });
  });

  app.post('/persons/:ref/split', async (c) => {
    const { identifiers } = parse(splitBody, await body(c), 'body');
    const normalized = identifiers.map((id) => (id.kind === 'email' ? { kind: id.kind, value: normalizeEmail(id.value) ?? id.value } : id));
    const result = await storage.splitPerson(siteOf(c), refOf(c), normalized);
    if (!result) throw notFound('person', refOf(c));
    return c.json(result);
  });

  app.post('/persons/:ref/merge', async (c) => {
    const { with: other } = parse(mergeBody, await body(c), 'body');
    const merged = await storage.mergePeople(siteOf(c), refOf(c), other);
    if (!merged) throw notFound('person', `${refOf(c)}" or "${other}`);
    return c.json(await storage.findPerson(siteOf(c), merged, options));
  });

  app.delete('/persons/:ref', async (c) => {
    const counts = await storage.erasePerson(siteOf(c), refOf(c));
    if (!counts) throw notFound('person', refOf(c));
    erased(siteOf(c));
    return c.json({ erased: counts });
  });

  app.get('/accounts/:ref', async (c) => {
    const account = await storage.findAccount(siteOf(c), refOf(c), options);
    if (!account) throw notFound('account', refOf(c));
    return c.json(account);
  });

  app.get('/accounts/:ref/people', async (c) => {
    const people = await storage.accountPeople(siteOf(c), refOf(c), options);
    if (!people) throw notFound('account', refOf(c));
    return c.json({ people });
  });

  app.get('/accounts/:ref/events', async (c) => {
    const query = parse(pageQuery, c.req.query(), 'query');
    const page = await storage.accountEvents(query.site ?? defaultSite, refOf(c), {
      limit: query.limit,
      ...(query.cursor && { after: decodeTimelineCursor(query.cursor) }),
    }, options);
    if (!page) throw notFound('account', refOf(c));
    return c.body(timeline(page), 200, { 'Content-Type': 'application/json' });
  });

  app.post('/accounts/:ref/merge', async (c) => {
    const { with: other } = parse(mergeBody, await body(c), 'body');
    const merged = await storage.mergeAccounts(siteOf(c), refOf(c), other);
    if (!merged) throw notFound('account', `${refOf(c)}" or "${other}`);
    return c.json(await storage.findAccount(siteOf(c), merged, options));
  });

  return app;
}
