// The --report page: self-contained HTML (inline CSS and SVG, no script, nothing fetched) with, per run,
// the summary and a timeline chart: requests per 100 ms, ok vs failed, and a labelled marker for each
// phase. Markers and axis ticks carry data-phase / data-t-ms so their placement can be checked in a
// browser. Pure.
import type { PhaseMarker } from './events.js';
import { formatCompare, formatRun, seconds, type DrillReport, type RunResult } from './report.js';
import { BUCKET_MS } from './stats.js';

const WIDTH = 960;
const LEFT = 56;
const RIGHT = 24;
const PLOT_HEIGHT = 200;
const ROW_HEIGHT = 16;
const AXIS_HEIGHT = 34;
const CHAR_WIDTH = 6.6; // 11px sans-serif, a little generous so labels never touch

const COLORS: Record<string, string> = {
  terminating: '#c0392b', delaying: '#16a085', stopping: '#d35400', killing: '#7b0000', exited: '#6c3483',
  readiness: '#2e86c1', 'load-stop': '#566573',
};

function colorOf(phase: string): string {
  return COLORS[phase] ?? (phase.startsWith('pre-stop') ? '#2471a3' : '#34495e');
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** A round tick step giving about 6 to 12 ticks over `spanMs`. */
export function tickStep(spanMs: number): number {
  for (const step of [100, 200, 250, 500, 1000, 2000, 5000, 10_000, 20_000, 30_000, 60_000]) {
    if (spanMs / step <= 12) return step;
  }
  return 120_000;
}

interface PlacedLabel { marker: PhaseMarker; x: number; row: number; anchorEnd: boolean }

/** Labels on rows above the plot so none overlaps another: the first row with room, left to right. */
export function placeLabels(markers: readonly PhaseMarker[], xOf: (t: number) => number): { labels: PlacedLabel[]; rows: number } {
  const rowEnds: number[] = [];
  const labels: PlacedLabel[] = [];
  for (const marker of [...markers].sort((a, b) => a.tMs - b.tMs)) {
    const x = xOf(marker.tMs);
    const width = marker.label.length * CHAR_WIDTH + 6;
    const anchorEnd = x + width > WIDTH - 4;
    const [from, to] = anchorEnd ? [x - width, x] : [x, x + width];
    let row = rowEnds.findIndex((end) => end < from);
    if (row === -1) row = rowEnds.push(to) - 1;
    else rowEnds[row] = to;
    labels.push({ marker, x, row, anchorEnd });
  }
  return { labels, rows: Math.max(1, rowEnds.length) };
}

/** The time axis of a run: from its first bucket to just after its last bucket or marker. */
export function timeRange(run: RunResult): [number, number] {
  const s = run.stats;
  const t0 = s.buckets[0]?.tMs ?? Math.floor(s.loadFromMs / BUCKET_MS) * BUCKET_MS;
  const last = Math.max(s.loadToMs, ...s.markers.map((m) => m.tMs));
  return [t0, Math.ceil((last + 1) / BUCKET_MS) * BUCKET_MS];
}

export function renderChart(run: RunResult, range: [number, number] = timeRange(run)): string {
  const s = run.stats;
  const [t0, t1] = range;
  const plotWidth = WIDTH - LEFT - RIGHT;
  const xOf = (t: number): number => LEFT + ((t - t0) / (t1 - t0)) * plotWidth;
  const { labels, rows } = placeLabels(s.markers, xOf);
  const top = 8 + rows * ROW_HEIGHT;
  const bottom = top + PLOT_HEIGHT;
  const height = bottom + AXIS_HEIGHT;
  const maxCount = Math.max(1, ...s.buckets.map((b) => b.ok + b.failed));
  const yOf = (count: number): number => (count / maxCount) * PLOT_HEIGHT;
  const f = (n: number): string => n.toFixed(1);

  const bars = s.buckets.map((b) => {
    const x = xOf(b.tMs);
    const w = Math.max(1, xOf(b.tMs + BUCKET_MS) - x - 1);
    const okH = yOf(b.ok);
    const failH = yOf(b.failed);
    const title = `${seconds(b.tMs)}: ${b.ok} ok, ${b.failed} failed`;
    return `<g class="bucket" data-t-ms="${b.tMs}" data-ok="${b.ok}" data-failed="${b.failed}"><title>${title}</title>` +
      (b.ok ? `<rect class="ok" x="${f(x)}" y="${f(bottom - okH)}" width="${f(w)}" height="${f(okH)}"/>` : '') +
      (b.failed ? `<rect class="failed" x="${f(x)}" y="${f(bottom - okH - failH)}" width="${f(w)}" height="${f(failH)}"/>` : '') +
      '</g>';
  }).join('\n');

  const window = s.failureWindow
    ? `<rect class="failure-window" x="${f(xOf(s.failureWindow.fromMs))}" y="${top}" ` +
      `width="${f(Math.max(2, xOf(s.failureWindow.toMs + BUCKET_MS / 10) - xOf(s.failureWindow.fromMs)))}" height="${PLOT_HEIGHT}">` +
      `<title>requests failed from ${seconds(s.failureWindow.fromMs)} to ${seconds(s.failureWindow.toMs)}</title></rect>`
    : '';
  const step = tickStep(t1 - t0);
  const ticks: string[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) {
    const x = xOf(t);
    ticks.push(`<g class="tick" data-t-ms="${t}"><line x1="${f(x)}" x2="${f(x)}" y1="${bottom}" y2="${bottom + 5}"/>` +
      `<text x="${f(x)}" y="${bottom + 18}" text-anchor="middle">${t === 0 ? 'SIGTERM' : seconds(t).replace(/0+s$/, 's').replace(/\.s$/, 's')}</text></g>`);
  }

  const markers = labels.map(({ marker, x, row, anchorEnd }) => {
    const y = 8 + row * ROW_HEIGHT + 11;
    const color = colorOf(marker.phase);
    return `<g class="marker" data-phase="${escapeHtml(marker.phase)}" data-t-ms="${marker.tMs}" data-source="${marker.source}">` +
      `<title>${escapeHtml(`${marker.label} at ${seconds(marker.tMs)}`)}</title>` +
      `<line class="marker-line${marker.source === 'drill' ? ' drill' : ''}" x1="${f(x)}" x2="${f(x)}" y1="${y - 10}" y2="${bottom}" stroke="${color}"/>` +
      `<text class="marker-label" x="${f(anchorEnd ? x - 3 : x + 3)}" y="${y}" text-anchor="${anchorEnd ? 'end' : 'start'}" fill="${color}">${escapeHtml(marker.label)}</text></g>`;
  }).join('\n');

  return `<svg class="timeline" xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" ` +
    `data-t0-ms="${t0}" data-t1-ms="${t1}" data-x0="${LEFT}" data-x1="${WIDTH - RIGHT}" role="img" ` +
    `aria-label="requests per ${BUCKET_MS} ms, ok and failed, with the shutdown phases">
<rect class="plot" x="${LEFT}" y="${top}" width="${plotWidth}" height="${PLOT_HEIGHT}"/>
<text class="axis-label" x="${LEFT - 6}" y="${top + 10}" text-anchor="end">${maxCount}</text>
<text class="axis-label" x="${LEFT - 6}" y="${bottom}" text-anchor="end">0</text>
<text class="axis-label" x="12" y="${top + PLOT_HEIGHT / 2}" transform="rotate(-90 12 ${top + PLOT_HEIGHT / 2})" text-anchor="middle">req / ${BUCKET_MS} ms</text>
${window}
${bars}
<g class="axis"><line x1="${LEFT}" x2="${WIDTH - RIGHT}" y1="${bottom}" y2="${bottom}"/>
${ticks.join('\n')}</g>
${markers}
</svg>`;
}

function renderRun(run: RunResult, range: [number, number]): string {
  const s = run.stats;
  return `<section class="run ${s.pass ? 'pass' : 'fail'}" data-run="${run.name}">
<h2>${escapeHtml(run.title)}: <span class="verdict">${s.pass ? 'PASS' : 'FAIL'}</span></h2>
<p class="counts">sent <b>${s.sent}</b> · ok <b>${s.ok}</b> · failed <b class="failed-count">${s.failed}</b>` +
    ` (refused ${s.byOutcome.refused}, reset ${s.byOutcome.reset}, timeout ${s.byOutcome.timeout}, 5xx ${s.byOutcome.http5xx}, other ${s.byOutcome.error})</p>
<figure>${renderChart(run, range)}
<figcaption><span class="key ok"></span> ok <span class="key failed"></span> failed, requests by the time they were sent; ` +
    `vertical lines: when each phase began (time since SIGTERM)</figcaption></figure>
<details><summary>Full report</summary><pre>${escapeHtml(formatRun(run))}</pre></details>
</section>`;
}

export function renderHtml(report: DrillReport, generatedAt: string): string {
  // --compare: one time axis for every run, so the charts compare at a glance.
  const ranges = report.runs.map(timeRange);
  const range: [number, number] = [Math.min(...ranges.map((r) => r[0])), Math.max(...ranges.map((r) => r[1]))];
  const compare = report.runs.length > 1 ? `<pre class="compare">${escapeHtml(formatCompare(report.runs))}</pre>` : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>graceinit drill: ${report.verdict.toUpperCase()}</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #1b2631; max-width: 1000px; }
h1 { font-size: 20px; margin: 0 0 4px; } h2 { font-size: 16px; margin: 24px 0 4px; }
.pass .verdict, .verdict-pass { color: #1e8449; } .fail .verdict, .verdict-fail { color: #c0392b; }
.timeline { display: block; font: 11px sans-serif; }
.timeline .plot { fill: #fbfcfc; stroke: #d5d8dc; }
.timeline .failure-window { fill: #e74c3c; opacity: 0.08; }
.timeline .ok { fill: #52be80; } .timeline .failed { fill: #e74c3c; }
.timeline .axis line { stroke: #566573; } .timeline .tick text, .timeline .axis-label { fill: #566573; }
.timeline .marker-line { stroke-width: 1.5; } .timeline .marker-line.drill { stroke-dasharray: 4 3; }
.timeline .marker-label { font-weight: 600; }
figure { margin: 8px 0; } figcaption { color: #566573; font-size: 12px; }
.key { display: inline-block; width: 10px; height: 10px; margin-left: 8px; } .key.ok { background: #52be80; } .key.failed { background: #e74c3c; }
pre { background: #f4f6f7; padding: 8px; white-space: pre-wrap; font-size: 12px; }
</style></head>
<body>
<h1>graceinit drill: <span class="verdict-${report.verdict}">${report.verdict.toUpperCase()}</span></h1>
<p>A rehearsed Kubernetes termination: load before and after the SIGTERM, as load balancers keep routing to a terminating pod. Generated ${escapeHtml(generatedAt)}.</p>
${compare}
${report.runs.map((run) => renderRun(run, range)).join('\n')}
</body></html>
`;
}
