/**
 * The dashboard's page shell and formatting. Pages are HTML strings built with Hono's `html`
 * tag, which escapes every interpolated value: titles, URLs and traits that came from events are
 * text, whatever they hold.
 */
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';

export type Html = HtmlEscapedString;

/** Hono's `html` tag for markup with no promise in it, which is always a string. */
export const markup = (strings: TemplateStringsArray, ...values: unknown[]): Html => html(strings, ...values) as Html;

const sections = [
  { path: '/dashboard', label: 'Journey map' },
  { path: '/dashboard/accounts', label: 'Accounts' },
  { path: '/dashboard/people', label: 'People' },
  { path: '/dashboard/attribution', label: 'Attribution' },
  { path: '/dashboard/paths', label: 'Paths' },
  { path: '/dashboard/webhooks', label: 'Webhooks' },
] as const;

export function page(options: { title: string; current?: string; body: Html | Html[]; signedIn?: boolean }): Html {
  return markup`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${options.title} · Journey</title>
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
<link rel="icon" href="data:,">
</head>
<body>
<a class="skip" href="#content">Skip to content</a>
<header class="top">
<a class="brand" href="/dashboard">Journey</a>
${options.signedIn === false
  ? ''
  : markup`<nav aria-label="Dashboard"><ul>${sections.map((section) => markup`<li><a href="${section.path}"${section.path === options.current ? markup` aria-current="page"` : ''}>${section.label}</a></li>`)}</ul></nav>
<form method="post" action="/dashboard/logout"><button type="submit">Sign out</button></form>`}
</header>
<main id="content" tabindex="-1">
${options.body}
</main>
</body>
</html>`;
}

const integer = new Intl.NumberFormat('en');
export const count = (value: number): string => integer.format(value);
/** "1 time", "3 times": a count with its noun. */
export const counted = (value: number, one: string, many: string): string => `${count(value)} ${value === 1 ? one : many}`;
export const percent = (ratio: number | null): string => (ratio === null ? '—' : `${(ratio * 100).toFixed(ratio > 0 && ratio < 0.1 ? 1 : 0)} %`);
export const days = (value: number | null): string => (value === null ? '—' : `${value.toFixed(value < 10 ? 1 : 0)} d`);

/** A date-time as the dashboard shows it: minutes, UTC. */
export const when = (iso: string | null): string => (iso === null ? '—' : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`);

/** Each stage's labels by id, from the stage model. */
export type StageLabels = Map<string, Record<string, string>>;

/** Both labels of a stage where the model has them: "Awareness 認知". */
export const stageName = (stage: string | null, labels: StageLabels): string => {
  if (stage === null) return 'No stage yet';
  const names = labels.get(stage);
  return names ? [...new Set(Object.values(names))].join(' ') : stage;
};

export const stageBadge = (stage: string | null, labels: StageLabels): Html => markup`<span class="badge stage">${stageName(stage, labels)}</span>`;
export const channelBadge = (channel: string): Html => markup`<span class="badge channel">${channel}</span>`;
