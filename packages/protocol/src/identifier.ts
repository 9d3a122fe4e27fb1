import * as z from 'zod';
import { limits } from './limits.ts';
import { isPlaceholderId } from './placeholders.ts';

/** anonymousId, userId, groupId, previousId: a non-empty string that names someone. */
export const identifier = z
  .string()
  .max(limits.identifier)
  .refine((value) => !isPlaceholderId(value), { error: (issue) => `"${String(issue.input)}" is a placeholder, not an identifier` });
