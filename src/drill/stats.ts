// What one drill run measured -> counts, latency percentiles, the failure window, the timeline in
// 100 ms buckets and the verdict. Pure: every time is given, relative to the drill's SIGTERM.
import type { AppExit, PhaseMarker } from './events.js';
import { FAILURES, type Outcome, type RequestRecord } from './load.js';

export const BUCKET_MS = 100;
/** Below this share of the target rate the load generator, not the app, set the pace. */
export const RATE_TOLERANCE = 0.05;

export interface RunData {
  /** Request times are on the drill's clock; sigtermMs is the same clock's reading at the SIGTERM. */
  records: readonly RequestRecord[];
  notSent: number;
  loadStartMs: number;
  loadStopMs: number;
  /** Undefined when the SIGTERM was never sent (the app died during the warm-up). */
  sigtermMs: number | undefined;
  targetRps: number;
  concurrency: number;
  markers: readonly PhaseMarker[];
  appExit: AppExit | undefined;
  /** graceinit's exit as the drill saw it. */
  graceinitExit: { code: number | null; signal: string | null } | undefined;
  /** The drill had to kill graceinit: it did not exit within its grace period. */
  killedByDrill: boolean;
}

export interface Latency {
  count: number;
  p50Ms: number | null;
  p99Ms: number | null;
}

export interface Bucket {
  /** Start of the bucket, ms since the SIGTERM. */
  tMs: number;
  ok: number;
  failed: number;
}

export interface RunStats {
  sent: number;
  ok: number;
  failed: number;
  byOutcome: Record<Outcome, number>;
  notSent: number;
  /** HTTP status -> count, for every answer. */
  statuses: Record<string, number>;
  targetRps: number;
  achievedRps: number;
  /** Ms since the SIGTERM of the first and last failed request's start; null when none failed. */
  failureWindow: { fromMs: number; toMs: number } | null;
  latency: { before: Latency; during: Latency };
  loadFromMs: number;
  loadToMs: number;
  buckets: Bucket[];
  markers: PhaseMarker[];
  killed: boolean;
  appExit: AppExit | undefined;
  graceinitExit: { code: number | null; signal: string | null } | undefined;
  pass: boolean;
  reasons: string[];
  warnings: string[];
  /** What would likely fix a failure, when the timeline shows it. */
  advice: string | undefined;
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

function latency(records: readonly RequestRecord[]): Latency {
  const sorted = records.filter((r) => r.outcome === 'ok').map((r) => r.endMs - r.startMs).sort((a, b) => a - b);
  const round = (v: number | null): number | null => (v === null ? null : Math.round(v * 10) / 10);
  return { count: sorted.length, p50Ms: round(percentile(sorted, 50)), p99Ms: round(percentile(sorted, 99)) };
}

export function computeStats(data: RunData): RunStats {
  // Without a SIGTERM (the app died early) the timeline is relative to the end of the load instead.
  const origin = data.sigtermMs ?? data.loadStopMs;
  const rel = (ms: number): number => Math.round(ms - origin);
  const byOutcome = { ok: 0, refused: 0, reset: 0, timeout: 0, http5xx: 0, error: 0 } satisfies Record<Outcome, number>;
  const statuses: Record<string, number> = {};
  for (const r of data.records) {
    byOutcome[r.outcome]++;
    if (r.status !== undefined) statuses[r.status] = (statuses[r.status] ?? 0) + 1;
  }
  const sent = data.records.length;
  const failed = FAILURES.reduce((sum, o) => sum + byOutcome[o], 0);
  const failedStarts = data.records.filter((r) => r.outcome !== 'ok').map((r) => rel(r.startMs));
  const failureWindow = failedStarts.length === 0 ? null
    : { fromMs: Math.min(...failedStarts), toMs: Math.max(...failedStarts) };

  const loadFromMs = rel(data.loadStartMs);
  const loadToMs = rel(data.loadStopMs);
  const buckets: Bucket[] = [];
  const first = Math.floor(loadFromMs / BUCKET_MS) * BUCKET_MS;
  for (let t = first; t < loadToMs; t += BUCKET_MS) buckets.push({ tMs: t, ok: 0, failed: 0 });
  for (const r of data.records) {
    const index = Math.floor((rel(r.startMs) - first) / BUCKET_MS);
    const bucket = buckets[Math.min(Math.max(index, 0), buckets.length - 1)];
    if (!bucket) continue;
    if (r.outcome === 'ok') bucket.ok++;
    else bucket.failed++;
  }

  const seconds = (data.loadStopMs - data.loadStartMs) / 1000;
  const achievedRps = seconds > 0 ? Math.round((sent / seconds) * 10) / 10 : 0;
  const killed = data.markers.some((m) => m.phase === 'killing');

  const reasons: string[] = [];
  if (failed > 0) reasons.push(`${failed} of ${sent} requests failed`);
  if (killed) reasons.push('the app did not exit by itself: graceinit had to SIGKILL it');
  if (data.sigtermMs === undefined) reasons.push('the app exited before the SIGTERM');
  else if (data.appExit && data.markers.some((m) => m.phase === 'exited' && m.tMs < 0)) reasons.push('the app exited before the SIGTERM');
  if (data.killedByDrill) reasons.push('graceinit did not exit within its grace period: the drill killed it');
  else if (!data.graceinitExit) reasons.push('graceinit did not exit');
  if (sent === 0) reasons.push('no request was sent');

  const warnings: string[] = [];
  if (achievedRps < data.targetRps * (1 - RATE_TOLERANCE)) {
    warnings.push(`the load generator sent ${achievedRps} req/s, more than ${RATE_TOLERANCE * 100}% under the ${data.targetRps} req/s asked: ` +
      'lower --rps, or raise --concurrency if requests were not sent');
  }
  if (data.notSent > 0) {
    warnings.push(`${data.notSent} requests were still waiting for one of the ${data.concurrency} slots when the load stopped, and were not sent (--concurrency)`);
  }
  const notOk2xx = Object.entries(statuses).filter(([s]) => Number(s) >= 300 && Number(s) < 500).reduce((sum, [, n]) => sum + n, 0);
  if (notOk2xx > 0) warnings.push(`${notOk2xx} answers were 3xx/4xx (counted as answered): is --target the right URL?`);

  const stopAt = data.markers.find((m) => m.phase === 'stopping')?.tMs;
  let advice: string | undefined;
  if (failureWindow && stopAt !== undefined && failureWindow.fromMs >= stopAt - BUCKET_MS / 2 && stopAt < loadToMs) {
    advice = `requests began to fail when the app got its stop signal (${(stopAt / 1000).toFixed(3)}s after SIGTERM) while ` +
      `traffic still came (until ${(loadToMs / 1000).toFixed(3)}s): a --delay longer than the load balancers' lag (--lag) keeps the app serving until then`;
  }

  return {
    sent, ok: byOutcome.ok, failed, byOutcome, notSent: data.notSent, statuses,
    targetRps: data.targetRps, achievedRps, failureWindow,
    latency: {
      before: latency(data.records.filter((r) => data.sigtermMs === undefined || r.startMs < data.sigtermMs)),
      during: latency(data.records.filter((r) => data.sigtermMs !== undefined && r.startMs >= data.sigtermMs)),
    },
    loadFromMs, loadToMs, buckets,
    markers: [...data.markers].sort((a, b) => a.tMs - b.tMs),
    killed, appExit: data.appExit, graceinitExit: data.graceinitExit,
    pass: reasons.length === 0, reasons, warnings, advice,
  };
}
