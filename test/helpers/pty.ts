// graceinit as PID 1 of a PID namespace on a real pseudo-terminal (test/fixtures/pty-drive.py), seen
// as a user at a terminal sees it: what the screen shows, keys typed, the window resized, the exit code;
// plus the kernel's view of sessions, process groups and the foreground group from /proc.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { ROOT, initCommand, namespaceMode } from './ns.js';
import { OutputWaiter } from './wait.js';

const DRIVER = join(ROOT, 'test', 'fixtures', 'pty-drive.py');

/**
 * How graceinit meets its terminal:
 * - `leader`: PID 1 leads its own session and the pty is its controlling terminal (what runc does for
 *   `docker run -it`: setsid + TIOCSCTTY before exec; here `setsid -c`).
 * - `member`: the pty is the controlling terminal of unshare's session; graceinit is in it but leads
 *   neither the session nor its process group (graceinit started from a shell, or under unshare).
 * - `no-ctty`: stdin is a pty that is no session's controlling terminal.
 */
export type TerminalMode = 'leader' | 'member' | 'no-ctty';

export interface PtyExit {
  code?: number;
  signal?: number;
}

/** The fields of /proc/<pid>/stat this test needs, as the host sees them. */
export interface ProcStat {
  pid: number;
  comm: string;
  state: string;
  ppid: number;
  pgrp: number;
  session: number;
  ttyNr: number;
  tpgid: number;
}

export function procStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const f = text.slice(close + 2).split(' ');
  return { pid, comm, state: f[0]!, ppid: Number(f[1]), pgrp: Number(f[2]), session: Number(f[3]),
    ttyNr: Number(f[4]), tpgid: Number(f[5]) };
}

/** Every descendant of `pid` (children of every thread), breadth first. */
export function descendants(pid: number): ProcStat[] {
  const found: ProcStat[] = [];
  const queue = [pid];
  while (queue.length > 0) {
    const parent = queue.shift()!;
    let tasks: string[] = [];
    try { tasks = readdirSync(`/proc/${parent}/task`); } catch { continue; }
    for (const tid of tasks) {
      let children = '';
      try { children = readFileSync(`/proc/${parent}/task/${tid}/children`, 'utf8').trim(); } catch { continue; }
      for (const child of children ? children.split(/\s+/).map(Number) : []) {
        const stat = procStat(child);
        if (stat) { found.push(stat); queue.push(child); }
      }
    }
  }
  return found;
}

export class PtyRun {
  readonly proc: ChildProcess;
  /** Everything the terminal showed so far. */
  screen = '';
  readonly exited: Promise<PtyExit>;
  private status = '';
  private readonly waiter = new OutputWaiter({
    exited: () => this.proc.exitCode !== null || this.proc.signalCode !== null,
    describe: () => `--- screen\n${this.screen}\n--- driver\n${this.status}`,
  }, 25);

  /**
   * `args` are graceinit's, run as PID 1 (see TerminalMode); or `command` runs as it is, on a terminal
   * that is its controlling terminal (a shell, say, that starts graceinit itself).
   */
  constructor(args: string[], options: { mode?: TerminalMode; echo?: boolean; env?: NodeJS.ProcessEnv; command?: string[] } = {}) {
    const mode = options.command ? 'member' : options.mode ?? 'leader';
    const driverArgs = [DRIVER, ...(mode === 'member' ? [] : ['--no-ctty']), ...(options.echo === false ? ['--no-echo'] : []), '--'];
    let init = options.command;
    if (!init) {
      const ns = namespaceMode();
      if (ns.kind === 'none') throw new Error(ns.reason);
      init = [...ns.prefix, ...(mode === 'leader' ? ['setsid', '-c'] : []), ...initCommand(), ...args];
    }
    this.proc = spawn('python3', [...driverArgs, ...init], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: options.env ?? { ...process.env, TERM: 'dumb' },
      cwd: ROOT,
    });
    this.proc.stdout!.setEncoding('utf8').on('data', (d: string) => { this.screen += d; this.wake(); });
    this.proc.stderr!.setEncoding('utf8').on('data', (d: string) => { this.status += d; this.wake(); });
    // Never rejects (a test that ended early stops the driver): no status reads as {}, which no
    // assertion on an exit code accepts.
    this.exited = new Promise((resolve) => {
      this.proc.on('error', (err) => { this.status += `pty-drive: ${err.message}\n`; });
      this.proc.on('close', () => {
        const match = /^(exit|signal) (\d+)$/m.exec(this.status);
        resolve(!match ? {} : match[1] === 'exit' ? { code: Number(match[2]) } : { signal: Number(match[2]) });
        this.wake();
      });
    });
  }

  private wake(): void {
    this.waiter.wake();
  }

  /** Types on the terminal's keyboard ("\r" is Enter, "\u0003" Ctrl-C). */
  type(text: string): void {
    this.proc.stdin!.write(`${JSON.stringify({ write: text })}\n`);
  }

  /** Resizes the terminal window. */
  resize(rows: number, cols: number): void {
    this.proc.stdin!.write(`${JSON.stringify({ size: [rows, cols] })}\n`);
  }

  /** Resolves when `predicate` holds; rejects after timeoutMs, showing the screen. */
  until<T>(predicate: () => T | undefined | null | false, what: string, timeoutMs = 10_000): Promise<T> {
    return this.waiter.until(predicate, what, timeoutMs);
  }

  /** Waits for `pattern` on the screen, looking only past `from` (a length of `screen` seen earlier). */
  waitScreen(pattern: RegExp, from = 0, timeoutMs?: number): Promise<RegExpMatchArray> {
    return this.until(() => this.screen.slice(from).match(pattern), `screen ${pattern}`, timeoutMs);
  }

  /** graceinit's host pid: unshare's child (while it is still `setsid -c`, the pid is already its). */
  async init(): Promise<ProcStat> {
    return this.until(() => {
      const all = descendants(this.proc.pid!);
      const unshare = all.find((p) => p.comm === 'unshare');
      return unshare && all.find((p) => p.ppid === unshare.pid && p.comm !== 'unshare');
    }, 'graceinit to start');
  }

  /** Waits for a process named `comm` below graceinit. */
  async process(comm: string, state?: (s: string) => boolean): Promise<ProcStat> {
    const init = await this.init();
    return this.until(() => descendants(init.pid).find((p) => p.comm === comm && (!state || state(p.state))),
      `a ${comm} process below graceinit (pid ${init.pid}; below the driver: ${JSON.stringify(descendants(this.proc.pid!))})`);
  }

  stop(): void {
    if (this.proc.exitCode === null) this.proc.kill('SIGTERM');
  }
}

/** Starts graceinit on a pty and makes sure it does not outlive the test. */
export function startOnTerminal(t: TestContext, args: string[], options?: ConstructorParameters<typeof PtyRun>[1]): PtyRun {
  const run = new PtyRun(args, options);
  t.after(() => run.stop());
  return run;
}
