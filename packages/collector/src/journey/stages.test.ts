import { describe, expect, it } from 'vitest';
import { b2bStageModel, defaultStageModel, stageModel } from './stages.ts';

describe('the stage model', () => {
  it.each([
    ['default', defaultStageModel],
    ['B2B pipeline', b2bStageModel],
  ])('the %s model is valid, as JSON too', (_, model) => {
    expect(stageModel.parse(JSON.parse(JSON.stringify(model)))).toEqual(model);
  });

  it('keeps the default model’s ids and labels', () => {
    expect(defaultStageModel.stages.map((stage) => `${stage.id} ${stage.labels.en} ${stage.labels.ja}`)).toEqual([
      'awareness Awareness 認知',
      'consideration Consideration 検討',
      'purchase Purchase 購入',
      'loyalty Loyalty リピート',
    ]);
  });

  const valid = { id: 'seen', labels: { en: 'Seen' }, enteredBy: [{ kind: 'firstTouch' }] };
  const withRule = (rule: unknown) => ({ stages: [{ ...valid, enteredBy: [rule] }] });

  it.each([
    ['not an object', 'awareness', '', 'Invalid input: expected object, received string'],
    ['no stages', { stages: [] }, 'stages', 'a model needs at least one stage'],
    ['a top-level typo', { stages: [valid], stage: [] }, '', 'Unrecognized key: "stage"'],
    ['a stage id used twice', { stages: [valid, { ...valid, labels: { en: 'Again' } }] }, 'stages.1.id', 'stage id "seen" is used twice'],
    ['a stage id with spaces', { stages: [{ ...valid, id: 'Paid Customer' }] }, 'stages.0.id', 'a stage id is lower-case letters, digits, "_" or "-" (at most 40), starting with a letter'],
    ['no labels', { stages: [{ ...valid, labels: {} }] }, 'stages.0.labels', 'a stage needs at least one label'],
    ['no rules', { stages: [{ ...valid, enteredBy: [] }] }, 'stages.0.enteredBy', 'a stage needs at least one rule'],
    ['an unknown rule kind', withRule({ kind: 'url', pattern: '/pricing' }), 'stages.0.enteredBy.0.kind', 'kind must be one of: firstTouch, event, path, imported, trait'],
    ['a misspelt field', withRule({ kind: 'event', nmae: 'Signed Up', name: 'Signed Up' }), 'stages.0.enteredBy.0', 'Unrecognized key: "nmae"'],
    ['a blank event name', withRule({ kind: 'event', name: '  ' }), 'stages.0.enteredBy.0.name', 'Too small: expected string to have >=1 characters'],
    ['a zeroth occurrence', withRule({ kind: 'event', name: 'Order Completed', occurrence: 0 }), 'stages.0.enteredBy.0.occurrence', 'Too small: expected number to be >=1'],
    ['a path pattern that is no path', withRule({ kind: 'path', pattern: 'pricing*' }), 'stages.0.enteredBy.0.pattern', 'a path pattern starts with "/"'],
    ['an imported rule without a type', withRule({ kind: 'imported' }), 'stages.0.enteredBy.0.type', 'Invalid input: expected string, received undefined'],
    ['a trait compared with an object', withRule({ kind: 'trait', key: 'plan', equals: { tier: 1 } }), 'stages.0.enteredBy.0.equals', 'Invalid input'],
    ['first touch cannot move back', withRule({ kind: 'firstTouch', movesBack: true }), 'stages.0.enteredBy.0', 'Unrecognized key: "movesBack"'],
  ])('rejects %s', (_, input, path, message) => {
    const result = stageModel.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => [issue.path.join('.'), issue.message])).toContainEqual([path, message]);
  });
});
