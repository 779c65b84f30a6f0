// html.ts pieces that need no browser: labels that never overlap, tick steps, escaping. The page itself
// is checked in Chromium (test/drill/report-browser.test.ts).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { escapeHtml, placeLabels, tickStep } from '../../src/drill/html.js';

describe('drill html', () => {
  test('labels at the same time go on separate rows; far apart ones share a row', () => {
    const m = (phase: string, tMs: number) => ({ phase, label: phase, tMs, source: 'graceinit' as const });
    const { labels, rows } = placeLabels([m('SIGTERM', 0), m('delay', 0), m('SIGTERM to app', 1), m('load stops', 5000)], (t) => 60 + t * 0.15);
    assert.equal(rows, 3);
    assert.deepEqual(labels.map((l) => l.row), [0, 1, 2, 0]);
  });

  test('a label near the right edge is anchored at its end', () => {
    const { labels } = placeLabels([{ phase: 'exited', label: 'app exited (code 0)', tMs: 100, source: 'graceinit' }], () => 950);
    assert.equal(labels[0]!.anchorEnd, true);
  });

  test('about 6 to 12 ticks whatever the span', () => {
    for (const span of [500, 2300, 4000, 9000, 31_000, 200_000]) {
      const n = span / tickStep(span);
      assert.ok(n <= 12 && n >= 2, `${span}: ${n} ticks`);
    }
  });

  test('text is escaped', () => {
    assert.equal(escapeHtml(`<a href="x">'&'</a>`), '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
