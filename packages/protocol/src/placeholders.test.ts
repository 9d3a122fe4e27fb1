import { describe, expect, it } from 'vitest';
import { isPlaceholderId } from './placeholders.ts';

describe('isPlaceholderId', () => {
  it.each([
    '',
    '   ',
    'undefined',
    'UNDEFINED',
    ' null ',
    'nil',
    'None',
    'NaN',
    'Infinity',
    'true',
    'false',
    '0',
    '-1',
    '[object Object]',
    '{}',
    '[]',
    '""',
    "''",
    'anonymous',
    'anon',
    'guest',
    'unknown',
    'n/a',
    'NA',
    'not_authenticated',
    'id',
    'user',
    'user_id',
    'userid',
    'anonymous_id',
    'anonymousId',
    'distinct_id',
    'distinctId',
    'email',
  ])('refuses %j', (value) => {
    expect(isPlaceholderId(value)).toBe(true);
  });

  it.each(['user-42', '1', 'ada@acme.com', 'd9428888-122b-11e1-b85c-61cd3cbb3210', '10', 'anonymous-7', 'guest1', 'nullable', 'idle', 'Ana'])(
    'accepts %j',
    (value) => {
      expect(isPlaceholderId(value)).toBe(false);
    },
  );
});
