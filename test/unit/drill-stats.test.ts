// stats.ts: counts, percentiles, the failure window, 100 ms buckets and the verdict, from made-up runs.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { PhaseMarker } from '../../src/drill/events.js';
import type { Outcome, RequestRecord } from '../../src/drill/load.js';
import { computeStats, percentile, type RunData } from '../../src/drill/stats.js';

const SIGTERM = 10_000; // the drill clock at the SIGTERM

/** 10 req/100 ms from loadStart to loadStop, failing as `fail(t)` says (t relative to the SIGTERM). */
function run(options: { fail?: (t: number) => Outcome | undefined; markers?: PhaseMarker[]; latency?: (t: number) => number } = {}): RunData {
  const records: RequestRecord[] = [];
  for (let t = -1000; t < 1000; t += 10) {
    const outcome = options.fail?.(t) ?? 'ok';
    const lat = options.latency?.(t) ?? 2;
    records.push({ startMs: SIGTERM + t, endMs: SIGTERM + t + lat, outcome, status: outcome === 'ok' ? 200 : outcome === 'http5xx' ? 503 : undefined });
  }
  return {
    records, notSent: 0, loadStartMs: SIGTERM - 1000, loadStopMs: SIGTERM + 1000, sigtermMs: SIGTERM,
    targetRps: 100, concurrency: 16,
    markers: options.markers ?? [
      { phase: 'terminating', label: 'SIGTERM', tMs: 0, source: 'graceinit' },
      { phase: 'stopping', label: 'SIGTERM to app', tMs: 1500, source: 'graceinit' },
      { phase: 'exited', label: 'app exited (code 0)', tMs: 1510, source: 'graceinit' },
    ],
    appExit: { code: 0, signal: null, exitCode: 0 },
    graceinitExit: { code: 0, signal: null },
    killedByDrill: false,
  };
}

describe('drill stats', () => {
  test('percentile is nearest-rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    assert.equal(percentile(values, 50), 50);
    assert.equal(percentile(values, 99), 99);
    assert.equal(percentile([7], 99), 7);
    assert.equal(percentile([], 50), null);
  });

  test('a clean run passes: counts, rate, buckets, latency before and during', () => {
    const s = computeStats(run({ latency: (t) => (t < 0 ? 2 : 5) }));
    assert.equal(s.sent, 200);
    assert.equal(s.ok, 200);
    assert.equal(s.failed, 0);
    assert.equal(s.failureWindow, null);
    assert.equal(s.achievedRps, 100);
    assert.equal(s.buckets.length, 20);
    assert.deepEqual(s.buckets[0], { tMs: -1000, ok: 10, failed: 0 });
    assert.deepEqual(s.latency.before, { count: 100, p50Ms: 2, p99Ms: 2 });
    assert.deepEqual(s.latency.during, { count: 100, p50Ms: 5, p99Ms: 5 });
    assert.equal(s.pass, true);
    assert.deepEqual(s.reasons, []);
    assert.deepEqual(s.warnings, []);
  });

  test('failures: counted by kind, their window, their buckets, and the verdict says how many', () => {
    const s = computeStats(run({ fail: (t) => (t >= 200 && t < 400 ? 'refused' : t >= 400 && t < 450 ? 'http5xx' : undefined) }));
    assert.equal(s.failed, 25);
    assert.equal(s.byOutcome.refused, 20);
    assert.equal(s.byOutcome.http5xx, 5);
    assert.equal(s.sent, s.ok + s.failed);
    assert.deepEqual(s.failureWindow, { fromMs: 200, toMs: 440 });
    assert.deepEqual(s.buckets.find((b) => b.tMs === 200), { tMs: 200, ok: 0, failed: 10 });
    assert.deepEqual(s.buckets.find((b) => b.tMs === 400), { tMs: 400, ok: 5, failed: 5 });
    assert.equal(s.statuses['503'], 5);
    assert.equal(s.pass, false);
    assert.deepEqual(s.reasons, ['25 of 200 requests failed']);
    assert.equal(s.advice, undefined, 'these failures began before the stop signal (+1.5s): not the delay\'s fault');
  });

  test('failures from the stop signal on, while traffic still came, advise a longer --delay', () => {
    const markers = [{ phase: 'stopping', label: 'SIGTERM to app', tMs: 300, source: 'graceinit' as const }];
    const s = computeStats(run({ markers, fail: (t) => (t >= 300 ? 'refused' : undefined) }));
    assert.match(s.advice!, /^requests began to fail when the app got its stop signal \(0\.300s after SIGTERM\) while traffic still came \(until 1\.000s\): a --delay longer/);
  });

  test('a kill, an early exit, a drill kill and a slow load generator are each named', () => {
    const killed = computeStats(run({ markers: [{ phase: 'killing', label: 'SIGKILL', tMs: 3000, source: 'graceinit' }] }));
    assert.deepEqual(killed.reasons, ['the app did not exit by itself: graceinit had to SIGKILL it']);
    const early = computeStats({ ...run(), sigtermMs: undefined });
    assert.ok(early.reasons.includes('the app exited before the SIGTERM'));
    const hung = computeStats({ ...run(), killedByDrill: true, graceinitExit: undefined });
    assert.deepEqual(hung.reasons, ['graceinit did not exit within its grace period: the drill killed it']);
    const slow = computeStats({ ...run(), targetRps: 120, notSent: 3 });
    assert.equal(slow.pass, true, 'a warning, not a failure');
    assert.match(slow.warnings[0]!, /sent 100 req\/s, more than 5% under the 120 req\/s asked/);
    assert.match(slow.warnings[1]!, /3 requests were still waiting for one of the 16 slots/);
  });
});
