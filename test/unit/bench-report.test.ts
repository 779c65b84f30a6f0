// The benchmark's output: the SVG chart and the markdown report (scripts/bench/svg.mjs, report.mjs).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import test from 'node:test';
import { pathToFileURL } from 'node:url';

const ROOT = join(__dirname, '..', '..', '..');
const load = (name: string): Promise<any> => import(pathToFileURL(join(ROOT, 'scripts', 'bench', name)).href);

test('niceMax rounds an axis up to 1, 2, 2.5 or 5 times a power of ten', async () => {
  const { niceMax } = await load('svg.mjs');
  assert.equal(niceMax(68), 100);
  assert.equal(niceMax(9.1), 10);
  assert.equal(niceMax(2.2), 2.5);
  assert.equal(niceMax(0.03), 0.05);
  assert.equal(niceMax(150), 200);
  assert.equal(niceMax(0), 1);
});

test('the chart draws one bar per measured value, to scale, with whiskers and escaped labels', async () => {
  const { renderChart } = await load('svg.mjs');
  const svg: string = renderChart({
    title: 'A & B',
    panels: [
      { title: 'Start-up: <init> -- true', unit: 'ms', bars: [
        { label: 'node -e 0', value: 50, low: 45, high: 60, kind: 'baseline' },
        { label: 'graceinit', value: 25, kind: 'graceinit' },
        { label: 'missing', value: NaN },
      ] },
      { title: 'Memory', unit: 'MB', bars: [{ label: 'tini', value: 0.1, kind: 'peer' }] },
    ],
  });
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.match(svg, /<\/svg>\n$/);
  const bars = [...svg.matchAll(/<rect class="bar" data-value="([^"]+)"[^>]* width="([\d.]+)"/g)];
  assert.equal(bars.length, 3, 'NaN draws no bar');
  const width = (value: string) => Number(bars.find((b) => b[1] === value)![2]);
  assert.ok(Math.abs(width('50') / width('25') - 2) < 0.01, 'bars are to scale within a panel');
  assert.equal((svg.match(/class="whisker"/g) ?? []).length, 1);
  assert.match(svg, /Start-up: &lt;init&gt; -- true/);
  assert.match(svg, /A &amp; B/);
  assert.doesNotMatch(svg, /<init>/);
  assert.match(svg, />n\/a</);
  assert.equal((svg.match(/<text/g) ?? []).length, (svg.match(/<\/text>/g) ?? []).length);
});

test('a whisker far beyond the bars is cut at the axis end so the bars keep their scale', async () => {
  const { renderChart } = await load('svg.mjs');
  const svg: string = renderChart({ title: 't', panels: [{ title: 'latency', unit: 'µs', bars: [
    { label: 'a', value: 40, low: 30, high: 900 },
    { label: 'b', value: 20, low: 15, high: 30 },
  ] }] });
  assert.match(svg, /class="whisker cut"/);
  assert.equal((svg.match(/class="whisker"/g) ?? []).length, 1);
  // The axis ends at 50 (nice above 40), so the bar of 40 spans 4/5 of the plot width.
  assert.match(svg, />50<\/text>/);
  const width = Number(/data-value="40"[^>]* width="([\d.]+)"/.exec(svg)![1]);
  assert.ok(Math.abs(width / 420 - 0.8) < 0.01, `bar width ${width}`);
});

test('displayCommand writes commands as a reader would type them', async () => {
  const { displayCommand } = await load('report.mjs');
  const opts = { root: '/repo', node: '/usr/bin/node' };
  assert.equal(displayCommand(['/usr/bin/node', '/repo/bin/graceinit', '--', 'true'], opts), 'node bin/graceinit -- true');
  assert.equal(displayCommand(['/usr/bin/node', '-e', 'setInterval(() => {}, 1 << 30)'], opts), "node -e 'setInterval(() => {}, 1 << 30)'");
});

test('the report says which rows were skipped and why, and marks missed targets', async () => {
  const { renderMarkdown } = await load('report.mjs');
  const sum = (p50: number) => ({ n: 3, p10: p50, p25: p50, p50, p75: p50, p90: p50, p99: p50, min: p50, max: p50 });
  const md: string = renderMarkdown({
    date: '2026-01-01T00:00:00Z', durationS: 90, commandLine: 'npm run bench',
    machine: { cpu: 'Test CPU', nproc: 2, kernel: 'Linux 6', memGiB: 4, os: 'Debian', node: 'v20', loadStart: 0.5 },
    subjects: [{ id: 'graceinit', label: 'graceinit', version: '0.1.0' }],
    errors: { memory: 'no PID namespace available' },
    sections: {
      startup: { rounds: 3, warmup: 1, rows: [
        { id: 'node', label: 'node -e 0', cmd: 'node -e 0', summary: sum(50), vsNode: 1, overheadMs: 49 },
        { id: 'graceinit', label: 'graceinit', cmd: 'node bin/graceinit -- true', summary: sum(70), vsNode: 1.4, overheadMs: 69 },
      ] },
      drill: { skipped: 'graceinit drill not available in this checkout' },
    },
  });
  assert.match(md, /CPU \| Test CPU \(nproc 2\)/);
  assert.match(md, /\| graceinit \| `node bin\/graceinit -- true` \| 70\.0 \| 70\.0–70\.0 \| 1\.40× \|/);
  assert.match(md, /start-up, bin\/graceinit \| ≤ 1\.2× node -e 0 \| 70\.0 ms vs 50\.0 ms = 1\.40× \| \*\*no\*\*/);
  assert.match(md, /## 2\. Memory[^#]*Not measured in this run: no PID namespace available/);
  assert.match(md, /## 3\. Signal[^#]*not selected/);
  assert.match(md, /row 6 skipped: graceinit drill not available in this checkout/);
});

test('the README headline is rebuilt between its markers and nowhere else', async () => {
  const { renderHeadline, replaceBetweenMarkers } = await load('report.mjs');
  const sum = (p50: number) => ({ n: 3, p10: p50, p50, p90: p50, min: p50, max: p50 });
  const headline: string = renderHeadline({
    date: '2026-01-01T00:00:00Z', machine: { cpu: 'Test CPU', nproc: 2 },
    sections: {
      latency: { rows: [{ id: 'graceinit', summary: sum(30), vsTini: 1.5 }, { id: 'floor', summary: sum(28), vsTini: 1.4 }] },
      reaping: { orphans: 10000, rows: [{ id: 'graceinit', kind: 'graceinit', zombiesLeftMax: 0, drain: sum(12) },
        { id: 'tini', label: 'tini', kind: 'peer', zombiesLeftMax: 0, drain: sum(40) }] },
      drill: { skipped: 'graceinit drill not available in this checkout' },
    },
  });
  assert.match(headline, /p50 30 µs, 1\.50× tini's \(a bare Node process that only passes signals on: 1\.40×\)/);
  assert.match(headline, /Reaping 10000 orphans as PID 1: 0 zombies left; last exit → none left 12\.0 ms median \(tini 40\.0 ms\)/);
  assert.match(headline, /drill: not measured in this run \(graceinit drill not available/);
  assert.doesNotMatch(headline, /Start-up/, 'rows not measured are not quoted');

  const readme = '# x\n## Benchmarks\n<!-- bench:start -->\nold\n<!-- bench:end -->\nrest\n';
  assert.equal(replaceBetweenMarkers(readme, 'new'), '# x\n## Benchmarks\n<!-- bench:start -->\nnew\n<!-- bench:end -->\nrest\n');
  assert.equal(replaceBetweenMarkers('no markers', 'new'), 'no markers');
});
