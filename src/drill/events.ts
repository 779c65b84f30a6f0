// graceinit's JSON log lines -> the phase markers of a drill (when SIGTERM arrived, each pre-stop, the
// delay, the stop signal, the kill, the app's exit). Pure: times come in, nothing is read here.

export interface PhaseMarker {
  /** Stable key (data-phase in the HTML): terminating, pre-stop-1-start, stopping, exited, ... */
  phase: string;
  /** What a person reads on the chart. */
  label: string;
  /** Milliseconds since the drill sent SIGTERM (negative before it). */
  tMs: number;
  source: 'graceinit' | 'drill';
}

export interface AppExit {
  code: number | null;
  signal: string | null;
  /** graceinit's own exit code as it logged it. */
  exitCode: number | null;
}

export type LogEvent = Record<string, unknown> & { event: string; msg: string };

/** A line graceinit wrote with --log-format json, or undefined for anything else (the app's output). */
export function parseLogLine(line: string): LogEvent | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value = JSON.parse(line) as Record<string, unknown>;
    if (typeof value.event !== 'string' || typeof value.msg !== 'string' || !('phase' in value) || !('elapsed_ms' in value)) {
      return undefined;
    }
    return value as LogEvent;
  } catch {
    return undefined;
  }
}

/** The same line as graceinit's text format, for the person watching the drill. */
export function formatLogEvent(event: LogEvent): string {
  const elapsed = typeof event.elapsed_ms === 'number' ? ` +${(event.elapsed_ms / 1000).toFixed(3)}s` : '';
  const level = event.level === 'info' || event.level === undefined ? '' : ` ${String(event.level)}:`;
  return `graceinit[${String(event.phase)}${elapsed}]${level} ${event.msg}`;
}

/**
 * The marker for one log event. `seenAtMs` (when the drill read the line, relative to its SIGTERM) is
 * used only when graceinit had no shutdown clock yet (an app that exited before the SIGTERM).
 */
export function markerFor(event: LogEvent, seenAtMs: number): PhaseMarker | undefined {
  const tMs = typeof event.elapsed_ms === 'number' ? event.elapsed_ms : seenAtMs;
  const make = (phase: string, label: string): PhaseMarker => ({ phase, label, tMs, source: 'graceinit' });
  const preStop = /^(pre-stop (\d+)\/\d+)/.exec(event.msg);
  switch (event.event) {
    case 'phase-terminating':
      return make('terminating', 'SIGTERM');
    case 'phase-delaying':
      return make('delaying', 'delay');
    case 'phase-stopping': {
      const signal = /^sent (SIG\w+)/.exec(event.msg)?.[1] ?? 'stop signal';
      return make('stopping', `${signal} to app`);
    }
    case 'phase-killing':
      return make('killing', 'SIGKILL');
    case 'child-exit': {
      const how = typeof event.signal === 'string' ? event.signal : `code ${String(event.code)}`;
      return make('exited', `app exited (${how})`);
    }
    case 'pre-stop-start':
      return preStop ? make(`pre-stop-${preStop[2]}-start`, preStop[1]!) : undefined;
    case 'pre-stop-exit':
    case 'pre-stop-timeout':
    case 'pre-stop-cut':
    case 'pre-stop-error': {
      if (!preStop) return undefined;
      const how = { 'pre-stop-exit': 'done', 'pre-stop-timeout': 'timed out', 'pre-stop-cut': 'cut', 'pre-stop-error': 'failed' }[event.event];
      return make(`pre-stop-${preStop[2]}-end`, `${preStop[1]} ${how}`);
    }
    default:
      return undefined;
  }
}

export function appExitOf(event: LogEvent): AppExit | undefined {
  if (event.event !== 'child-exit') return undefined;
  const num = (v: unknown): number | null => (typeof v === 'number' ? v : null);
  return { code: num(event.code), signal: typeof event.signal === 'string' ? event.signal : null, exitCode: num(event.exit_code) };
}
