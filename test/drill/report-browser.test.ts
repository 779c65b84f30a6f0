// The --report page in a real browser (Debian's Chromium): it renders without console errors, each run's
// chart has one visible, labelled marker per phase that happened, placed where its time falls on the
// chart's own axis (DOM geometry, not the file's text), and its bars hold every request.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { ensureChromium, launch } from '../helpers/browser.js';
import { SERVER, freePort, startDrill, tempDir } from '../helpers/drill.js';
import { ROOT } from '../helpers/ns.js';

interface Geometry {
  name: string;
  ticks: Array<{ t: number; x: number }>;
  plot: { left: number; right: number };
  markers: Array<{ phase: string; t: number; label: string; x: number; visible: boolean;
    labelBox: { left: number; right: number; top: number; bottom: number; width: number } }>;
  ok: number;
  failed: number;
  failedRects: number;
}

/**
 * Reads the charts' geometry from the DOM as the browser laid it out. In-page code, kept as a string:
 * the project compiles without the DOM's types.
 */
const MEASURE = `(() => {
  const box = (el) => el.getBoundingClientRect();
  const center = (el) => { const r = box(el); return r.left + r.width / 2; };
  const styled = (el) => { const s = getComputedStyle(el); return s.visibility !== 'hidden' && s.display !== 'none' && Number(s.opacity) > 0; };
  // A vertical line's box has no width: it is visible when it has height.
  const lineVisible = (el) => box(el).height > 0 && styled(el);
  const visible = (el) => box(el).width > 0 && box(el).height > 0 && styled(el);
  return [...document.querySelectorAll('section.run')].map((section) => {
    const svg = section.querySelector('svg.timeline');
    const plot = box(svg.querySelector('rect.plot'));
    const buckets = [...svg.querySelectorAll('g.bucket')];
    return {
      name: section.dataset.run,
      ticks: [...svg.querySelectorAll('g.tick')].map((g) => ({ t: Number(g.dataset.tMs), x: center(g.querySelector('line')) })),
      plot: { left: plot.left, right: plot.right },
      markers: [...svg.querySelectorAll('g.marker')].map((g) => {
        const text = g.querySelector('text.marker-label');
        const line = g.querySelector('line.marker-line');
        const r = box(text);
        return {
          phase: g.dataset.phase, t: Number(g.dataset.tMs), label: text.textContent, x: center(line),
          visible: lineVisible(line) && visible(text),
          labelBox: { left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width },
        };
      }),
      ok: buckets.reduce((n, g) => n + Number(g.dataset.ok), 0),
      failed: buckets.reduce((n, g) => n + Number(g.dataset.failed), 0),
      failedRects: [...svg.querySelectorAll('rect.failed')].filter(visible).length,
    };
  });
})()`;

describe('drill HTML report in Chromium', () => {
  let browser: Awaited<ReturnType<typeof launch>>;
  before(async () => {
    ensureChromium();
    browser = await launch();
  }, { timeout: 600_000 });
  after(async () => { await browser?.close(); });

  test('markers per phase, at their time on the axis, labelled; bars hold every request; no console error', async (t) => {
    const dir = tempDir(t, 'drill-report-');
    const file = join(dir, 'report.html');
    const port = await freePort();
    const run = startDrill(t, ['--compare', '--warmup', '1s', '--lag', '0.8s', '--delay', '1', '--pre-stop', 'sleep 0.2',
      '--json', '--report', file, '--', 'node', SERVER], port);
    assert.equal((await run.exited).code, 0, run.stderr);
    const json = run.json();

    const page = await browser.context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
    page.on('pageerror', (e) => errors.push(e.message));
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    await page.goto(pathToFileURL(file).href);
    assert.match(await page.title(), /^graceinit drill: PASS$/);
    const charts = await page.evaluate<Geometry[]>(MEASURE);
    await page.screenshot({ path: join(ROOT, 'dist', 'drill-report-test.png'), fullPage: true });

    assert.deepEqual(charts.map((c) => c.name), ['given', 'plain']);
    for (const [i, chart] of charts.entries()) {
      const stats = json.runs[i]!.stats;
      // One marker per phase the drill reported, none else, each with its label and time.
      assert.deepEqual(chart.markers.map((m) => [m.phase, m.label, m.t]).sort(),
        stats.markers.map((m) => [m.phase, m.label, m.tMs]).sort(), chart.name);
      const expected = ['terminating', 'delaying', 'stopping', 'exited', 'load-stop',
        ...(chart.name === 'given' ? ['pre-stop-1-start', 'pre-stop-1-end'] : [])];
      assert.deepEqual(chart.markers.map((m) => m.phase).sort(), expected.sort(), chart.name);

      // The axis: ticks left to right in time order; the marker sits where its time falls between them.
      assert.ok(chart.ticks.length >= 3, `${chart.ticks.length} ticks`);
      const [a, b] = [chart.ticks[0]!, chart.ticks.at(-1)!];
      const xAt = (tMs: number): number => a.x + ((tMs - a.t) * (b.x - a.x)) / (b.t - a.t);
      for (const tick of chart.ticks) assert.ok(Math.abs(tick.x - xAt(tick.t)) < 1, `tick ${tick.t} is on a linear axis`);
      for (const m of chart.markers) {
        assert.ok(m.visible, `${chart.name} ${m.phase} is visible`);
        assert.ok(Math.abs(m.x - xAt(m.t)) <= 1.5, `${chart.name} ${m.phase} at x=${m.x}, expected ${xAt(m.t)}`);
        assert.ok(m.x >= chart.plot.left - 0.5 && m.x <= chart.plot.right + 0.5, `${m.phase} inside the plot`);
        // Its label starts or ends at its line.
        assert.ok(Math.min(Math.abs(m.labelBox.left - m.x), Math.abs(m.labelBox.right - m.x)) <= 6, `${m.phase} label by its line`);
      }
      // Labels never cover one another.
      for (const p of chart.markers) {
        for (const q of chart.markers) {
          if (p === q) continue;
          const overlap = p.labelBox.left < q.labelBox.right && q.labelBox.left < p.labelBox.right &&
            p.labelBox.top < q.labelBox.bottom && q.labelBox.top < p.labelBox.bottom;
          assert.ok(!overlap, `${chart.name}: labels "${p.label}" and "${q.label}" overlap`);
        }
      }
      // Times that must come in this order also do on screen.
      const x = (phase: string): number => chart.markers.find((m) => m.phase === phase)!.x;
      assert.ok(x('terminating') <= x('stopping') && x('stopping') <= x('exited'));
      assert.equal(chart.ok, stats.ok);
      assert.equal(chart.failed, stats.failed);
    }
    assert.equal(charts[0]!.failedRects, 0, 'no failed bar with the delay');
    assert.ok(charts[1]!.failedRects > 0, 'failed bars without it');
    // The stop signal comes a second later with the delay and the pre-stop.
    const stop = (c: number): number => charts[c]!.markers.find((m) => m.phase === 'stopping')!.t;
    assert.ok(stop(0) - stop(1) > 1000, `${stop(0)} vs ${stop(1)}`);
    assert.deepEqual(errors, []);
    assert.deepEqual(requests.filter((u) => !u.startsWith('file:')), [], 'self-contained: nothing fetched');
  });
});
