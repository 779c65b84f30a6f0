// The benchmark's pure modules (scripts/bench/*.mjs): statistics, targets, drill report parsing.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import test from 'node:test';
import { pathToFileURL } from 'node:url';

const ROOT = join(__dirname, '..', '..', '..');
// The bench is plain ESM outside the TypeScript build: loaded at run time, typed here by hand.
const load = (name: string): Promise<any> => import(pathToFileURL(join(ROOT, 'scripts', 'bench', name)).href);

test('quantile interpolates between order statistics; summarize ignores missing values', async () => {
  const { quantile, summarize } = await load('stats.mjs');
  assert.equal(quantile([4, 1, 3, 2], 0.5), 2.5);
  assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.1), 2);
  assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9), 10);
  assert.equal(quantile([7], 0.99), 7);
  assert.ok(Number.isNaN(quantile([], 0.5)));
  const s = summarize([10, NaN, 30, 20]);
  assert.equal(s.n, 3);
  assert.equal(s.p50, 20);
  assert.equal(s.min, 10);
  assert.equal(s.max, 30);
  assert.equal(s.mean, 20);
  assert.ok(Number.isNaN(summarize([]).p50));
});

test('roundOrder rotates the subjects so each one leads a round in turn', async () => {
  const { roundOrder } = await load('stats.mjs');
  const items = ['a', 'b', 'c'];
  assert.deepEqual(roundOrder(items, 0), ['a', 'b', 'c']);
  assert.deepEqual(roundOrder(items, 1), ['b', 'c', 'a']);
  assert.deepEqual(roundOrder(items, 5), ['c', 'a', 'b']);
  const leaders = new Set([0, 1, 2].map((r) => roundOrder(items, r)[0]));
  assert.equal(leaders.size, 3);
});

function sections(over: { gLat?: number; tLat?: number; zombies?: number; drain?: number; gStart?: number; nStart?: number;
  gAnon?: number; nAnon?: number; drill?: unknown } = {}): Record<string, unknown> {
  const sum = (p50: number, extra: Record<string, number> = {}) => ({ n: 5, p10: p50, p50, p90: p50, min: p50, max: p50, ...extra });
  return {
    latency: { rows: [{ id: 'graceinit', summary: sum(over.gLat ?? 14) }, { id: 'tini', summary: sum(over.tLat ?? 10) }] },
    reaping: { orphans: 10000, rows: [{ id: 'graceinit', zombiesLeftMax: over.zombies ?? 0, unfinished: 0, drain: sum(over.drain ?? 20, { max: 40 }) }] },
    startup: { rows: [{ id: 'graceinit', summary: sum(over.gStart ?? 66) }, { id: 'node', summary: sum(over.nStart ?? 50) }] },
    memory: { rows: [{ id: 'graceinit', anon: sum(over.gAnon ?? 9) }, { id: 'node', anon: sum(over.nAnon ?? 6) }] },
    drill: over.drill ?? { skipped: 'graceinit drill not available in this checkout' },
  };
}

test('targets are judged from ratios of the same run, and unmeasured ones are not called met', async () => {
  const { judgeTargets } = await load('targets.mjs');
  const byName = (list: Array<{ name: string; met?: boolean; measured: string }>, prefix: string) => list.find((t) => t.name.startsWith(prefix))!;
  const good = judgeTargets(sections());
  assert.equal(byName(good, 'signal latency').met, true); // 14 / 10 = 1.4 <= 1.5
  assert.match(byName(good, 'signal latency').measured, /1\.40×/);
  assert.equal(byName(good, 'zombies left').met, true);
  assert.equal(byName(good, 'reap time').met, true);
  assert.equal(byName(good, 'start-up').met, false); // 66 / 50 = 1.32 > 1.2
  assert.equal(byName(good, 'private memory').met, false); // 1.5 > 1.3
  assert.equal(byName(good, 'drill').met, undefined);
  assert.match(byName(good, 'drill').measured, /not available/);

  const bad = judgeTargets(sections({ gLat: 16, zombies: 3, drain: 150, gStart: 55, gAnon: 7 }));
  assert.equal(byName(bad, 'signal latency').met, false);
  assert.equal(byName(bad, 'zombies left').met, false);
  assert.equal(byName(bad, 'reap time').met, false);
  assert.equal(byName(bad, 'start-up').met, true);
  assert.equal(byName(bad, 'private memory').met, true);

  const drilled = judgeTargets(sections({ drill: { rounds: 3, rows: [{ id: 'graceinit-delay', failedTotal: 0, sentTotal: 900 }] } }));
  assert.equal(byName(drilled, 'drill').met, true);
  assert.match(byName(drilled, 'drill').measured, /0 of 900/);
});

test('drill counts are read from the run with the given options, or from a flatter report', async () => {
  const { drillCounts } = await load('drill.mjs');
  const report = { verdict: 'fail', exitCode: 1, runs: [
    { name: 'plain', stats: { sent: 600, ok: 300, failed: 300 } },
    { name: 'given', stats: { sent: 601, ok: 401, failed: 200, byOutcome: { refused: 200 } } },
  ] };
  assert.deepEqual(drillCounts(report), { sent: 601, ok: 401, failed: 200 });
  assert.deepEqual(drillCounts({ runs: [{ name: 'x', stats: { sent: 5, ok: 5, failed: 0 } }] }), { sent: 5, ok: 5, failed: 0 });
  assert.deepEqual(drillCounts({ sent: 600, ok: 580, failed: 20 }), { sent: 600, ok: 580, failed: 20 });
  assert.deepEqual(drillCounts({ requests: { sent: 10, ok: 10, failed: { total: 0, refused: 0 } } }), { sent: 10, ok: 10, failed: 0 });
  const missing = drillCounts({ verdict: 'pass' });
  assert.ok(Number.isNaN(missing.failed));
});
