import { createJourney, type Journey } from './journey.ts';

type Call = [keyof Journey, ...unknown[]];

/**
 * The script-tag build: `<script async src="https://COLLECTOR/journey.js" data-write-key="…">`.
 * The collector is the script's own origin unless data-host says otherwise. Calls made before it
 * loaded, through the stub snippet's queue (README), are replayed in order.
 */
const script = document.currentScript as HTMLScriptElement | null;
const data = script?.dataset ?? {};
const global = window as unknown as { journey?: Call[] | Journey };
const queued = Array.isArray(global.journey) ? global.journey : [];

const journey = createJourney({
  writeKey: data.writeKey ?? '',
  host: data.host || (script ? new URL(script.src).origin : ''),
  autoPage: data.autoPage !== 'false',
  hashChanges: data.hashChanges === 'true',
  forms: data.forms !== 'false',
  respectDnt: data.respectDnt === 'true',
  debug: data.debug === 'true',
});
global.journey = journey;
for (const [method, ...args] of queued) (journey[method] as (...args: unknown[]) => unknown)?.(...args);
