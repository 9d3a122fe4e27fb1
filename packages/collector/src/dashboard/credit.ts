/**
 * Attribution and paths: which channels, campaigns and touchpoints earned credit for the
 * conversions (a model picker, bars), and the most common ways people came to convert (a flow of
 * channels, laid out by d3-sankey, drawn as SVG on the server). The numbers are the JSON API's.
 */
import { sankey, sankeyLinkHorizontal, type SankeyLink, type SankeyNode } from 'd3-sankey';
import type { AnalyticsReports } from '../analytics/reports.ts';
import { attributionModels } from '../journey/attribution.ts';
import { count, markup, percent, stageName, type Html, type StageLabels } from './layout.ts';

type Attribution = Awaited<ReturnType<AnalyticsReports['attribution']>>;
type Paths = Awaited<ReturnType<AnalyticsReports['paths']>>;

export interface CreditFilters {
  from: string;
  to: string;
  by: 'person' | 'account';
  conversion: string;
  model: string;
  steps: string;
}

const modelNames: Record<(typeof attributionModels)[number], string> = {
  first: 'First touch',
  last: 'Last touch',
  linear: 'Linear',
  position: 'Position-based (40/20/40)',
  w_shaped: 'W-shaped',
  time_decay: 'Time decay (7-day half-life)',
};

const option = (value: string, label: string, selected: boolean) => markup`<option value="${value}"${selected ? markup` selected` : ''}>${label}</option>`;

function form(action: string, filters: CreditFilters, stages: string[], labels: StageLabels, extra: Html): Html {
  const isStage = filters.conversion === '' || stages.includes(filters.conversion);
  return markup`<form class="filters" method="get" action="${action}" aria-label="Filters">
<div class="field"><label for="filter-from">From</label><input id="filter-from" type="date" name="from" value="${filters.from}"></div>
<div class="field"><label for="filter-to">To</label><input id="filter-to" type="date" name="to" value="${filters.to}"></div>
<div class="field"><label for="filter-conversion">Conversion</label><select id="filter-conversion" name="conversion">${option('', 'Entering the purchase stage', filters.conversion === '')}${stages.map((stage) =>
    option(stage, `Entering ${stageName(stage, labels)}`, filters.conversion === stage),
  )}${isStage ? '' : option(filters.conversion, `The event “${filters.conversion}”`, true)}</select></div>
${extra}
<div class="field"><label for="filter-by">Journeys of</label><select id="filter-by" name="by">${option('person', 'People', filters.by === 'person')}${option('account', 'Accounts', filters.by === 'account')}</select></div>
<button class="primary" type="submit">Apply</button>
</form>`;
}

/** Horizontal bars, one per key, as long as its share of the largest. */
function bars(rows: Array<{ key: string; credit: number }>, total: number, label: string): Html {
  if (rows.length === 0) return markup`<p>No credit in this range.</p>`;
  const max = Math.max(...rows.map((row) => row.credit));
  const height = 26;
  return markup`<svg class="bars" viewBox="0 0 720 ${rows.length * height + 4}" role="img" aria-label="${label}">
${rows.map((row, index) => {
  const width = max === 0 ? 0 : Math.round((row.credit / max) * 380);
  const y = index * height + 2;
  return markup`<text class="label" x="0" y="${y + 17}">${row.key.length > 34 ? `${row.key.slice(0, 33)}…` : row.key}</text><rect class="bar" x="230" y="${y + 4}" width="${width}" height="${height - 8}"></rect><text class="value" x="${236 + width}" y="${y + 17}">${row.credit.toFixed(2)} (${percent(total === 0 ? null : row.credit / total)})</text>`;
})}
</svg>`;
}

export function attributionPage(report: Attribution, filters: CreditFilters, labels: StageLabels): Html {
  const stages = [...labels.keys()];
  const credited = report.conversions - report.unattributed;
  const modelField = markup`<div class="field"><label for="filter-model">Model</label><select id="filter-model" name="model">${attributionModels.map((model) => option(model, modelNames[model], report.model === model))}</select></div>`;
  const table = (rows: Attribution['byChannel'], what: string) =>
    markup`<details><summary>${what} as a table</summary><div class="scroll"><table><thead><tr><th scope="col">${what}</th><th scope="col">Credit (conversions)</th><th scope="col">Conversions it had a part in</th></tr></thead>
<tbody>${rows.map((row) => markup`<tr><th scope="row">${row.key}</th><td>${row.credit.toFixed(2)}</td><td>${count(row.conversions)}</td></tr>`)}</tbody></table></div></details>`;
  return markup`<h1>Attribution</h1>
<p class="as-of">${report.range.from.slice(0, 10)} – ${report.range.to.slice(0, 10)} · data as of ${report.asOf.replace('T', ' ').slice(0, 16)} UTC</p>
${form('/dashboard/attribution', filters, stages, labels, modelField)}
<p class="summary">${modelNames[report.model]}: <strong>${count(report.conversions)}</strong> conversions (${conversionLabel(report.conversion, labels)})${report.unattributed ? `, ${count(report.unattributed)} with no touchpoint before them` : ''}.</p>
<h2 id="by-channel">Credit by channel</h2>
${bars(report.byChannel, credited, 'Credit by channel')}
${table(report.byChannel, 'Channel')}
<h2>Credit by campaign</h2>
${bars(report.byCampaign.slice(0, 12), credited, 'Credit by campaign')}
${table(report.byCampaign, 'Campaign')}
<h2>Credit by touchpoint</h2>
${bars(report.byTouchpoint.slice(0, 12), credited, 'Credit by touchpoint')}
${table(report.byTouchpoint, 'Touchpoint')}`;
}

const conversionLabel = (conversion: string, labels: StageLabels) => (labels.has(conversion) ? `entering ${stageName(conversion, labels)}` : `the event “${conversion}”`);

/**
 * The top channel paths as a flow: a column per step before the conversion (aligned on it, so
 * the last touch is always the column next to it), a node per channel in each column, links as
 * wide as the conversions that went that way.
 */
function flow(paths: Paths['channels'], steps: number): Html {
  if (paths.length === 0) return markup`<p>No conversions in this range.</p>`;
  type Node = { id: string; name: string };
  const nodes = new Map<string, Node>();
  const links = new Map<string, { source: string; target: string; value: number }>();
  const node = (column: number, name: string) => {
    const id = `${column}\u0000${name}`;
    if (!nodes.has(id)) nodes.set(id, { id, name });
    return id;
  };
  for (const path of paths) {
    const ids = [...path.path.map((channel, index) => node(steps - path.path.length + index, channel)), node(steps, 'Conversion')];
    for (let index = 1; index < ids.length; index++) {
      const key = `${ids[index - 1]}\u0001${ids[index]}`;
      const link = links.get(key) ?? { source: ids[index - 1]!, target: ids[index]!, value: 0 };
      link.value += path.conversions;
      links.set(key, link);
    }
  }
  const width = 960;
  const height = Math.max(240, nodes.size * 22);
  const layout = sankey<Node, { source: string; target: string; value: number }>()
    .nodeId((entry) => entry.id)
    .nodeWidth(14)
    .nodePadding(12)
    .extent([
      [1, 1],
      [width - 130, height - 1],
    ]);
  const graph = layout({ nodes: [...nodes.values()].map((entry) => ({ ...entry })), links: [...links.values()].map((entry) => ({ ...entry })) });
  const path = sankeyLinkHorizontal();
  type LaidNode = SankeyNode<Node, object>;
  type LaidLink = SankeyLink<Node, object>;
  return markup`<svg class="flow" viewBox="0 0 ${width} ${height}" role="img" aria-label="The top paths to a conversion, by channel">
${graph.links.map((link: LaidLink) => markup`<path class="link" d="${path(link as never) ?? ''}" stroke-width="${Math.max(1, link.width ?? 1)}"><title>${(link.source as LaidNode).name} → ${(link.target as LaidNode).name}: ${count(link.value)}</title></path>`)}
${graph.nodes.map(
  (entry: LaidNode) =>
    markup`<rect class="node" x="${entry.x0}" y="${entry.y0}" width="${(entry.x1 ?? 0) - (entry.x0 ?? 0)}" height="${Math.max(1, (entry.y1 ?? 0) - (entry.y0 ?? 0))}"><title>${entry.name}: ${count(entry.value ?? 0)}</title></rect><text class="node-label" x="${(entry.x1 ?? 0) + 4}" y="${((entry.y0 ?? 0) + (entry.y1 ?? 0)) / 2 + 4}">${entry.name}</text>`,
)}
</svg>`;
}

function pathTable(paths: Paths['channels'], what: string): Html {
  if (paths.length === 0) return markup`<p>No conversions in this range.</p>`;
  return markup`<div class="scroll"><table class="paths"><thead><tr><th scope="col">${what} before converting</th><th scope="col">Conversions</th><th scope="col">Share</th></tr></thead>
<tbody>${paths.map((row) => markup`<tr><td class="text">${row.truncated ? '… → ' : ''}${row.path.join(' → ')}</td><td>${count(row.conversions)}</td><td>${percent(row.share)}</td></tr>`)}</tbody></table></div>`;
}

export function pathsPage(report: Paths, filters: CreditFilters, labels: StageLabels, steps: number): Html {
  const stepsField = markup`<div class="field"><label for="filter-steps">Steps</label><select id="filter-steps" name="steps">${[2, 3, 4, 5, 6].map((n) => option(String(n), String(n), steps === n))}</select></div>`;
  return markup`<h1>Paths to conversion</h1>
<p class="as-of">${report.range.from.slice(0, 10)} – ${report.range.to.slice(0, 10)} · data as of ${report.asOf.replace('T', ' ').slice(0, 16)} UTC</p>
${form('/dashboard/paths', filters, [...labels.keys()], labels, stepsField)}
<p class="summary"><strong>${count(report.conversions)}</strong> ${report.by === 'account' ? 'accounts' : 'people'} converted (${conversionLabel(report.conversion, labels)}); the last ${steps} steps of each, repeats in a row counted once.</p>
<h2 id="flow">By channel</h2>
<div class="scroll">${flow(report.channels, steps)}</div>
${pathTable(report.channels, 'Channels')}
<h2>By entry page</h2>
${pathTable(report.pages, 'Pages')}`;
}
