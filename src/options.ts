// Raw values -> validated Options: durations in ms, signals as numbers, maps as Maps. Pure: every
// problem becomes a UsageError naming the flag or variable it came from (exit 2, nothing started).
import { UsageError, type RawOptions, type RawValue } from './cli.js';
import { duration, list, text } from './raw-values.js';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from './log.js';
import { preStopSteps, validateReadiness, type PreStopStep, type ReadinessOptions } from './readiness-options.js';
import { parseSignal, type RewriteTable } from './signals.js';

export type ForwardTo = 'group' | 'child';

// The pre-stop kinds (command, http, nacos) live with the options that make them.
export type { PreStopCommand, PreStopHttp, PreStopNacos, PreStopStep } from './readiness-options.js';

export interface Options extends ReadinessOptions {
  command: string[];
  preStops: PreStopStep[];
  preStopTimeoutMs: number;
  delayMs: number;
  stopSignal: number;
  /** undefined: derived from what remains of the grace period when the stop signal is sent. */
  timeoutMs: number | undefined;
  gracePeriodMs: number;
  forwardTo: ForwardTo;
  rewrite: RewriteTable;
  exitCodeMap: ReadonlyMap<number, number>;
  logLevel: LogLevel;
  logFormat: LogFormat;
}

export const DEFAULTS = {
  preStopTimeoutMs: 10_000,
  delayMs: 0,
  gracePeriodMs: 30_000,
  stopSignal: 15,
} as const;

export function validateOptions(raw: RawOptions): Options {
  const v = raw.values;
  const readiness = validateReadiness(raw);
  // --print-plan starts nothing, so it needs no command.
  if (raw.command.length === 0 && !readiness.printPlan) throw new UsageError('missing command: graceinit [options] [--] <command> [args...]');
  if (raw.command[0] === '') throw new UsageError('empty command name');

  const gracePeriodMs = duration(v.get('gracePeriod')) ?? DEFAULTS.gracePeriodMs;
  if (gracePeriodMs === 0) throw new UsageError(`${v.get('gracePeriod')!.from}: the grace period must be more than 0`);

  return {
    command: raw.command,
    preStops: preStopSteps(raw),
    preStopTimeoutMs: duration(v.get('preStopTimeout')) ?? DEFAULTS.preStopTimeoutMs,
    delayMs: duration(v.get('delay')) ?? DEFAULTS.delayMs,
    stopSignal: signal(v.get('stopSignal')) ?? DEFAULTS.stopSignal,
    timeoutMs: duration(v.get('timeout')),
    gracePeriodMs,
    forwardTo: oneOf(v.get('forwardTo'), ['group', 'child'] as const) ?? 'group',
    rewrite: pairs(v.get('rewrite'), 'FROM:TO with signals, e.g. QUIT:TERM or USR1:0', (text, side) =>
      parseSignal(text, side === 'to')),
    exitCodeMap: pairs(v.get('exitCodeMap'), 'FROM:TO with exit codes 0-255, e.g. 143:0', exitCode),
    logLevel: oneOf(v.get('logLevel'), LOG_LEVELS) ?? 'info',
    logFormat: oneOf(v.get('logFormat'), LOG_FORMATS) ?? 'text',
    ...readiness,
  };
}

function signal(raw: RawValue | undefined): number | undefined {
  if (!raw) return undefined;
  const num = parseSignal(text(raw));
  if (num === undefined) throw new UsageError(`${raw.from}: unknown signal "${raw.value}" (use a name like TERM or QUIT, or a number)`);
  return num;
}

function oneOf<T extends string>(raw: RawValue | undefined, allowed: readonly T[]): T | undefined {
  if (!raw) return undefined;
  const value = text(raw) as T;
  if (!allowed.includes(value)) throw new UsageError(`${raw.from}: expected one of ${allowed.join(', ')}, got "${value}"`);
  return value;
}

function exitCode(text: string): number | undefined {
  if (!/^\d{1,3}$/.test(text.trim())) return undefined;
  const code = Number(text);
  return code <= 255 ? code : undefined;
}

function pairs(raw: RawValue | undefined, expected: string,
  parse: (text: string, side: 'from' | 'to') => number | undefined): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of list(raw)) {
    const parts = entry.split(':');
    const from = parts.length === 2 ? parse(parts[0]!, 'from') : undefined;
    const to = parts.length === 2 ? parse(parts[1]!, 'to') : undefined;
    if (from === undefined || to === undefined) throw new UsageError(`${raw!.from}: invalid "${entry}" (expected ${expected})`);
    map.set(from, to);
  }
  return map;
}
