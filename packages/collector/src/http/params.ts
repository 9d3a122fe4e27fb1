import type { Context } from 'hono';
import * as z from 'zod';
import { limits } from '@journey/protocol';
import { ApiError, toIssues } from './errors.ts';

/** Input checked by a schema; bad input is a 400 naming each issue. */
export function parse<T extends z.ZodType>(schema: T, input: unknown, what: string): z.output<T> {
  const result = schema.safeParse(input);
  if (!result.success) throw new ApiError(400, `invalid_${what}`, `The ${what} is not valid`, { issues: toIssues(result.error.issues) });
  return result.data;
}

export const notFound = (what: string, id: string) => new ApiError(404, `${what}_not_found`, `No ${what} is known as "${id}"`);

const ref = z.string().min(1).max(limits.identifier);
const siteQuery = z.object({ site: z.string().max(limits.identifier).optional() });

/** `:ref` (a person or account by any of its names) and `?site=` (default: the first write key's). */
export function refAndSite(defaultSite: string) {
  return {
    siteOf: (c: Context) => parse(siteQuery, c.req.query(), 'query').site ?? defaultSite,
    refOf: (c: Context) => parse(ref, c.req.param('ref'), 'reference'),
  };
}
