import { describe, expect, it } from 'vitest';
import { abandonedForms } from './abandoned-forms.ts';
import { event, on, owner, session } from './testing.ts';

describe('abandonedForms', () => {
  it('counts forms left, by page, in the range, with the people who left them', () => {
    const range = { from: on(0), to: on(10) };
    const owners = [
      owner('ann', [session('a1', 1, '/signup'), event('a2', 1, 'Form Abandoned', { path: '/signup' }), event('a3', 2, 'Form Abandoned', { path: '/signup' })]),
      owner('ben', [session('b1', 3, '/demo'), event('b2', 3, 'Form Abandoned', { path: '/demo' }), event('b3', 4, 'Form Abandoned', { path: '/signup' })]),
      // Out of the range, and a form submitted: neither counts.
      owner('cleo', [event('c1', 12, 'Form Abandoned', { path: '/demo' }), event('c2', 5, 'Signed Up', { path: '/demo' })]),
    ];
    expect(abandonedForms(owners, range)).toEqual([
      { path: '/signup', abandoned: 3, owners: 2 },
      { path: '/demo', abandoned: 1, owners: 1 },
    ]);
    expect(abandonedForms(owners, range, 1)).toHaveLength(1);
    // The same people asked about another range: only its forms.
    expect(abandonedForms(owners, { from: on(2), to: on(20) })).toEqual([
      { path: '/demo', abandoned: 2, owners: 2 },
      { path: '/signup', abandoned: 2, owners: 2 },
    ]);
  });
});
