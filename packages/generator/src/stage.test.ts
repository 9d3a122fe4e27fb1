import { describe, expect, it } from 'vitest';
import { StageTracker, type Signal } from './stage.ts';

const place = (signals: Signal[]) => {
  const tracker = new StageTracker();
  for (const signal of signals) tracker.observe(signal);
  return tracker.entries();
};

describe('StageTracker', () => {
  it('places someone by the default model: first touch, consideration pages and events, purchases', () => {
    const entries = place([
      { kind: 'page', at: 1, path: '/blog/abm-playbook', entry: true },
      { kind: 'page', at: 2, path: '/features', entry: false },
      { kind: 'page', at: 5, path: '/pricing', entry: true },
      { kind: 'event', at: 9, name: 'Order Completed' },
    ]);
    expect(entries).toEqual({
      awareness: { at: 1, via: 'page /blog/abm-playbook', status: 'entered' },
      consideration: { at: 5, via: 'page /pricing', status: 'entered' },
      purchase: { at: 9, via: 'event Order Completed', status: 'entered' },
    });
  });

  it('matches paths and everything under them, never look-alikes', () => {
    expect(place([{ kind: 'page', at: 1, path: '/docs/sdk', entry: true }]).consideration?.at).toBe(1);
    expect(place([{ kind: 'page', at: 1, path: '/docsearch', entry: true }]).consideration).toBeUndefined();
    expect(place([{ kind: 'page', at: 1, path: '/case-studies', entry: true }]).consideration?.at).toBe(1);
  });

  it('counts a stage passed over as reached when the later one was, whatever the order of arrival', () => {
    const signals: Signal[] = [
      { kind: 'offline', at: 20, type: 'closed_won' },
      { kind: 'page', at: 3, path: '/', entry: true },
      { kind: 'page', at: 30, path: '/pricing', entry: true },
    ];
    for (const order of [signals, [...signals].reverse()]) {
      expect(place(order)).toEqual({
        awareness: { at: 3, via: 'page /', status: 'entered' },
        consideration: { at: 20, via: 'offline closed_won', status: 'skipped' },
        purchase: { at: 20, via: 'offline closed_won', status: 'entered' },
      });
    }
  });

  it('takes Loyalty from the second order on, or a renewal or referral', () => {
    const orders = place([
      { kind: 'event', at: 10, name: 'Order Completed' },
      { kind: 'event', at: 40, name: 'Order Completed' },
      { kind: 'event', at: 25, name: 'Order Completed' },
    ]);
    expect(orders.loyalty).toEqual({ at: 25, via: 'event Order Completed (2nd)', status: 'entered' });
    expect(place([{ kind: 'event', at: 7, name: 'Subscription Renewed' }]).purchase?.status).toBe('skipped');
    expect(place([{ kind: 'event', at: 7, name: 'Form Abandoned' }])).toEqual({ awareness: { at: 7, via: 'event Form Abandoned', status: 'entered' } });
  });
});
