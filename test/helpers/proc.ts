// Observing processes from outside through /proc: memory, open fds, whether a pid still lives, and
// which processes carry a test's marker in their environment (every descendant of graceinit inherits
// it, so a scan finds strays wherever they were re-parented).
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { type TestContext } from 'node:test';
import { initCommand, monoMs, pid1Test, type InitRun } from './ns.js';

export const MARKER_VARIABLE = 'GRACEINIT_TEST_MARKER';

/** A marker no other process on the machine carries. */
export function uniqueMarker(): string {
  return `gi-${process.pid}-${randomBytes(6).toString('hex')}`;
}

/** The environment for graceinit and so for everything it starts, tagged with `marker`. */
export function markedEnv(marker: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return { ...process.env, [MARKER_VARIABLE]: marker, ...extra };
}

function statusField(pid: number, field: string): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
  if (!match) throw new Error(`no ${field} in /proc/${pid}/status`);
  return Number(match[1]);
}

/** Resident set size in kB. */
export const rssKb = (pid: number): number => statusField(pid, 'VmRSS');
/** Peak resident set size so far in kB. */
export const peakRssKb = (pid: number): number => statusField(pid, 'VmHWM');

/** True while `pid` is still the child of `parent`: a pid freed by an exit may be reused at once by an
 * unrelated process, which a test must never signal. */
export function isChildOf(pid: number, parent: number): boolean {
  try {
    return Number(/^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) === parent;
  } catch {
    return false;
  }
}

export function fdCount(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/** The process state letter (R, S, Z, ...), or undefined when the pid is gone. */
export function processState(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/** Alive: exists and is not a zombie (a zombie has ended; only its exit status is left). */
export function isAlive(pid: number): boolean {
  const state = processState(pid);
  return state !== undefined && state !== 'Z';
}

/** Living processes whose environment carries `marker`. */
export function pidsWithMarker(marker: string, except: readonly number[] = []): number[] {
  const needle = `\0${MARKER_VARIABLE}=${marker}\0`;
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (except.includes(pid)) continue;
    try {
      if (`\0${readFileSync(`/proc/${name}/environ`, 'latin1')}`.includes(needle) && isAlive(pid)) found.push(pid);
    } catch {
      // gone, or a kernel thread
    }
  }
  return found;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `predicate` every 10 ms; true as soon as it holds, false after timeoutMs. */
export async function eventually(predicate: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = monoMs() + timeoutMs;
  for (;;) {
    if (predicate()) return true;
    if (monoMs() > deadline) return false;
    await sleep(10);
  }
}

/** Resolves once graceinit's stderr has not grown for quietMs (e.g. a signal storm is digested). */
export async function stderrQuiet(run: InitRun, quietMs: number, timeoutMs = 20_000): Promise<void> {
  const deadline = monoMs() + timeoutMs;
  let length = -1;
  let since = monoMs();
  while (monoMs() < deadline) {
    if (run.stderr.length !== length) {
      length = run.stderr.length;
      since = monoMs();
    } else if (monoMs() - since >= quietMs) {
      return;
    }
    await sleep(20);
  }
  throw new Error(`graceinit's log did not go quiet within ${timeoutMs}ms`);
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

let help: string | undefined;

/** True when `graceinit --help` lists `flag`: tests of options from other issues enable themselves. */
export function graceinitOffers(flag: string): boolean {
  if (help === undefined) {
    const [file, ...args] = initCommand();
    help = spawnSync(file!, [...args, '--help'], { encoding: 'utf8', timeout: 10_000 }).stdout ?? '';
  }
  return new RegExp(`(^|[\\s,])${flag.replace(/[-]/g, '\\-')}([\\s=<]|$)`, 'm').test(help);
}

/**
 * A PID-1 test of an option another issue adds. While `graceinit --help` does not list every flag in
 * `flags` it is skipped with that reason printed; the skip disappears by itself once the option lands.
 */
export function pid1OptionTest(name: string, flags: readonly string[], fn: (t: TestContext) => Promise<void>,
  options: { timeout?: number } = {}): void {
  pid1Test(name, async (t) => {
    const missing = flags.filter((flag) => !graceinitOffers(flag));
    if (missing.length > 0) {
      const reason = `graceinit --help does not list ${missing.join(', ')} yet; this test runs by itself once it does`;
      process.stderr.write(`# SKIP ${name}: ${reason}\n`);
      t.skip(reason);
      return;
    }
    await fn(t);
  }, options);
}

/** Makes sure nothing carrying `marker` outlives the test, even when the test failed because it did
 * (a survivor would hold the test's pipes open and hang the run instead of failing it). */
export function cleanUpMarked(t: TestContext, marker: string): void {
  t.after(() => {
    for (const pid of pidsWithMarker(marker)) {
      try { process.kill(pid, 'SIGKILL'); } catch { /* gone */ }
    }
  });
}
