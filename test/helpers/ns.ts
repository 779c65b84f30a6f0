// Runs graceinit as PID 1 of a fresh PID namespace (or plainly, as a subreaper) and observes it as a
// user would: its exit code, its stderr log, what its child printed, signals sent from outside.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test, { type TestContext } from 'node:test';
import { monoMs } from './clock.js';
import { OutputWaiter } from './wait.js';

export const ROOT = join(__dirname, '..', '..', '..');
export const FIXTURES = join(ROOT, 'dist', 'fixtures');
export const fixture = (name: string): string => join(FIXTURES, name);

export type NsMode = { kind: 'root' | 'user'; prefix: string[] } | { kind: 'none'; reason: string };

let cached: NsMode | undefined;

/** How this machine gives us a PID namespace: as root, unprivileged (-Urpf), or not at all (why). */
export function namespaceMode(): NsMode {
  if (cached) return cached;
  const attempts: Array<{ kind: 'root' | 'user'; prefix: string[] }> = [];
  if (process.getuid?.() === 0) attempts.push({ kind: 'root', prefix: ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child'] });
  attempts.push({ kind: 'user', prefix: ['unshare', '-Urpf', '--mount-proc', '--kill-child'] });
  const reasons: string[] = [];
  for (const attempt of attempts) {
    const probe = spawnSync(attempt.prefix[0]!, [...attempt.prefix.slice(1), 'true'], { encoding: 'utf8', timeout: 10_000 });
    if (probe.status === 0) return (cached = attempt);
    reasons.push(`${attempt.prefix.join(' ')}: ${(probe.stderr || probe.error?.message || `exit ${probe.status}`).trim()}`);
  }
  return (cached = { kind: 'none', reason: `no PID namespace available (${reasons.join('; ')})` });
}

/** The graceinit under test: bin/graceinit, or the single executable when GRACEINIT_TEST_BIN is set. */
export function initCommand(): string[] {
  const bin = process.env.GRACEINIT_TEST_BIN;
  return bin ? [bin] : [process.execPath, join(ROOT, 'bin', 'graceinit')];
}

/**
 * A test that needs graceinit as PID 1. Where no namespace can be had it is skipped with the reason
 * printed, except on CI (root is available there), where that is a failure.
 */
export function pid1Test(name: string, fn: (t: TestContext) => Promise<void>, options: { timeout?: number } = {}): void {
  test(name, { timeout: options.timeout ?? 60_000 }, async (t) => {
    const mode = namespaceMode();
    if (mode.kind === 'none') {
      if (process.env.CI) throw new Error(`on CI a PID-1 test must not be skipped: ${mode.reason}`);
      process.stderr.write(`# SKIP ${name}: ${mode.reason}\n`);
      t.skip(mode.reason);
      return;
    }
    await fn(t);
  });
}

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** process.hrtime.bigint() when the exit was seen, in ms. */
  atMs: number;
}

export { monoMs };

export class InitRun {
  readonly proc: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<ExitInfo>;
  private readonly waiter = new OutputWaiter({
    exited: () => this.proc.exitCode !== null || this.proc.signalCode !== null,
    describe: () => `--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`,
  });

  constructor(args: string[], options: { pid1?: boolean; env?: NodeJS.ProcessEnv; cwd?: string; prefix?: string[]; init?: string[] } = {}) {
    const pid1 = options.pid1 ?? true;
    const mode = namespaceMode();
    const prefix = options.prefix ?? (pid1 && mode.kind !== 'none' ? mode.prefix : []);
    const argv = [...prefix, ...(options.init ?? initCommand()), ...args];
    this.proc = spawn(argv[0]!, argv.slice(1), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? { ...process.env },
      cwd: options.cwd ?? ROOT,
    });
    this.proc.stdout!.setEncoding('utf8').on('data', (d: string) => { this.stdout += d; this.wake(); });
    this.proc.stderr!.setEncoding('utf8').on('data', (d: string) => { this.stderr += d; this.wake(); });
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => { resolve({ code, signal, atMs: monoMs() }); this.wake(); });
    });
  }

  private wake(): void {
    this.waiter.wake();
  }

  /** Resolves when `predicate` holds on the output so far; rejects after timeoutMs with the output. */
  until<T>(predicate: () => T | undefined | null | false, what: string, timeoutMs = 10_000): Promise<T> {
    return this.waiter.until(predicate, what, timeoutMs);
  }

  waitStdout(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray> {
    return this.until(() => this.stdout.match(pattern), `stdout ${pattern}`, timeoutMs);
  }

  waitStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray> {
    return this.until(() => this.stderr.match(pattern), `stderr ${pattern}`, timeoutMs);
  }

  /** The host pid of graceinit: unshare's child, or the process itself when run plainly. */
  async initPid(): Promise<number> {
    const direct = this.proc.pid!;
    if (this.proc.spawnargs[0] !== 'unshare') return direct;
    return this.until(() => {
      try {
        const children = readFileSync(`/proc/${direct}/task/${direct}/children`, 'utf8').trim();
        return children ? Number(children.split(/\s+/)[0]) : undefined;
      } catch {
        return undefined;
      }
    }, 'graceinit to start inside the namespace');
  }

  async signal(signal: NodeJS.Signals | number): Promise<number> {
    const pid = await this.initPid();
    process.kill(pid, signal);
    return monoMs();
  }

  /** Every JSON log line graceinit wrote (with --log-format json). */
  jsonLines(): Array<Record<string, unknown>> {
    return this.stderr.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  }

  /** Signals the child reported (sigcatch fixture): [signal number, monotonic ms]. */
  childSignals(): Array<[number, number]> {
    return [...this.stdout.matchAll(/^sig (\d+) (\d+)$/gm)].map((m) => [Number(m[1]), Number(m[2]) / 1e6]);
  }

  kill(): void {
    try { this.proc.kill('SIGKILL'); } catch { /* gone */ }
  }
}

/** Starts graceinit and makes sure it does not outlive the test. */
export function startInit(t: TestContext, args: string[], options?: ConstructorParameters<typeof InitRun>[1]): InitRun {
  const run = new InitRun(args, options);
  t.after(() => run.kill());
  return run;
}
