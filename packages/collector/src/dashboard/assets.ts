/**
 * The dashboard's one stylesheet, served by the collector (no CDN; every runtime, no file system).
 * Colours meet WCAG AA contrast on their backgrounds; the heat scale darkens with volume and its
 * darker half switches to white text.
 */
export const stylesheet = `
:root { color-scheme: light; --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --accent: #0a56c2; --bg: #f6f8fa; --bad: #a40e26; }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, -apple-system, "Segoe UI", "Hiragino Sans", "Noto Sans JP", sans-serif; color: var(--ink); background: #fff; }
a { color: var(--accent); }
a.skip { position: absolute; left: -999px; top: .5rem; padding: .5rem 1rem; background: #fff; color: var(--accent); z-index: 1; }
a.skip:focus { left: .5rem; }
main:focus { outline: none; }
:focus-visible { outline: 3px solid #f5a623; outline-offset: 2px; }
header.top { display: flex; flex-wrap: wrap; align-items: center; gap: .5rem 1.5rem; padding: .75rem 1.25rem; background: #12263f; color: #fff; }
header.top a { color: #fff; text-decoration: none; }
header.top .brand { font-weight: 700; font-size: 1.1rem; }
header.top nav ul { display: flex; flex-wrap: wrap; gap: .25rem 1rem; list-style: none; margin: 0; padding: 0; }
header.top nav a[aria-current="page"] { text-decoration: underline; text-underline-offset: 4px; }
header.top form { margin-left: auto; }
header.top button { background: transparent; color: #fff; border: 1px solid #fff; border-radius: 4px; padding: .25rem .75rem; font: inherit; cursor: pointer; }
main { max-width: 1200px; margin: 0 auto; padding: 1rem 1.25rem 3rem; }
h1 { font-size: 1.5rem; margin: .5rem 0 1rem; }
h2 { font-size: 1.2rem; margin: 2rem 0 .75rem; }
.as-of { color: var(--muted); font-size: .875rem; }
form.filters { display: flex; flex-wrap: wrap; gap: .75rem 1rem; align-items: flex-end; padding: .75rem 1rem; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; }
form.filters .field, form.sign-in .field { display: flex; flex-direction: column; gap: .2rem; }
form.filters label, form.sign-in label { font-size: .875rem; color: var(--muted); }
input, select { font: inherit; color: var(--ink); padding: .35rem .5rem; border: 1px solid #8c959f; border-radius: 4px; background: #fff; min-width: 8rem; }
button.primary { font: inherit; padding: .4rem 1rem; border: 0; border-radius: 4px; background: var(--accent); color: #fff; cursor: pointer; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
th, td { padding: .4rem .6rem; border: 1px solid var(--line); text-align: right; vertical-align: top; }
th { background: var(--bg); }
th[scope="row"], td.text, thead th:first-child { text-align: left; }
td small, th small { display: block; color: inherit; opacity: .85; font-weight: 400; }
.heat-0 { background: #fff; }
.heat-1 { background: #e3eefc; }
.heat-2 { background: #bcd6f8; }
.heat-3 { background: #6fa3ea; }
.heat-4 { background: #2f6fce; color: #fff; }
.heat-5 { background: #123f86; color: #fff; }
.funnel svg, svg.bars { display: block; width: 100%; max-width: 720px; height: auto; }
svg.bars .bar { fill: #2f6fce; }
svg.bars .label, svg.bars .value { font-size: 13px; fill: var(--ink); }
svg.flow { display: block; width: 100%; min-width: 640px; height: auto; }
svg.flow .link { fill: none; stroke: #6fa3ea; stroke-opacity: .5; }
svg.flow .node { fill: #123f86; }
svg.flow .node-label { font-size: 12px; fill: var(--ink); }
details { margin: .5rem 0 1rem; }
fieldset { border: 1px solid var(--line); border-radius: 4px; display: flex; flex-wrap: wrap; gap: .25rem 1rem; }
fieldset label { color: var(--ink); }
section.webhook { border-top: 1px solid var(--line); margin-top: 1.5rem; }
tr[data-status="dead"] td { color: var(--bad); }
.funnel .bar { fill: #2f6fce; }
.funnel .label, .funnel .value { font-size: 13px; fill: var(--ink); }
.friction { color: var(--bad); }
ol.top-touchpoints { margin: 0; padding-left: 1.25rem; text-align: left; }
.sign-in { max-width: 24rem; margin: 4rem auto; padding: 1.5rem; border: 1px solid var(--line); border-radius: 8px; }
.sign-in form { display: flex; flex-direction: column; gap: 1rem; }
.error { color: var(--bad); font-weight: 600; }
.badge { display: inline-block; padding: 0 .45rem; border-radius: 999px; font-size: .8rem; line-height: 1.6; white-space: nowrap; }
.badge.stage { background: #ddf4e4; color: #0b4f26; }
.badge.channel { background: #e7ecf3; color: #1b1f24; }
nav.pager { display: flex; gap: 1rem; align-items: center; margin: 1rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: .25rem 1rem; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); gap: 1rem 2rem; }
ol.timeline { list-style: none; margin: 0; padding: 0; border-left: 3px solid var(--line); }
ol.timeline > li { position: relative; margin: 0 0 .9rem; padding-left: 1rem; }
ol.timeline > li::before { content: ""; position: absolute; left: -8px; top: .45rem; width: 13px; height: 13px; border-radius: 50%; background: #fff; border: 3px solid var(--accent); }
ol.timeline ul { margin: .25rem 0 0; padding-left: 1.1rem; }
.entered { font-weight: 600; color: #0b4f26; }
@media (max-width: 640px) { main { padding: .75rem; } th, td { padding: .3rem .4rem; font-size: .875rem; } header.top form { margin-left: 0; } }
`;
