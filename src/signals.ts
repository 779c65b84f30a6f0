// Signal tables: names <-> numbers, the forwardable set, rewrites. Pure.
import { constants } from 'node:os';

const BY_NAME = constants.signals as Record<string, number>;

/** One canonical name per number: Node lists aliases (SIGIOT=SIGABRT, SIGPOLL=SIGIO) that must not be
 * listened to twice, or a single signal would be forwarded twice. */
const CANONICAL = new Map<number, string>();
for (const [name, num] of Object.entries(BY_NAME)) {
  if (name === 'SIGIOT' || name === 'SIGPOLL' || name === 'SIGUNUSED') continue;
  if (!CANONICAL.has(num)) CANONICAL.set(num, name);
}

/** Signals graceinit never forwards, with the reason (the README's table says the same). */
export const NOT_FORWARDED: Readonly<Record<string, string>> = {
  SIGKILL: 'cannot be caught',
  SIGSTOP: 'cannot be caught',
  SIGCHLD: 'drives reaping; it is about graceinit\'s own children',
  SIGSEGV: 'synchronous fault; Node cannot handle it',
  SIGBUS: 'synchronous fault; Node cannot handle it',
  SIGFPE: 'synchronous fault; Node cannot handle it',
  SIGILL: 'synchronous fault; Node cannot handle it',
  SIGTRAP: 'debugger trap; Node cannot handle it',
};

/** Every signal graceinit listens for and forwards (SIGTERM and SIGINT also drive the shutdown). */
export const FORWARDED: readonly string[] = [...CANONICAL.values()].filter((name) => !(name in NOT_FORWARDED));

export function signalName(num: number): string {
  return CANONICAL.get(num) ?? `signal ${num}`;
}

export function signalNumber(name: string): number {
  const num = BY_NAME[name];
  if (num === undefined) throw new Error(`unknown signal name ${name}`);
  return num;
}

/** Accepts TERM, SIGTERM, sigterm or 15; returns the number or undefined. `allowZero` for rewrites. */
export function parseSignal(text: string, allowZero = false): number | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const num = Number(trimmed);
    if (num === 0) return allowZero ? 0 : undefined;
    return CANONICAL.has(num) ? num : undefined;
  }
  const upper = trimmed.toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  return BY_NAME[name];
}

/** Rewrites keyed by the received signal's number; a value of 0 drops the signal. */
export type RewriteTable = ReadonlyMap<number, number>;

export function applyRewrite(table: RewriteTable, signal: number): number {
  return table.get(signal) ?? signal;
}
