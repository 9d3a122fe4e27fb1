export { createJourney, type Journey, type JourneyOptions, type Properties } from './journey.ts';
export { firstWorkingStore, indexedDbStore, localStorageStore, memoryStore, type Store } from './store.ts';
export { fetchTransport, type Transport } from './delivery.ts';
export type { Traits } from './identity.ts';
