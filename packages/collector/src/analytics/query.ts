/**
 * The query string every aggregate query shares: a date range (default: the last 90 days), a
 * channel, account traits (`account.industry=software`), whose journeys (`by=person|account`), and
 * for paths and attribution the conversion (a stage id, else an event name; default Purchase).
 */
import * as z from 'zod';
import { limits } from '@journey/protocol';
import { channels } from '../channels/channels.ts';
import { ApiError, toIssues } from '../http/errors.ts';
import type { StageModel } from '../journey/stages.ts';
import { purchaseStage } from '../journey/journey.ts';
import type { Conversion } from './conversion.ts';
import type { OwnerFilters } from './filters.ts';
import type { DateRange } from './owner.ts';

const day = 86_400_000;
export const defaultRangeDays = 90;

const dateOnly = /^\d{4}-\d{2}-\d{2}$/;
/** An ISO date or date-time. A date alone as `to` means through that day: ranges name days inclusively. */
const time = (end: boolean) =>
  z
    .string()
    .max(40)
    .transform((value, ctx) => {
      const at = Date.parse(value);
      if (Number.isNaN(at) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
        ctx.addIssue({ code: 'custom', message: 'expected an ISO date (2026-03-31) or date-time (2026-03-31T12:00:00Z)' });
        return z.NEVER;
      }
      return end && dateOnly.test(value) ? at + day : at;
    });

const schema = z
  .object({
    from: time(false).optional(),
    to: time(true).optional(),
    channel: z.enum([...channels, 'Offline']).optional(),
    by: z.enum(['person', 'account']).default('person'),
    conversion: z.string().trim().min(1).max(limits.identifier).optional(),
  });

const accountKey = z.string().min(1).max(100);
const accountValue = z.string().trim().min(1).max(200);

export interface AnalyticsQuery {
  range: DateRange;
  filters: OwnerFilters;
  by: 'person' | 'account';
  conversion: Conversion;
}

type Problem = { path: PropertyKey[]; message: string };

function invalid(issues: readonly Problem[]): ApiError {
  return new ApiError(400, 'invalid_query', 'The query is not valid', { issues: toIssues(issues) });
}

/** Reads and checks the query string; bad input is a 400 naming each problem. */
export function analyticsQuery(query: Record<string, string[]>, model: StageModel, now: number): AnalyticsQuery {
  const single = Object.fromEntries(Object.entries(query).map(([key, values]) => [key, values.at(-1)]));
  const parsed = schema.safeParse(single);
  if (!parsed.success) throw invalid(parsed.error.issues);
  const { from, to, channel, by, conversion } = parsed.data;
  const end = to ?? now;
  const range = { from: from ?? end - defaultRangeDays * day, to: end };
  if (range.from >= range.to) throw invalid([{ path: ['from'], message: '"from" must be before "to"' }]);

  const account: Record<string, string> = {};
  const problems: Problem[] = [];
  for (const [name, values] of Object.entries(query)) {
    if (!name.startsWith('account.')) continue;
    const key = accountKey.safeParse(name.slice('account.'.length));
    const value = accountValue.safeParse(values.at(-1));
    if (!key.success) problems.push(...key.error.issues.map((issue) => ({ message: issue.message, path: [name] })));
    else if (!value.success) problems.push(...value.error.issues.map((issue) => ({ message: issue.message, path: [name] })));
    else account[key.data] = value.data;
  }
  if (Object.keys(account).length > 10) problems.push({ path: ['account'], message: 'at most 10 account filters' });
  if (problems.length) throw invalid(problems);

  const stages = new Set(model.stages.map((stage) => stage.id));
  const wanted = conversion ?? purchaseStage(model) ?? model.stages.at(-1)!.id;
  return {
    range,
    filters: { ...(channel && { channel }), ...(Object.keys(account).length && { account }) },
    by,
    conversion: stages.has(wanted) ? { stage: wanted } : { event: wanted },
  };
}
