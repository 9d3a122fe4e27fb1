/**
 * How each SDK goes on the benchmark page: the vendor's documented snippet, with its defaults,
 * pointed at the benchmark's server instead of the vendor's cloud. `{{HOST}}` is that server's
 * origin; `/sdk/<name>/…` serves files from the installed package.
 */
export interface PeerPage {
  name: string;
  /** The page's <head>: the snippet and script tag. */
  head: string;
  /** Paths the SDK fetches besides the file itself, mapped to files in its package. */
  files?: Record<string, string>;
  /** What the server answers to the SDK's configuration requests; anything else gets `{}`. */
  config?: (path: string) => unknown;
  /** Whether a request carries events (not configuration). */
  delivers: (method: string, path: string) => boolean;
  /** A custom event, as the page calls it: a statement using `name`. */
  track: string;
}

const post = (pattern: RegExp) => (method: string, path: string) => method === 'POST' && pattern.test(path);

export const journeyPage: PeerPage = {
  name: 'journey.js',
  head: `<script>window.journey=window.journey||[];"page track identify group alias reset flush optOut optIn debug".split(" ").forEach(function(m){journey[m]=journey[m]||function(){journey.push([m].concat([].slice.call(arguments)))}})</script>
<script async src="/sdk/journey.js/journey.js" data-write-key="wk_bench_0123456789"></script>`,
  config: () => ({ success: true, accepted: 1, duplicates: 0, rejected: [] }),
  delivers: post(/^\/v1\/batch/),
  track: 'journey.track(name)',
};

export const peerPages: Record<string, PeerPage> = {
  'posthog-js': {
    name: 'posthog-js',
    head: `<script src="/sdk/posthog-js/dist/array.js"></script>
<script>posthog.init('phc_bench', { api_host: '{{HOST}}', opt_out_useragent_filter: true })</script>`,
    config: (path) => (/flags|decide/.test(path) ? { featureFlags: {}, featureFlagPayloads: {}, errorsWhileComputingFlags: false } : {}),
    delivers: post(/^\/(e|i\/v0\/e|batch|capture)\//),
    track: 'posthog.capture(name)',
  },
  '@segment/analytics-next': {
    name: '@segment/analytics-next',
    head: `<script>!function(){var analytics=window.analytics=window.analytics||[];analytics.methods=["track","page","identify","group","alias","reset","ready"];analytics.factory=function(e){return function(){var t=Array.prototype.slice.call(arguments);t.unshift(e);analytics.push(t);return analytics}};for(var n=0;n<analytics.methods.length;n++){var key=analytics.methods[n];analytics[key]=analytics.factory(key)}analytics._writeKey="wk_bench";analytics._cdn="{{HOST}}";analytics.SNIPPET_VERSION="5.2.0";analytics.page()}();</script>
<script async src="/analytics.js/v1/wk_bench/analytics.min.js"></script>`,
    files: { '/analytics.js/v1/wk_bench/analytics.min.js': 'dist/umd/standalone.js', '/analytics-next/bundles/': 'dist/umd/' },
    config: (path) =>
      path.startsWith('/v1/projects/')
        ? { integrations: { 'Segment.io': { apiKey: 'wk_bench', apiHost: '{{HOST_NAME}}/v1', protocol: 'http' } }, plan: {}, edgeFunction: {} }
        : {},
    delivers: post(/^\/v1\/(p|t|i|g|a|batch|b)$/),
    track: 'analytics.track(name)',
  },
  '@rudderstack/analytics-js': {
    name: '@rudderstack/analytics-js',
    head: `<script src="/sdk/@rudderstack/analytics-js/dist/npm/modern/bundled/umd/index.js"></script>
<script>rudderanalytics = new rudderanalytics.RudderAnalytics(); rudderanalytics.load('wk_bench', '{{HOST}}', { configUrl: '{{HOST}}' }); rudderanalytics.page();</script>`,
    config: (path) =>
      path.startsWith('/sourceConfig')
        ? { source: { id: 'src_bench', name: 'bench', writeKey: 'wk_bench', enabled: true, workspaceId: 'ws_bench', config: {}, destinations: [] } }
        : {},
    delivers: post(/^\/v1\/(page|track|identify|group|alias|batch)/),
    track: 'rudderanalytics.track(name)',
  },
  '@snowplow/browser-tracker': {
    name: '@snowplow/browser-tracker',
    head: `<script src="/sdk/@snowplow/browser-tracker/dist/index.umd.min.js"></script>
<script>snowplowBrowserTracking.newTracker('sp', '{{HOST}}', { appId: 'bench' }); snowplowBrowserTracking.trackPageView();</script>`,
    delivers: post(/^\/com\.snowplowanalytics\.snowplow\/tp2/),
    track: "snowplowBrowserTracking.trackSelfDescribingEvent({ event: { schema: 'iglu:com.example/bench/jsonschema/1-0-0', data: { name } } })",
  },
  '@openpanel/web': {
    name: '@openpanel/web',
    head: `<script>window.op=window.op||function(){var n=[];return new Proxy(function(){arguments.length&&n.push([].slice.call(arguments))},{get:function(t,r){return"q"===r?n:function(){n.push([r].concat([].slice.call(arguments)))}}})}();window.op('init',{clientId:'bench',apiUrl:'{{HOST}}',trackScreenViews:true});</script>
<script async src="/sdk/@openpanel/web/dist/src/tracker.global.js"></script>`,
    delivers: post(/^\/track/),
    track: 'op.track(name)',
  },
  '@plausible-analytics/tracker': {
    name: '@plausible-analytics/tracker',
    head: `<script type="module">import { init, track } from '/sdk/@plausible-analytics/tracker/plausible.js'; window.plausibleTrack = track; init({ domain: 'bench.test', endpoint: '{{HOST}}/api/event', captureOnLocalhost: true });</script>`,
    delivers: post(/^\/api\/event/),
    track: 'plausibleTrack(name)',
  },
};
