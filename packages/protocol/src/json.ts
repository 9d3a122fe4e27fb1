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
  walk(value, { prefix: path, keys: [], issues }, depth);
  return issues;
}

/**
 * Where the walk is: the keys down to the value in hand, pushed and popped as it goes, so a valid
 * value (nearly every one, on every event) costs no path arrays; an issue copies the path it needs.
 */
interface Walk {
  prefix: (string | number)[];
  keys: (string | number)[];
  issues: JsonIssue[];
}

const report = (at: Walk, message: string, last?: string) =>
  at.issues.push({ path: last === undefined ? [...at.prefix, ...at.keys] : [...at.prefix, ...at.keys, last], message });

function walk(value: unknown, at: Walk, depth: number): void {
  switch (typeof value) {
    case 'string':
      if (value.length > limits.jsonString) report(at, `string longer than ${limits.jsonString} characters`);
      return;
    case 'number':
      // JSON.parse never yields these, but objects built in code (server libraries) can.
      if (!Number.isFinite(value)) report(at, 'number must be finite');
      return;
    case 'boolean':
      return;
    case 'object': {
      if (value === null) return;
      if (depth > limits.jsonDepth) {
        report(at, `nested deeper than ${limits.jsonDepth} levels`);
        return;
      }
      if (Array.isArray(value)) {
        if (value.length > limits.jsonEntries) {
          report(at, `more than ${limits.jsonEntries} items`);
          return;
        }
        for (let index = 0; index < value.length; index++) descend(value[index], index, at, depth);
        return;
      }
      const keys = Object.keys(value);
      if (keys.length > limits.jsonEntries) {
        report(at, `more than ${limits.jsonEntries} keys`);
        return;
      }
      for (const key of keys) {
        if (key.length > limits.jsonKey) {
          report(at, `key longer than ${limits.jsonKey} characters`, key.slice(0, 32) + '…');
        } else if (key === '__proto__') {
          // Copying such a key with plain assignment would replace the object's prototype.
          report(at, 'key "__proto__" is not allowed', key);
        } else {
          descend((value as Record<string, unknown>)[key], key, at, depth);
        }
      }
      return;
    }
    default:
      report(at, `${typeof value} is not a JSON value`);
  }
}

function descend(value: unknown, key: string | number, at: Walk, depth: number): void {
  at.keys.push(key);
  walk(value, at, depth + 1);
  at.keys.pop();
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
