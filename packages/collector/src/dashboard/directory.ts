/**
 * The lists of accounts and people: searchable, most recently active first, a page at a time,
 * each row linking to its journey. The rows are the JSON API's (GET /v1/accounts, /v1/persons).
 */
import type { AnalyticsReports } from '../analytics/reports.ts';
import { count, counted, markup, stageBadge, when, type Html, type StageLabels } from './layout.ts';

type Accounts = Awaited<ReturnType<AnalyticsReports['accounts']>>;
type Persons = Awaited<ReturnType<AnalyticsReports['persons']>>;

export const pageSize = 50;

function searchForm(action: string, q: string, label: string, hint: string): Html {
  return markup`<form class="filters" method="get" action="${action}" role="search">
<div class="field"><label for="search">${label}</label><input id="search" type="search" name="q" value="${q}" placeholder="${hint}" maxlength="200"></div>
<button class="primary" type="submit">Search</button>
</form>`;
}

function pager(action: string, q: string, offset: number, total: number): Html {
  if (total <= pageSize) return markup``;
  const link = (to: number, text: string) => markup`<a href="${`${action}?${new URLSearchParams({ ...(q && { q }), offset: String(to) })}`}">${text}</a>`;
  return markup`<nav class="pager" aria-label="Pages">${offset > 0 ? link(Math.max(0, offset - pageSize), '← Newer') : ''}
<span>${count(offset + 1)}–${count(Math.min(total, offset + pageSize))} of ${count(total)}</span>
${offset + pageSize < total ? link(offset + pageSize, 'Older →') : ''}</nav>`;
}

export function accountList(list: Accounts, q: string, offset: number, labels: StageLabels): Html {
  return markup`<h1>Accounts</h1>
<p class="as-of">${counted(list.total, 'account', 'accounts')} with touchpoints · data as of ${when(list.asOf)}</p>
${searchForm('/dashboard/accounts', q, 'Search accounts', 'name, domain or id')}
${list.accounts.length === 0
  ? markup`<p>No account matches.</p>`
  : markup`<div class="scroll"><table class="directory">
<thead><tr><th scope="col">Account</th><th scope="col">Stage</th><th scope="col">People</th><th scope="col">Touches</th><th scope="col">Channels</th><th scope="col">Last activity</th></tr></thead>
<tbody>${list.accounts.map(
  (row) => markup`<tr><th scope="row"><a href="${`/dashboard/accounts/${encodeURIComponent(row.id)}`}">${row.name ?? row.id}</a>${row.name ? markup`<small>${row.id}</small>` : ''}</th><td class="text">${stageBadge(row.stage, labels)}</td><td>${count(row.people)}</td><td>${count(row.touches)}</td><td>${count(row.channels)}</td><td>${when(row.lastActivity)}</td></tr>`,
)}</tbody></table></div>`}
${pager('/dashboard/accounts', q, offset, list.total)}`;
}

export function personList(list: Persons, q: string, offset: number, labels: StageLabels): Html {
  return markup`<h1>People</h1>
<p class="as-of">${counted(list.total, 'person', 'people')} with touchpoints · data as of ${when(list.asOf)}</p>
${searchForm('/dashboard/people', q, 'Search people', 'an email, a user id, or part of a person id')}
${list.persons.length === 0
  ? markup`<p>Nobody matches.</p>`
  : markup`<div class="scroll"><table class="directory">
<thead><tr><th scope="col">Person</th><th scope="col">Account</th><th scope="col">Stage</th><th scope="col">Touches</th><th scope="col">Channels</th><th scope="col">Last activity</th></tr></thead>
<tbody>${list.persons.map(
  (row) => markup`<tr><th scope="row"><a href="${`/dashboard/people/${encodeURIComponent(row.id)}`}">${row.name ?? row.email ?? row.id}</a>${row.name && row.email ? markup`<small>${row.email}</small>` : ''}</th><td class="text">${row.account ? markup`<a href="${`/dashboard/accounts/${encodeURIComponent(row.account)}`}">${row.account}</a>` : '—'}</td><td class="text">${stageBadge(row.stage, labels)}</td><td>${count(row.touches)}</td><td>${count(row.channels)}</td><td>${when(row.lastActivity)}</td></tr>`,
)}</tbody></table></div>`}
${pager('/dashboard/people', q, offset, list.total)}`;
}
