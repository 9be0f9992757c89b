/** The stylesheet of an HTML report (inlined). */
export const REPORT_STYLES = `
:root { --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --soft: #f6f8fa; --accent: #0969da; --front: #1a7f37; --bad: #cf222e; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color: var(--fg); background: #fff; }
header.page { padding: 24px 32px 16px; border-bottom: 1px solid var(--line); background: var(--soft); }
header.page h1 { margin: 0 0 4px; font-size: 22px; }
header.page .meta { color: var(--muted); margin: 0; }
nav.toc { display: flex; flex-wrap: wrap; gap: 4px 16px; margin-top: 10px; font-size: 13px; }
nav.toc a { color: var(--accent); text-decoration: none; }
main { padding: 8px 32px 48px; max-width: 1480px; }
section { margin-top: 28px; }
h2 { font-size: 18px; margin: 0 0 6px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 14px; margin: 0 0 2px; }
p.lead { color: var(--muted); margin: 4px 0 12px; max-width: 960px; }
.glance { display: grid; grid-template-columns: repeat(auto-fit, minmax(220px, 1fr)); gap: 12px; }
.card { border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; background: #fff; }
.card .k { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .04em; }
.card .v { font-size: 15px; font-weight: 600; margin-top: 2px; overflow-wrap: anywhere; }
.card .s { color: var(--muted); font-size: 12px; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 6px; }
.chip { display: inline-block; border-radius: 999px; padding: 1px 10px; font-size: 12px; background: #dafbe1; color: #116329; border: 1px solid #aceebb; overflow-wrap: anywhere; }
.chart-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(560px, 1fr)); gap: 16px; }
figure.chart { margin: 0; border: 1px solid var(--line); border-radius: 8px; padding: 12px 12px 6px; background: #fff; min-width: 0; overflow-x: auto; }
figure.chart.wide { grid-column: 1 / -1; }
figure.chart figcaption { margin-bottom: 4px; }
figure.chart figcaption p { margin: 0; color: var(--muted); font-size: 12px; }
.chart-body { min-height: 60px; }
.table-wrap { overflow-x: auto; border: 1px solid var(--line); border-radius: 8px; }
table { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; border-bottom: 1px solid #eef0f2; text-align: left; vertical-align: top; }
th { background: var(--soft); font-weight: 600; white-space: nowrap; position: sticky; top: 0; }
table.sortable th { cursor: pointer; user-select: none; }
table.sortable th::after { content: ' ↕'; color: #afb8c1; font-weight: 400; }
table.sortable th[aria-sort=ascending]::after { content: ' ▲'; color: var(--accent); }
table.sortable th[aria-sort=descending]::after { content: ' ▼'; color: var(--accent); }
td.num { text-align: right; white-space: nowrap; }
td .ci { display: block; color: var(--muted); font-size: 11px; }
tr.on-front td { background: #f0fff4; }
tr.on-front td.front { color: var(--front); font-weight: 600; }
td.label { min-width: 220px; max-width: 360px; overflow-wrap: anywhere; }
.tag { display: inline-block; border-radius: 4px; padding: 0 6px; font-size: 12px; background: #fbefff; color: #8250df; border: 1px solid #e6d2ff; }
table.cascade-sweep, #composite-table { margin-bottom: 4px; }
#composite-table td[rowspan] { background: #fff; border-right: 1px solid #eef0f2; }
.status-errored { color: var(--bad); font-weight: 600; }
.status-skipped { color: var(--muted); font-weight: 600; }
pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; overflow-x: auto; font-size: 12px; white-space: pre-wrap; overflow-wrap: anywhere; }
details { margin: 6px 0; }
details summary { cursor: pointer; }
ul.notes { color: var(--muted); margin: 6px 0; padding-left: 20px; }
.medal { white-space: nowrap; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; margin: 0 2px 0 6px; vertical-align: -1px; }
.dot.gold { background: #d4a72c; } .dot.silver { background: #afb8c1; } .dot.bronze { background: #bc6c25; }
footer { color: var(--muted); font-size: 12px; padding: 16px 32px 32px; border-top: 1px solid var(--line); }
`;
