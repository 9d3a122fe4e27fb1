import type { JourneyEvent } from '@journey/protocol';
import { createDelivery, fetchTransport, type DeliveryOptions, type Transport } from './delivery.ts';
import { watchForms } from './forms.ts';
import { deviceIdentity, isId, type Traits } from './identity.ts';
import { watchPages } from './pages.ts';
import { campaignOf, endSession, touchSession, type Landing } from './session.ts';
import { load, save } from './storage.ts';
import { firstWorkingStore, indexedDbStore, localStorageStore, memoryStore, type Store } from './store.ts';
import { uuid } from './uuid.ts';
import { version } from './version.ts';

export type Properties = Record<string, unknown>;

export interface JourneyOptions extends DeliveryOptions {
  /** The site's write key (public). */
  writeKey: string;
  /** The collector's origin, e.g. https://journey.example.com. */
  host: string;
  /** Record the first page and every single-page-app navigation (default true). */
  autoPage?: boolean;
  /** Count a change of the URL's #hash as a navigation (default false). */
  hashChanges?: boolean;
  /** Report sign-ups and abandoned sign-up forms marked data-journey-signup (default true). */
  forms?: boolean;
  /** Honour the browser's Do-Not-Track (default false; Global Privacy Control is always honoured). */
  respectDnt?: boolean;
  /** Say in the console why something was dropped (default false). */
  debug?: boolean;
  /** Where queued events wait (default IndexedDB, else localStorage, else memory). */
  store?: Store;
  /** How batches are posted (default fetch, text/plain). */
  transport?: Transport;
}

export interface Journey {
  page(name?: string, properties?: Properties): void;
  page(properties: Properties): void;
  track(event: string, properties?: Properties): void;
  identify(userId?: string, traits?: Traits): void;
  identify(traits: Traits): void;
  group(accountId: string, traits?: Traits): void;
  alias(userId: string, previousId?: string): void;
  /** Forgets the user, account and traits and starts a new anonymousId: for shared computers. */
  reset(): void;
  /** Sends what is queued now. Resolves when sent, or when sending failed (it will retry). */
  flush(): Promise<void>;
  /** Stops all recording and sending, and forgets what is queued; remembered on this device. */
  optOut(): void;
  optIn(): void;
  debug(on?: boolean): void;
}

const consentKey = 'journey.optout';
const isObject = (value: unknown): value is Properties => typeof value == 'object' && !!value && !Array.isArray(value);
/**
 * Refuses a call's arguments: the guard around every method catches this and, when debugging,
 * says which method failed. Properties and traits may be left out, but must be objects if given.
 */
const check = (ok: unknown, properties?: unknown): void => {
  if (!ok || (properties !== undefined && !isObject(properties))) throw TypeError('bad arguments');
};

/**
 * The SDK: builds events on the wire format of @journey/protocol and hands them to the durable
 * queue. Nothing here throws into the host page: every call is guarded, and bad arguments are
 * dropped, with the reason in the console when debugging.
 */
export function createJourney(options: JourneyOptions): Journey {
  let debugging = options.debug;
  const log = (message: string, detail?: unknown) => debugging && console.warn('[journey]', message, detail);
  if (!options.writeKey || !options.host) console.warn('[journey] no writeKey or host');

  const [identity, remember] = deviceIdentity();
  const delivery = createDelivery(
    options.host.replace(/\/$/, '') + '/v1/batch',
    options,
    options.store ?? firstWorkingStore([indexedDbStore, localStorageStore, memoryStore]),
    options.transport ?? fetchTransport,
    log,
  );
  let referrer = document.referrer;
  // Once: building a DateTimeFormat takes milliseconds, the page's time zone does not change.
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  let pageUrl: string | undefined;

  function emit(type: JourneyEvent['type'], fields: Properties, landing?: Landing, traits?: Traits): void {
    // An explicit choice on this device wins; without one, the browser's privacy signals decide.
    const choice = load<number>(consentKey);
    if (choice ?? ((navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl || (options.respectDnt && navigator.doNotTrack == '1'))) {
      return void log('opted out', type);
    }
    const session = touchSession(landing);
    const { href, pathname, search } = location;
    let event: JourneyEvent;
    try {
      // A snapshot: the page may change its objects later, and what cannot be JSON is refused now.
      event = JSON.parse(
        JSON.stringify({
          type,
          messageId: uuid(),
          anonymousId: identity.anonymousId,
          userId: identity.userId,
          originalTimestamp: new Date().toISOString(),
          context: {
            page: { url: href, path: pathname, referrer, title: document.title, search },
            campaign: session.campaign,
            clickIds: session.clickIds,
            sessionId: session.id,
            groupId: identity.groupId,
            traits,
            locale: navigator.language,
            timezone,
            screen: { width: screen.width, height: screen.height, density: devicePixelRatio },
            library: { name: 'journey.js', version },
          },
          ...fields,
        }),
      );
    } catch (error) {
      return void log('not JSON', error);
    }
    delivery.enqueue(event).catch((error) => log('not queued', error));
  }

  const api: Journey = {
    page(name?: unknown, properties?: unknown, auto?: boolean) {
      if (isObject(name)) [name, properties] = [, name];
      check(name === undefined || typeof name == 'string', properties);
      const url = options.hashChanges ? location.href : location.href.split('#')[0];
      // A navigation that lands on the URL just recorded (replaceState, a re-render) is no new page.
      if (auto && url == pageUrl) return;
      if (pageUrl && url != pageUrl) referrer = pageUrl;
      pageUrl = url;
      emit('page', { name, properties }, campaignOf(location.search));
    },
    track(event, properties) {
      check(typeof event == 'string' && event, properties);
      emit('track', { event, properties });
    },
    identify(userId?: unknown, traits?: unknown) {
      if (isObject(userId)) [userId, traits] = [, userId];
      check(userId === undefined || isId(userId), traits);
      remember({ userId: (userId as string | undefined) ?? identity.userId, traits: { ...identity.traits, ...(traits as Traits) } });
      emit('identify', { traits: identity.traits });
    },
    group(accountId, traits) {
      check(isId(accountId), traits);
      remember({ groupId: accountId });
      emit('group', { groupId: accountId, traits });
    },
    alias(userId, previousId = identity.userId ?? identity.anonymousId) {
      check(isId(userId) && isId(previousId));
      emit('alias', { userId, previousId });
      remember({ userId });
    },
    reset() {
      remember({ anonymousId: uuid(), userId: undefined, groupId: undefined, traits: {} });
      endSession();
    },
    flush: () => delivery.flush(),
    optOut() {
      save(consentKey, 1);
      void delivery.clear();
    },
    optIn: () => save(consentKey, 0),
    debug(on = true) {
      debugging = on;
    },
  };

  // Every way in is guarded: a bug here, or a browser without some API, must not break the page.
  // (flush() never rejects, so nothing asynchronous can escape either.)
  const guard =
    <A extends unknown[]>(name: string, run: (...args: A) => unknown) =>
    (...args: A): any => {
      try {
        return run(...args);
      } catch (error) {
        log(name + ' failed', error);
      }
    };
  for (const name in api) (api as unknown as Record<string, unknown>)[name] = guard(name, api[name as keyof Journey] as never);

  const abandonForms =
    options.forms !== false &&
    watchForms(
      guard('form', (event: string, properties: Properties, traits?: Traits) => {
        remember({ traits: { ...identity.traits, ...traits } });
        emit('track', { event, properties }, undefined, traits);
      }),
    );

  // The page is going away (or may be killed in the background): report abandoned forms, then
  // hand what is not yet confirmed to sendBeacon. It stays queued until a later 2xx.
  addEventListener(
    'pagehide',
    guard('pagehide', () => {
      if (abandonForms) abandonForms();
      delivery.beacon();
    }),
  );
  document.addEventListener(
    'visibilitychange',
    guard('visibilitychange', () => (document.visibilityState == 'hidden' ? delivery.beacon() : api.flush())),
  );
  addEventListener('online', api.flush);

  if (options.autoPage !== false) {
    const autoPage = () => (api.page as (name?: string, properties?: Properties, auto?: boolean) => void)(undefined, undefined, true);
    watchPages(autoPage, options.hashChanges);
    // After the code running now, so calls queued before the script loaded (identify, group) come
    // first; but as a microtask, not a later task: a page left right after its load event (a quick
    // click onward) must already hold its view, for pagehide to beacon it.
    queueMicrotask(autoPage);
  }
  // Events left by earlier pages or tabs.
  api.flush();
  return api;
}
