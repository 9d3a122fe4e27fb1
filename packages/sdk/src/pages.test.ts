import { describe, expect, it } from 'vitest';
import { recorder, start } from '../test/recorder.ts';

const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('page views', () => {
  it('records the first page, after the calls made before the script loaded', async () => {
    const { transport, events } = recorder();
    const journey = start({ transport, autoPage: true });
    journey.identify('user-42'); // as the stub snippet replays it, in the same task
    await settle();
    await journey.flush();
    expect(events().map((event) => event.type)).toEqual(['identify', 'page']);
    expect(events()[1]).toMatchObject({ userId: 'user-42', context: { page: { path: '/' } } });
  });

  it('records every single-page-app navigation once, with the previous page as referrer', async () => {
    Object.defineProperty(document, 'referrer', { value: 'https://www.google.com/', configurable: true });
    const { transport, events } = recorder();
    const journey = start({ transport, autoPage: true });
    await settle();
    history.pushState(null, '', '/pricing');
    history.replaceState(null, '', '/pricing'); // same URL: not a new page
    history.pushState(null, '', '/docs?section=install');
    history.pushState(null, '', '/docs?section=install#step-2'); // hash changes are off by default
    history.back();
    await settle();
    await journey.flush();
    const pages = events().map((event) => [`${event.context?.page?.path}${event.context?.page?.search}`, event.context?.page?.referrer]);
    expect(pages.slice(0, 3)).toEqual([
      ['/', 'https://www.google.com/'],
      ['/pricing', 'https://www.acme.test/'],
      ['/docs?section=install', 'https://www.acme.test/pricing'],
    ]);
    // Back from #step-2 lands on the same URL without its hash: still the same page.
    expect(pages).toHaveLength(3);
  });

  it('counts hash changes when asked to', async () => {
    const { transport, events } = recorder();
    const journey = start({ transport, autoPage: true, hashChanges: true });
    await settle();
    history.pushState(null, '', '/#/reports');
    location.hash = '#/settings';
    await settle();
    await journey.flush();
    expect(events().map((event) => event.context!.page!.url)).toEqual([
      'https://www.acme.test/',
      'https://www.acme.test/#/reports',
      'https://www.acme.test/#/settings',
    ]);
  });

  it('records nothing by itself when page views are off', async () => {
    const { transport, events } = recorder();
    const journey = start({ transport, autoPage: false });
    history.pushState(null, '', '/elsewhere');
    await settle();
    await journey.flush();
    expect(events()).toEqual([]);
  });
});
