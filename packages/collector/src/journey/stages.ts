/**
 * Stages: where a person or an account is in their journey, and when they got there. A stage model
 * is data (a user can write it as JSON): ordered stages, each entered by rules on touchpoints and
 * traits. Pure: no I/O, Web-standard APIs only.
 */
import * as z from 'zod';
import { defaultStages } from './touchpoint.ts';

const text = z.string().trim().min(1).max(200);
/**
 * A rule marked `movesBack` may move someone back to its stage from a later one. Per rule, not per
 * model: with a model-wide switch every customer who reads the docs would fall back to Consideration.
 */
const movesBack = z.boolean().optional();

const rule = z.discriminatedUnion(
  'kind',
  [
    /** The first touchpoint of all. */
    z.strictObject({ kind: z.literal('firstTouch') }),
    /** A key event by name (case-insensitive); with `occurrence`, only from its Nth time on. */
    z.strictObject({ kind: z.literal('event'), name: text, occurrence: z.int().min(1).max(1000).optional(), movesBack }),
    /**
     * A touchpoint on a page. Without wildcards, the path and everything under it (`/docs` is
     * `/docs`, `/docs/`, `/docs/api`, never `/docsearch`); `*` is any characters but `/`, `**` any at all.
     */
    z.strictObject({ kind: z.literal('path'), pattern: z.string().max(200).regex(/^\//, 'a path pattern starts with "/"'), movesBack }),
    /** An imported touchpoint by its type (case-insensitive): webinar, sales_call, closed_won. */
    z.strictObject({ kind: z.literal('imported'), type: text, movesBack }),
    /** A trait set to a value (strings compare case-insensitively), at the time it was set. */
    z.strictObject({ kind: z.literal('trait'), key: text, equals: z.union([z.string().max(200), z.number(), z.boolean()]), movesBack }),
  ],
  { error: (issue) => (issue.code === 'invalid_union' ? 'kind must be one of: firstTouch, event, path, imported, trait' : undefined) },
);

const stage = z.strictObject({
  // Ids name stages in URLs and queries (`?conversion=purchase`), so they stay plain.
  id: z.string().regex(/^[a-z][a-z0-9_-]{0,39}$/, 'a stage id is lower-case letters, digits, "_" or "-" (at most 40), starting with a letter'),
  /** By language tag: `{ en: 'Awareness', ja: '認知' }`. */
  labels: z
    .record(z.string().min(2).max(35), z.string().trim().min(1).max(100))
    .refine((labels) => Object.keys(labels).length > 0, 'a stage needs at least one label'),
  enteredBy: z.array(rule).min(1, 'a stage needs at least one rule').max(50),
});

/** A stage model: its stages in journey order. Parse configuration with it; errors are zod issues. */
export const stageModel = z.strictObject({ stages: z.array(stage).min(1, 'a model needs at least one stage').max(20) }).superRefine((model, ctx) => {
  const seen = new Set<unknown>();
  model.stages.forEach((stage, index) => {
    if (seen.has(stage.id)) ctx.addIssue({ code: 'custom', path: ['stages', index, 'id'], message: `stage id "${stage.id}" is used twice` });
    seen.add(stage.id);
  });
});

export type StageModel = z.infer<typeof stageModel>;
export type StageRule = StageModel['stages'][number]['enteredBy'][number];

const [awareness, consideration, purchase, loyalty] = defaultStages;

/** Awareness → Consideration → Purchase → Loyalty, on Segment Spec event names. */
export const defaultStageModel: StageModel = {
  stages: [
    { id: awareness, labels: { en: 'Awareness', ja: '認知' }, enteredBy: [{ kind: 'firstTouch' }] },
    {
      id: consideration,
      labels: { en: 'Consideration', ja: '検討' },
      enteredBy: [
        { kind: 'path', pattern: '/pricing' },
        { kind: 'path', pattern: '/docs' },
        { kind: 'path', pattern: '/case-studies' },
        { kind: 'event', name: 'Signed Up' },
        { kind: 'event', name: 'Demo Requested' },
        { kind: 'event', name: 'Webinar Registered' },
        { kind: 'imported', type: 'webinar' },
        { kind: 'imported', type: 'demo' },
      ],
    },
    {
      id: purchase,
      labels: { en: 'Purchase', ja: '購入' },
      enteredBy: [
        { kind: 'event', name: 'Order Completed' },
        { kind: 'event', name: 'Subscription Started' },
        { kind: 'imported', type: 'closed_won' },
      ],
    },
    {
      id: loyalty,
      labels: { en: 'Loyalty', ja: 'リピート' },
      enteredBy: [
        { kind: 'event', name: 'Order Completed', occurrence: 2 },
        { kind: 'event', name: 'Subscription Renewed' },
        { kind: 'event', name: 'Referral Sent' },
      ],
    },
  ],
};

/**
 * The B2B pipeline: Lead → MQL → SQL → Opportunity → Customer. Each stage is entered by what usually
 * marks it on the site or in the CRM, or by a `lifecycle_stage` trait set to its id (a CRM sync
 * writes it). Anonymous visitors are in no stage: the pipeline starts when someone identifies.
 * - Lead: signed up or submitted a form; an imported lead.
 * - MQL: asked for a demo or registered for a webinar.
 * - SQL: sales spoke with them: an imported sales call or meeting.
 * - Opportunity: a deal was opened in the CRM.
 * - Customer: bought, on the site or as a deal closed won.
 */
export const b2bStageModel: StageModel = {
  stages: [
    {
      id: 'lead',
      labels: { en: 'Lead', ja: 'リード' },
      enteredBy: [
        { kind: 'event', name: 'Signed Up' },
        { kind: 'event', name: 'Form Submitted' },
        { kind: 'imported', type: 'lead' },
        { kind: 'trait', key: 'lifecycle_stage', equals: 'lead' },
      ],
    },
    {
      id: 'mql',
      labels: { en: 'MQL', ja: 'MQL' },
      enteredBy: [
        { kind: 'event', name: 'Demo Requested' },
        { kind: 'event', name: 'Webinar Registered' },
        { kind: 'trait', key: 'lifecycle_stage', equals: 'mql' },
      ],
    },
    {
      id: 'sql',
      labels: { en: 'SQL', ja: 'SQL' },
      enteredBy: [
        { kind: 'imported', type: 'sales_call' },
        { kind: 'imported', type: 'meeting' },
        { kind: 'trait', key: 'lifecycle_stage', equals: 'sql' },
      ],
    },
    {
      id: 'opportunity',
      labels: { en: 'Opportunity', ja: '商談' },
      enteredBy: [
        { kind: 'imported', type: 'opportunity_created' },
        { kind: 'trait', key: 'lifecycle_stage', equals: 'opportunity' },
      ],
    },
    {
      id: 'customer',
      labels: { en: 'Customer', ja: '顧客' },
      enteredBy: [
        { kind: 'event', name: 'Order Completed' },
        { kind: 'imported', type: 'closed_won' },
        { kind: 'trait', key: 'lifecycle_stage', equals: 'customer' },
      ],
    },
  ],
};

