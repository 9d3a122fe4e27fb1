/**
 * The webhooks page: the subscriptions, each with its latest deliveries (the dead ones can be
 * sent again), a form to add one, and a button to remove one. The forms post to the dashboard,
 * which does what the admin API does (webhooks/route.ts).
 */
import type { Delivery, Webhook } from '../storage/webhooks.ts';
import { webhookEvents } from '../webhooks/events.ts';
import { count, markup, stageName, when, type Html, type StageLabels } from './layout.ts';

const at = (time: number | null) => (time === null ? null : new Date(time).toISOString());

function deliveries(webhook: Webhook, list: Delivery[]): Html {
  if (list.length === 0) return markup`<p>No deliveries yet.</p>`;
  return markup`<div class="scroll"><table class="deliveries">
<thead><tr><th scope="col">Delivery</th><th scope="col">Event</th><th scope="col">Status</th><th scope="col">Attempts</th><th scope="col">Last answer</th><th scope="col">Made</th><th scope="col"></th></tr></thead>
<tbody>${list.map(
  (delivery) => markup`<tr data-status="${delivery.status}"><td class="text"><code>${delivery.id}</code></td><td class="text">${delivery.event}</td><td class="text">${delivery.status}</td><td>${count(delivery.attempts)}</td><td class="text">${delivery.lastError ?? (delivery.lastStatus === null ? '—' : String(delivery.lastStatus))}</td><td>${when(at(delivery.createdAt))}</td><td>${
    delivery.status === 'pending'
      ? ''
      : markup`<form method="post" action="${`/dashboard/webhooks/${encodeURIComponent(webhook.id)}/deliveries/${encodeURIComponent(delivery.id)}/replay`}"><button type="submit">Send again</button></form>`
  }</td></tr>`,
)}</tbody></table></div>`;
}

export function webhooksPage(list: Array<{ webhook: Webhook; deliveries: Delivery[] }>, labels: StageLabels, problem?: string): Html {
  return markup`<h1>Webhooks</h1>
<p>Journey tells a marketing-automation tool when someone is identified, an account appears, a form is left, or a person or account moves to a new stage: a signed JSON POST, retried for a day (README: Webhooks).</p>
${problem ? markup`<p class="error" role="alert">${problem}</p>` : ''}
${list.length === 0
  ? markup`<p>No subscriptions yet.</p>`
  : list.map(
      ({ webhook, deliveries: recent }) => markup`<section class="webhook" data-webhook="${webhook.id}">
<h2>${webhook.url}</h2>
<dl class="facts"><dt>Events</dt><dd>${webhook.events.join(', ')}</dd>
${webhook.filter?.stages ? markup`<dt>Stages</dt><dd>${webhook.filter.stages.map((stage) => stageName(stage, labels)).join(', ')}</dd>` : ''}
${webhook.filter?.account ? markup`<dt>Accounts</dt><dd>${Object.entries(webhook.filter.account).map(([key, value]) => `${key}=${value}`).join('; ')}</dd>` : ''}
${webhook.filter?.identified ? markup`<dt>People</dt><dd>known by a user id or an email only</dd>` : ''}
<dt>Since</dt><dd>${when(at(webhook.createdAt))}</dd></dl>
<h3>Latest deliveries</h3>
${deliveries(webhook, recent)}
<form method="post" action="${`/dashboard/webhooks/${encodeURIComponent(webhook.id)}/delete`}"><button type="submit">Remove this subscription</button></form>
</section>`,
    )}
<h2>Add a subscription</h2>
<form class="filters" method="post" action="/dashboard/webhooks">
<div class="field"><label for="hook-url">URL</label><input id="hook-url" type="url" name="url" required placeholder="https://ma.example/journey" maxlength="2000"></div>
<div class="field"><label for="hook-secret">Secret (16 characters or more)</label><input id="hook-secret" type="text" name="secret" required minlength="16" maxlength="200" autocomplete="off"></div>
<fieldset><legend>Events</legend>${webhookEvents.map((event) => markup`<label><input type="checkbox" name="events" value="${event}"> ${event}</label> `)}</fieldset>
<div class="field"><label for="hook-account">Only accounts with these traits (optional)</label><input id="hook-account" type="text" name="account" placeholder="industry=Software; employees=50..200" maxlength="500"></div>
<fieldset><legend>Stage changes into (none: all)</legend>${[...labels.keys()].map((stage) => markup`<label><input type="checkbox" name="stages" value="${stage}"> ${stageName(stage, labels)}</label> `)}</fieldset>
<label><input type="checkbox" name="identified" value="yes"> Only people known by a user id or an email (not anonymous visitors)</label>
<button class="primary" type="submit">Subscribe</button>
</form>`;
}
