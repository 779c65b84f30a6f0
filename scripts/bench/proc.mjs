// Process plumbing for the benchmark: PID namespaces, the host pid of a namespace's PID 1, waiting
// for lines on a child's stdout, /proc/<pid>/status. Everything that spawns or reads /proc is here.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export const monoNs = () => process.hrtime.bigint(); // CLOCK_MONOTONIC, the clock the C fixtures use
export const monoMs = () => Number(process.hrtime.bigint()) / 1e6;
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// Every child the bench starts, until it has exited: none may outlive the bench, whatever ends it.
const live = new Set();
let guarded = false;

/** Registers a spawned child so that the bench's exit (or Ctrl-C) kills it. */
export function track(child, signal = 'SIGKILL') {
  if (!guarded) guardExit();
  const entry = { child, signal };
  live.add(entry);
  child.on('exit', () => live.delete(entry));
  return child;
}

function killLive() {
  for (const { child, signal } of live) {
    try { child.kill(signal); } catch { /* gone */ }
  }
}

// Installed at the first child, so that importing this module (the unit tests do) changes nothing.
function guardExit() {
  guarded = true;
  process.on('exit', killLive);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
    process.on(signal, () => {
      console.error(`bench: ${signal}, stopping`);
      killLive();
      process.exit(code);
    });
  }
}

let nsCache;
/** The unshare prefix that makes the next command PID 1 of a new PID namespace, or null and why. */
export function pidNamespace() {
  if (nsCache) return nsCache;
  const attempts = [];
  if (process.getuid?.() === 0) attempts.push(['unshare', '--pid', '--fork', '--mount-proc', '--kill-child']);
  attempts.push(['unshare', '-Urpf', '--mount-proc', '--kill-child']);
  const reasons = [];
  for (const prefix of attempts) {
    const probe = spawnSync(prefix[0], [...prefix.slice(1), 'true'], { encoding: 'utf8', timeout: 10_000 });
    if (probe.status === 0) return (nsCache = { prefix });
    reasons.push(`${prefix.join(' ')}: ${(probe.stderr || probe.error?.message || `exit ${probe.status}`).trim()}`);
  }
  return (nsCache = { prefix: null, reason: `no PID namespace available (${reasons.join('; ')})` });
}

/** Pids of the children of `pid` (all its threads), [] when it is gone. */
export function childrenOf(pid) {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((tid) => {
      try {
        return readFileSync(`/proc/${pid}/task/${tid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

/** VmRSS, RssAnon, RssFile of a process, in KiB (from /proc/<pid>/status), or undefined when gone. */
export function memoryOf(pid) {
  let text;
  try {
    text = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name) => Number((text.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm')) ?? [])[1]);
  return { rssKb: field('VmRSS'), anonKb: field('RssAnon'), fileKb: field('RssFile') };
}

/** "R", "S", "Z"…: the state of a process, or undefined when it no longer exists. */
export function stateOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

/**
 * A command run as PID 1 of a new PID namespace (or plainly, `pid1: false`), its stdout collected
 * line by line. `initPid()` is its pid as the host sees it (unshare's child).
 */
export class Run {
  constructor(argv, { pid1 = true, env, cwd, stderr = 'ignore' } = {}) {
    const prefix = pid1 ? pidNamespace().prefix : [];
    if (pid1 && !prefix) throw new Error(pidNamespace().reason);
    const full = [...prefix, ...argv];
    this.argv = full;
    this.pid1 = pid1;
    // unshare --kill-child takes the namespace down with it when it gets SIGKILL.
    this.proc = track(spawn(full[0], full.slice(1), { stdio: ['ignore', 'pipe', stderr], env: env ?? process.env, cwd }));
    this.lines = [];
    this.stderr = '';
    this.waiters = [];
    let partial = '';
    this.proc.stdout.setEncoding('utf8').on('data', (chunk) => {
      const now = monoNs();
      const parts = (partial + chunk).split('\n');
      partial = parts.pop();
      for (const text of parts) this.lines.push({ text, at: now });
      this.wake();
    });
    if (stderr === 'pipe') this.proc.stderr.setEncoding('utf8').on('data', (d) => { this.stderr += d; });
    this.exitCode = undefined;
    this.exited = new Promise((resolve) => {
      this.proc.on('exit', (code, signal) => {
        this.exitCode = code ?? signal;
        this.exitedAt = monoNs();
        resolve({ code, signal });
        this.wake();
      });
    });
    this.proc.on('error', () => {});
    this.cursor = 0;
  }

  wake() {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The next unread stdout line matching `pattern` (lines before it are consumed). */
  async nextLine(pattern, timeoutMs = 10_000) {
    const deadline = monoMs() + timeoutMs;
    for (;;) {
      while (this.cursor < this.lines.length) {
        const line = this.lines[this.cursor++];
        const match = line.text.match(pattern);
        if (match) return { match, at: line.at };
      }
      if (this.exitCode !== undefined) throw new Error(`${this.argv.join(' ')} exited (${this.exitCode}) before printing ${pattern}`);
      const left = deadline - monoMs();
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${pattern} from ${this.argv.join(' ')}`);
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }

  /** The host pid of the command: unshare's only child in a namespace, the process itself otherwise. */
  async initPid(timeoutMs = 10_000) {
    if (!this.pid1) return this.proc.pid;
    const deadline = monoMs() + timeoutMs;
    for (;;) {
      const [pid] = childrenOf(this.proc.pid);
      if (pid) return pid;
      if (this.exitCode !== undefined || monoMs() > deadline) throw new Error(`${this.argv.join(' ')}: no process inside the namespace`);
      await sleep(5);
    }
  }

  /** Ends it: SIGKILL to unshare, whose --kill-child takes the namespace's PID 1 (and so all of it). */
  async stop() {
    if (this.exitCode === undefined) {
      try { this.proc.kill('SIGKILL'); } catch { /* gone */ }
    }
    await this.exited;
  }
}

/** Wall time of one synchronous run of argv, in ms, with its exit status. */
export function timeOnce(argv, env) {
  const start = monoNs();
  const result = spawnSync(argv[0], argv.slice(1), { stdio: 'ignore', env: env ?? process.env, timeout: 30_000, killSignal: 'SIGKILL' });
  const ms = Number(monoNs() - start) / 1e6;
  return { ms, status: result.status, error: result.error?.message };
}
