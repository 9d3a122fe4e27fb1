/**
 * The overview: the journey map (stages across, channels down, cells shaded by volume), the
 * funnel with conversion and drop-off between stages, and the friction points, for the filters
 * chosen. Every number is the JSON API's (analytics/reports.ts) for the same query.
 */
import { channels } from '../channels/channels.ts';
import type { AnalyticsReports } from '../analytics/reports.ts';
import type { FunnelStage } from '../analytics/funnel.ts';
import { count, counted, days, markup, percent, stageName, type Html, type StageLabels } from './layout.ts';

type Funnel = Awaited<ReturnType<AnalyticsReports['funnel']>>;
type JourneyMap = Awaited<ReturnType<AnalyticsReports['journeyMap']>>;

export interface OverviewFilters {
  from: string;
  to: string;
  channel: string;
  by: 'person' | 'account';
  trait: string;
  value: string;
}


/** Five shades by share of the fullest cell; empty cells stay white. */
const heat = (value: number, max: number) => (value === 0 || max === 0 ? 0 : Math.max(1, Math.ceil((value / max) * 5)));

export function overview(options: { funnel: Funnel; map: JourneyMap; filters: OverviewFilters; traitKeys: string[]; labels: StageLabels }): Html {
  const { funnel, map, filters } = options;
  const who = filters.by === 'account' ? 'accounts' : 'people';
  return markup`<h1>Journey map</h1>
<p class="as-of">${new Date(map.range.from).toISOString().slice(0, 10)} – ${new Date(Date.parse(map.range.to) - 1).toISOString().slice(0, 10)} · data as of ${map.asOf.replace('T', ' ').slice(0, 19)} UTC</p>
${filterForm(filters, options.traitKeys)}
<h2 id="map-heading">Stages × channels</h2>
${mapTable(map, who, options.labels)}
<h2 id="funnel-heading">Funnel (${who})</h2>
${funnelView(filters.by === 'account' ? funnel.accounts : funnel.people, who, options.labels)}`;
}

function filterForm(filters: OverviewFilters, traitKeys: string[]): Html {
  const option = (value: string, label: string, selected: boolean) => markup`<option value="${value}"${selected ? markup` selected` : ''}>${label}</option>`;
  return markup`<form class="filters" method="get" action="/dashboard" aria-label="Filters">
<div class="field"><label for="filter-from">From</label><input id="filter-from" type="date" name="from" value="${filters.from}"></div>
<div class="field"><label for="filter-to">To</label><input id="filter-to" type="date" name="to" value="${filters.to}"></div>
<div class="field"><label for="filter-channel">Channel</label><select id="filter-channel" name="channel">${option('', 'All channels', filters.channel === '')}${[...channels, 'Offline'].map((channel) => option(channel, channel, filters.channel === channel))}</select></div>
<div class="field"><label for="filter-by">Journeys of</label><select id="filter-by" name="by">${option('person', 'People', filters.by === 'person')}${option('account', 'Accounts', filters.by === 'account')}</select></div>
<div class="field"><label for="filter-trait">Account trait</label><select id="filter-trait" name="trait">${option('', 'Any', filters.trait === '')}${traitKeys.map((key) => option(key, key, filters.trait === key))}</select></div>
<div class="field"><label for="filter-value">Trait value</label><input id="filter-value" type="text" name="value" value="${filters.value}" placeholder="Software, or 50..200" maxlength="200"></div>
<button class="primary" type="submit">Apply</button>
</form>`;
}

function mapTable(map: JourneyMap, who: string, labels: StageLabels): Html {
  if (map.channels.length === 0) return markup`<p>No touchpoints in this range.</p>`;
  const cell = new Map(map.cells.map((entry) => [`${entry.stage}\u0000${entry.channel}`, entry]));
  const max = Math.max(...map.cells.map((entry) => entry.touchpoints));
  return markup`<div class="scroll"><table class="journey-map" aria-labelledby="map-heading">
<thead><tr><th scope="col">Channel</th>${map.stages.map((stage) => markup`<th scope="col" data-stage="${stage.stage}">${stageName(stage.stage === 'none' ? null : stage.stage, labels)}<small>${count(stage.touchpoints)} touchpoints · ${count(stage.owners)} ${who}</small></th>`)}</tr></thead>
<tbody>
${map.channels.map(
  (channel) => markup`<tr><th scope="row">${channel.channel}</th>${map.stages.map((stage) => {
    const entry = cell.get(`${stage.stage}\u0000${channel.channel}`);
    const touchpoints = entry?.touchpoints ?? 0;
    return markup`<td class="heat-${heat(touchpoints, max)}" data-stage="${stage.stage}" data-channel="${channel.channel}">${touchpoints ? markup`${count(touchpoints)}<small>${count(entry!.owners)} ${who}</small>` : ''}</td>`;
  })}</tr>`,
)}
<tr><th scope="row">Top touchpoints</th>${map.stages.map(
  (stage) => markup`<td class="text"><ol class="top-touchpoints">${(map.top[stage.stage] ?? []).map((top) => markup`<li>${top.name} <small>${top.channel} · ${count(top.touchpoints)}</small></li>`)}</ol></td>`,
)}</tr>
</tbody>
</table></div>`;
}

function funnelView(funnel: Funnel['people'], who: string, labels: StageLabels): Html {
  const max = Math.max(1, ...funnel.stages.map((stage) => stage.reached));
  const row = 28;
  const labelWidth = 190;
  const chart = markup`<svg viewBox="0 0 720 ${funnel.stages.length * row + 4}" role="img" aria-label="${`${who} reaching each stage`}">
${funnel.stages.map((stage, index) => {
  const width = Math.round((stage.reached / max) * (720 - labelWidth - 80));
  const y = index * row + 2;
  return markup`<text class="label" x="0" y="${y + 18}">${stageName(stage.stage, labels)}</text><rect class="bar" x="${labelWidth}" y="${y + 4}" width="${width}" height="${row - 8}"></rect><text class="value" x="${labelWidth + width + 6}" y="${y + 18}">${count(stage.reached)}</text>`;
})}
</svg>`;
  const friction = new Set(funnel.frictionPoints.map((point) => point.to));
  return markup`<div class="funnel">${chart}</div>
<p>${count(funnel.cohort)} ${who} with a touchpoint in the range.</p>
<div class="scroll"><table class="funnel-table">
<thead><tr><th scope="col">Stage</th><th scope="col">Reached</th><th scope="col">Entered</th><th scope="col">Skipped</th><th scope="col">Conversion</th><th scope="col">Drop-off</th><th scope="col">Median time from previous</th></tr></thead>
<tbody>${funnel.stages.map((stage: FunnelStage) => markup`<tr data-stage="${stage.stage}"${friction.has(stage.stage) ? markup` class="friction"` : ''}><th scope="row">${stageName(stage.stage, labels)}</th><td>${count(stage.reached)}</td><td>${count(stage.entered)}</td><td>${count(stage.skipped)}</td><td>${percent(stage.conversion)}</td><td>${stage.dropOff === null ? '—' : count(stage.dropOff)}</td><td>${days(stage.medianDaysFromPrevious)}</td></tr>`)}</tbody>
</table></div>
<h2>Friction points</h2>
${funnel.frictionPoints.length === 0
  ? markup`<p>No stage lost anyone in this range.</p>`
  : markup`<ol class="friction-points">${funnel.frictionPoints.map((point) => {
      const from = funnel.stages.find((stage) => stage.stage === point.from)!;
      const to = funnel.stages.find((stage) => stage.stage === point.to)!;
      return markup`<li>${stageName(from.stage, labels)} → ${stageName(to.stage, labels)}: ${count(point.dropOff)} ${who} did not go on (${percent(point.conversion)} did)</li>`;
    })}</ol>`}
<h3>Forms left unfinished</h3>
${funnel.abandonedForms.length === 0
  ? markup`<p>No form was abandoned in this range.</p>`
  : markup`<ol class="abandoned-forms">${funnel.abandonedForms.map((form) => markup`<li>The form on ${form.path}: left ${counted(form.abandoned, 'time', 'times')} by ${counted(form.owners, who === 'people' ? 'person' : 'account', who)}</li>`)}</ol>`}`;
}
