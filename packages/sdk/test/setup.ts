import 'fake-indexeddb/auto';
import { IDBFactory } from 'fake-indexeddb';
import { beforeEach, vi } from 'vitest';

/** What the page handed to navigator.sendBeacon (a boundary we do not own: a browser's network). */
export const beacons: Array<{ url: string; body: string }> = [];

// Each test starts on a fresh device: empty IndexedDB, localStorage and cookies.
beforeEach(() => {
  globalThis.indexedDB = new IDBFactory();
  localStorage.clear();
  for (const cookie of document.cookie.split('; ')) {
    const name = cookie.split('=')[0];
    if (name) document.cookie = `${name}=;max-age=0;path=/`;
  }
  history.replaceState(null, '', '/');
  document.title = 'Home';
  beacons.length = 0;
  navigator.sendBeacon = vi.fn((url: string | URL, data?: BodyInit | null) => {
    void (data as Blob).text().then((body) => beacons.push({ url: String(url), body }));
    return true;
  });
});
