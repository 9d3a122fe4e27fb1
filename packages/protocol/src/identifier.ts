import * as z from 'zod';
import { limits } from './limits.ts';

/**
 * Values that buggy integrations send where an id should be: a template that rendered nothing,
 * `String(undefined)`, a default user name. Linking on them merges strangers into one person
 * (PostHog merged unrelated users through ids such as "undefined", posthog#12008), so they are
 * refused outright. Compared trimmed and case-insensitively.
 */
export const placeholderIds: ReadonlySet<string> = new Set([
  '',
  'undefined',
  'null',
  'nil',
  'none',
  'nan',
  'infinity',
  'true',
  'false',
  '0',
  '-1',
  '[object object]',
  '{}',
  '[]',
  '""',
  "''",
  'anonymous',
  'anon',
  'guest',
  'unknown',
  'n/a',
  'na',
  'not_authenticated',
  'id',
  'user',
  'user_id',
  'userid',
  'anonymous_id',
  'anonymousid',
  'distinct_id',
  'distinctid',
  'email',
]);

export const isPlaceholderId = (value: string): boolean => placeholderIds.has(value.trim().toLowerCase());

/** anonymousId, userId, groupId, previousId: a non-empty string that names someone. */
export const identifier = z
  .string()
  .max(limits.identifier)
  .superRefine((value, ctx) => {
    if (isPlaceholderId(value)) {
      ctx.addIssue({ code: 'custom', message: `"${value}" is a placeholder, not an identifier` });
    }
  });
