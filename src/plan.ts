// Options -> the shutdown plan: what happens when, in the worst case, against the grace period.
// Used for the start-up warning, by the state machine for the kill timeout, and by --print-plan. Pure.
import { formatDuration } from './duration.js';
import { describeTarget } from './nacos.js';
import type { Options, PreStopStep } from './options.js';
import { MAX_TRIES } from './prestop/http.js';
import { signalName } from './signals.js';

/** graceinit kills before the kubelet does, so the kill is graceinit's and gets logged. */
export const KILL_HEADROOM_MS = 2000;
export const MIN_DERIVED_TIMEOUT_MS = 1000;

export interface PlanEntry {
  /** Worst-case time since the first SIGTERM. */
  atMs: number;
  phase: string;
  what: string;
}

export interface ShutdownPlan {
  /** What holds before any SIGTERM (the health endpoint). */
  preamble: string[];
  entries: PlanEntry[];
  /** Worst-case time of the SIGKILL to the child's group. */
  killAtMs: number;
  gracePeriodMs: number;
  /** Set when the worst case does not fit the grace period. */
  overrunMs: number;
  warnings: string[];
}

/** How long the app gets after the stop signal, sent `elapsedMs` after the first SIGTERM. */
export function killTimeoutMs(options: Pick<Options, 'timeoutMs' | 'gracePeriodMs'>, elapsedMs: number): number {
  if (options.timeoutMs !== undefined) return options.timeoutMs;
  return Math.max(MIN_DERIVED_TIMEOUT_MS, options.gracePeriodMs - elapsedMs - KILL_HEADROOM_MS);
}

export function describePreStop(step: PreStopStep): string {
  switch (step.kind) {
    case 'command':
      return step.command;
    case 'http':
      return `${step.method} ${step.url}${step.expect !== undefined ? ` expecting "${step.expect}"` : ''}, up to ${MAX_TRIES} tries`;
    case 'nacos':
      return step.target
        ? `Nacos: disable ${describeTarget(step.target)}`
        : 'Nacos: disable this instance (PUT /nacos/v1/ns/instance?...&enabled=false, from NACOS_* variables)';
  }
}

function describeHealth(options: Options): string[] {
  if (!options.health) return [];
  const { host, port } = options.health;
  const app = [options.readyUrl && `${options.readyUrl} answers 2xx`, options.readyTcp && `${options.readyTcp.host}:${options.readyTcp.port} accepts connections`]
    .filter(Boolean);
  return [`health endpoint http://${host.includes(':') ? `[${host}]` : host}:${port}: /livez 200 while the child runs; ` +
    `/readyz 200 while the child runs${app.length ? `, ${app.join(' and ')}` : ''} and no SIGTERM has come`];
}

export function buildPlan(options: Options): ShutdownPlan {
  const entries: PlanEntry[] = [];
  let at = 0;
  entries.push({ atMs: 0, phase: 'terminating', what: options.health
    ? 'SIGTERM received: /readyz answers 503 from now on'
    : 'SIGTERM received: readiness fails from now on' });
  options.preStops.forEach((step, i) => {
    entries.push({ atMs: at, phase: 'terminating',
      what: `pre-stop ${i + 1}/${options.preStops.length}: ${describePreStop(step)} (at most ${formatDuration(options.preStopTimeoutMs)})` });
    at += options.preStopTimeoutMs;
  });
  const preStopsMs = at;
  entries.push({ atMs: at, phase: 'delaying', what: `delay ${formatDuration(options.delayMs)} while the app keeps serving` });
  at += options.delayMs;
  const timeout = killTimeoutMs(options, at);
  entries.push({ atMs: at, phase: 'stopping',
    what: `send ${signalName(options.stopSignal)} to the ${options.forwardTo === 'group' ? 'child\'s process group' : 'child'}; wait up to ${formatDuration(timeout)}` +
      (options.timeoutMs === undefined ? ' (what remains of the grace period less 2s)' : '') });
  at += timeout;
  entries.push({ atMs: at, phase: 'killing', what: 'SIGKILL to the child\'s process group if it is still running' });
  entries.push({ atMs: options.gracePeriodMs, phase: 'grace period',
    what: 'the kubelet (or docker stop) sends SIGKILL to everything' });
  entries.sort((a, b) => a.atMs - b.atMs);

  const overrunMs = Math.max(0, at - options.gracePeriodMs);
  const warnings: string[] = [];
  if (overrunMs > 0) {
    const parts = [];
    if (options.preStops.length) parts.push(`pre-stops ${options.preStops.length}x${formatDuration(options.preStopTimeoutMs)} = ${formatDuration(preStopsMs)}`);
    parts.push(`delay ${formatDuration(options.delayMs)}`);
    parts.push(`timeout ${formatDuration(timeout)}${options.timeoutMs === undefined ? ' (minimum)' : ''}`);
    warnings.push(`the shutdown does not fit the grace period: ${parts.join(' + ')} = ${formatDuration(at)}, ` +
      `${formatDuration(overrunMs)} more than --grace-period ${formatDuration(options.gracePeriodMs)}; ` +
      'the kubelet may SIGKILL everything before graceinit is done');
  }
  return { preamble: describeHealth(options), entries, killAtMs: at, gracePeriodMs: options.gracePeriodMs, overrunMs, warnings };
}

export function renderPlan(plan: ShutdownPlan): string {
  const width = Math.max(...plan.entries.map((e) => formatDuration(e.atMs).length));
  const lines = plan.entries.map((e) => `  +${formatDuration(e.atMs).padEnd(width)}  ${e.phase.padEnd(12)} ${e.what}`);
  const verdict = plan.overrunMs > 0
    ? `does NOT fit: worst case ${formatDuration(plan.killAtMs)} exceeds the grace period by ${formatDuration(plan.overrunMs)}`
    : `fits: worst case ${formatDuration(plan.killAtMs)} within the grace period of ${formatDuration(plan.gracePeriodMs)}`;
  return [...plan.preamble, 'shutdown plan (worst case, from the first SIGTERM):', ...lines, verdict,
    `Kubernetes: terminationGracePeriodSeconds: ${Math.ceil(plan.gracePeriodMs / 1000)} (--grace-period)`, ''].join('\n');
}
