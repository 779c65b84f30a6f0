// Debug aid for leak hunting (the soak, scripts/soak.mjs): with GRACEINIT_DEBUG_RESOURCES_MS=<ms> set,
// graceinit logs one `resources` line every <ms> with Node's active resources by type (handles and
// requests), its RSS and heap. Off unless the variable is set. It is a variable, not an option, and not
// a signal: every signal graceinit receives belongs to the app (it is forwarded).
import { UsageError } from './cli.js';
import type { Logger } from './log.js';

export const RESOURCES_VARIABLE = 'GRACEINIT_DEBUG_RESOURCES_MS';
const MIN_INTERVAL_MS = 100;

/** The interval from the environment, undefined when unset; a one-line UsageError when malformed. */
export function resourceReportInterval(env: NodeJS.ProcessEnv): number | undefined {
  const text = env[RESOURCES_VARIABLE];
  if (text === undefined || text === '') return undefined;
  const ms = /^\d+$/.test(text.trim()) ? Number(text) : NaN;
  if (!(ms >= MIN_INTERVAL_MS)) {
    throw new UsageError(`${RESOURCES_VARIABLE}: expected milliseconds (at least ${MIN_INTERVAL_MS}), got "${text}"`);
  }
  return ms;
}

/** "PipeWrap=2 SignalWrap=24 Timeout=1": a stable, sorted summary of what keeps the loop alive. */
export function summarizeResources(types: readonly string[]): { total: number; summary: string } {
  const counts = new Map<string, number>();
  for (const type of types) counts.set(type, (counts.get(type) ?? 0) + 1);
  const summary = [...counts].sort(([a], [b]) => a.localeCompare(b)).map(([type, n]) => `${type}=${n}`).join(' ');
  return { total: types.length, summary };
}

export function startResourceReport(intervalMs: number | undefined, log: Logger): void {
  if (intervalMs === undefined) return;
  setInterval(() => {
    const { total, summary } = summarizeResources(process.getActiveResourcesInfo());
    const memory = process.memoryUsage();
    log.info('resources', `active resources ${total}: ${summary}`, {
      resources: total, rss_kb: Math.round(memory.rss / 1024), heap_used_kb: Math.round(memory.heapUsed / 1024) });
  }, intervalMs).unref();
}
