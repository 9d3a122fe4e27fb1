import * as z from 'zod';
import { limits } from './limits.ts';

/** A value that survives JSON unchanged: what properties, traits and other free-form fields may hold. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface JsonIssue {
  path: (string | number)[];
  message: string;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Walks a free-form value and reports everything that breaks the caps in `limits`. A walker rather
 * than a recursive zod union: unions report "invalid input" for every branch, while this names the
 * exact key that is too deep, too long or not JSON.
 */
export function jsonIssues(value: unknown, path: (string | number)[] = [], depth = 1): JsonIssue[] {
  const issues: JsonIssue[] = [];
  walk(value, path, depth, issues);
  return issues;
}

function walk(value: unknown, path: (string | number)[], depth: number, issues: JsonIssue[]): void {
  switch (typeof value) {
    case 'string':
      if (value.length > limits.jsonString) {
        issues.push({ path, message: `string longer than ${limits.jsonString} characters` });
      }
      return;
    case 'number':
      // JSON.parse never yields these, but objects built in code (server libraries) can.
      if (!Number.isFinite(value)) issues.push({ path, message: 'number must be finite' });
      return;
    case 'boolean':
      return;
    case 'object': {
      if (value === null) return;
      if (depth > limits.jsonDepth) {
        issues.push({ path, message: `nested deeper than ${limits.jsonDepth} levels` });
        return;
      }
      if (Array.isArray(value)) {
        if (value.length > limits.jsonEntries) {
          issues.push({ path, message: `more than ${limits.jsonEntries} items` });
          return;
        }
        value.forEach((item, index) => walk(item, [...path, index], depth + 1, issues));
        return;
      }
      const keys = Object.keys(value);
      if (keys.length > limits.jsonEntries) {
        issues.push({ path, message: `more than ${limits.jsonEntries} keys` });
        return;
      }
      for (const key of keys) {
        if (key.length > limits.jsonKey) {
          issues.push({ path: [...path, key.slice(0, 32) + '…'], message: `key longer than ${limits.jsonKey} characters` });
        } else if (key === '__proto__') {
          // Copying such a key with plain assignment would replace the object's prototype.
          issues.push({ path: [...path, key], message: 'key "__proto__" is not allowed' });
        } else {
          walk((value as Record<string, unknown>)[key], [...path, key], depth + 1, issues);
        }
      }
      return;
    }
    default:
      issues.push({ path, message: `${typeof value} is not a JSON value` });
  }
}

const addJsonIssues = (value: unknown, ctx: z.RefinementCtx) => {
  for (const issue of jsonIssues(value)) ctx.addIssue({ code: 'custom', message: issue.message, path: issue.path });
};

/** A free-form JSON object (properties, traits, integrations) within the caps. */
export const jsonObject = z
  .custom<JsonObject>(isPlainObject, { error: 'expected an object' })
  .superRefine(addJsonIssues);

/** Any free-form JSON value within the caps (context fields the Spec leaves open). */
export const jsonValue = z.custom<JsonValue>(() => true).superRefine(addJsonIssues);
