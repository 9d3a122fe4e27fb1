/**
 * One account's or one person's journey: who they are, the stats a journey map shows, the stages
 * they moved through, and the timeline (a person's by visit, an account's across its people). The
 * journeys are the JSON API's (GET /v1/persons/:ref/journey, /v1/accounts/:ref/journey).
 */
import type { JourneyTouchpoint } from '../journey/journey.ts';
import type { journeyReports } from '../journey/route.ts';
import { channelBadge, count, markup, stageBadge, stageName, when, type Html, type StageLabels } from './layout.ts';

type Reports = ReturnType<typeof journeyReports>;
type PersonFound = NonNullable<Awaited<ReturnType<Reports['person']>>>;
type AccountFound = NonNullable<Awaited<ReturnType<Reports['account']>>>;
type Journey = PersonFound['journey'];

/** The most touchpoints one timeline shows; the JSON API has them all. */
const shown = 500;

const personLink = (id: string, text = id) => markup`<a href="${`/dashboard/people/${encodeURIComponent(id)}`}">${text}</a>`;
const accountLink = (id: string, text = id) => markup`<a href="${`/dashboard/accounts/${encodeURIComponent(id)}`}">${text}</a>`;
const text = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value) : undefined);

function stats(journey: Journey | AccountFound['journey'], extra: Html = markup``): Html {
  const { stats } = journey;
  return markup`<dl class="facts">
<dt>Touches</dt><dd>${count(stats.touches)} in ${count(stats.sessions)} visits</dd>
<dt>Channels</dt><dd>${stats.channels.map((entry) => markup`${channelBadge(entry.channel)} ${count(entry.touches)} `)}</dd>
<dt>First touch</dt><dd>${when(stats.firstTouch)}</dd>
<dt>Last touch</dt><dd>${when(stats.lastTouch)}</dd>
<dt>Days to purchase</dt><dd>${stats.daysToPurchase === null ? 'not yet' : count(stats.daysToPurchase)}</dd>
${extra}
</dl>`;
}

function stageHistory(journey: Journey | AccountFound['journey'], labels: StageLabels): Html {
  if (journey.transitions.length === 0) return markup`<p>No stage yet.</p>`;
  return markup`<ol class="stage-history">${journey.transitions.map(
    (transition) =>
      markup`<li>${when(transition.at)}: ${transition.from === null ? '' : markup`${stageName(transition.from, labels)} → `}<strong>${stageName(transition.to, labels)}</strong>${'trait' in transition ? markup` <small>(trait ${transition.trait})</small>` : ''}</li>`,
  )}</ol>`;
}

function touchpointLine(touchpoint: JourneyTouchpoint, labels: StageLabels, personName?: (id: string) => string): Html {
  const what = touchpoint.kind === 'session' ? markup`Visit to ${touchpoint.name}` : touchpoint.kind === 'offline' ? markup`${touchpoint.name} <small>(imported)</small>` : touchpoint.name;
  return markup`${when(touchpoint.at)} · ${channelBadge(touchpoint.channel)} ${what}${touchpoint.campaign !== '(not set)' ? markup` <small>campaign ${touchpoint.campaign}</small>` : ''}${personName && touchpoint.personId ? markup` · ${personLink(touchpoint.personId, personName(touchpoint.personId))}` : ''}${
    touchpoint.entered ? markup` <span class="entered">→ ${touchpoint.entered.map((stage) => stageName(stage, labels)).join(', ')}</span>` : ''
  }`;
}

/** A person's touchpoints by visit: each visit's entry, with the key events of that visit under it. */
function byVisit(journey: Journey, labels: StageLabels): Html {
  const sessionOf = new Map<string, string>();
  for (const session of journey.sessions) for (const messageId of session.messageIds) sessionOf.set(messageId, session.id);
  const pagesOf = new Map(journey.sessions.map((session) => [`session:${session.id}`, session.pages]));
  const groups: Array<{ head: JourneyTouchpoint; inside: JourneyTouchpoint[] }> = [];
  const open = new Map<string, { head: JourneyTouchpoint; inside: JourneyTouchpoint[] }>();
  for (const touchpoint of journey.touchpoints.slice(-shown)) {
    const visit = touchpoint.kind === 'event' ? open.get(`session:${sessionOf.get(touchpoint.id)}`) : undefined;
    if (visit) visit.inside.push(touchpoint);
    else {
      const group = { head: touchpoint, inside: [] };
      groups.push(group);
      if (touchpoint.kind === 'session') open.set(touchpoint.id, group);
    }
  }
  return markup`<ol class="timeline">${groups.reverse().map(
    ({ head, inside }) =>
      markup`<li>${touchpointLine(head, labels)}${pagesOf.has(head.id) ? markup` <small>${count(pagesOf.get(head.id)!)} pages</small>` : ''}${
        inside.length ? markup`<ul>${inside.map((touchpoint) => markup`<li>${touchpointLine(touchpoint, labels)}</li>`)}</ul>` : ''
      }</li>`,
  )}</ol>`;
}

export function personPage(found: PersonFound, labels: StageLabels): Html {
  const { record, journey } = found;
  const ids = (kind: string) => record.identifiers.filter((identifier) => identifier.kind === kind).map((identifier) => identifier.value);
  const name = text(record.traits['name']?.value) ?? ids('email')[0] ?? record.id;
  return markup`<h1>${name} ${stageBadge(journey.stage, labels)}</h1>
<div class="columns">
<section><h2>Who</h2><dl class="facts">
<dt>Person</dt><dd>${record.id}</dd>
<dt>Emails</dt><dd>${ids('email').join(', ') || '—'}</dd>
<dt>User ids</dt><dd>${ids('userId').join(', ') || '—'}</dd>
<dt>Devices</dt><dd>${record.devices.length === 0 ? '—' : record.devices.map((device) => markup`${device.anonymousId}${device.from || device.to ? markup` <small>(${when(device.from)} – ${when(device.to)})</small>` : ''}<br>`)}</dd>
<dt>Accounts</dt><dd>${record.accounts.length === 0 ? '—' : record.accounts.map((account) => markup`${accountLink(account.id)} <small>(${account.via})</small><br>`)}</dd>
</dl></section>
<section><h2>Journey</h2>${stats(journey)}</section>
</div>
<h2>Stage transitions</h2>
${stageHistory(journey, labels)}
<h2>Timeline, by visit</h2>
${journey.touchpoints.length > shown ? markup`<p class="as-of">The latest ${count(shown)} of ${count(journey.touchpoints.length)} touchpoints.</p>` : ''}
${journey.touchpoints.length === 0 ? markup`<p>No touchpoints.</p>` : byVisit(journey, labels)}`;
}

export function accountPage(found: AccountFound, labels: StageLabels): Html {
  const { record, people, journey } = found;
  const name = text(record.traits['name']?.value) ?? record.id;
  const traits = Object.entries(record.traits).filter(([key]) => key !== 'name');
  const emails = new Map(people.map((person) => [person.id, person.identifiers.find((identifier) => identifier.kind === 'email')?.value ?? person.id]));
  const personName = (id: string) => emails.get(id) ?? id;
  return markup`<h1>${name} ${stageBadge(journey.stage, labels)}</h1>
<div class="columns">
<section><h2>Account</h2><dl class="facts">
<dt>Id</dt><dd>${record.id}</dd>
<dt>Domain</dt><dd>${record.domain ?? '—'}</dd>
${traits.map(([key, trait]) => markup`<dt>${key}</dt><dd>${text(trait.value) ?? JSON.stringify(trait.value)}</dd>`)}
</dl></section>
<section><h2>Journey</h2>${stats(journey, markup`<dt>People</dt><dd>${count(journey.stats.people)} (${count(journey.stats.peopleTouched)} with touchpoints)</dd>`)}</section>
</div>
<h2>People</h2>
${people.length === 0
  ? markup`<p>Nobody yet.</p>`
  : markup`<ul class="people">${people.map((person) => {
      return markup`<li>${personLink(person.id, personName(person.id))} <small>(${person.via}; last seen ${when(person.lastSeen)})</small></li>`;
    })}</ul>`}
<h2>Stage history</h2>
${stageHistory(journey, labels)}
<h2>Timeline, across its people</h2>
${journey.touchpoints.length > shown ? markup`<p class="as-of">The latest ${count(shown)} of ${count(journey.touchpoints.length)} touchpoints.</p>` : ''}
${journey.touchpoints.length === 0
  ? markup`<p>No touchpoints.</p>`
  : markup`<ol class="timeline">${[...journey.touchpoints.slice(-shown)].reverse().map((touchpoint) => markup`<li>${touchpointLine(touchpoint, labels, personName)}</li>`)}</ol>`}`;
}
