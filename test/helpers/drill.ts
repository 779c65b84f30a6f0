// Runs `graceinit drill` as a user would (bin/graceinit, a free port in PORT) and collects what it
// printed, its exit, and /proc facts for the cleanup checks.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import net from 'node:net';
import type { TestContext } from 'node:test';
import { ROOT, monoMs } from './ns.js';

export const SERVER = 'examples/server.js';

/** A fresh directory, removed after the test. */
export function tempDir(t: TestContext, prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** A port nobody listens on right now (the kernel's pick, released at once). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** True when the port can be listened on again (nothing left holding it). */
function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * True when the port can be listened on again within `withinMs`. The kernel releases a SIGKILLed
 * process's sockets as it tears the process down, not at the instant its parent sees it go (as
 * strays() waits for the processes themselves): a port still taken after that is a leak.
 */
export async function portIsFree(port: number, withinMs = 2000): Promise<boolean> {
  const deadline = monoMs() + withinMs;
  for (;;) {
    if (await canListen(port)) return true;
    if (monoMs() > deadline) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface DrillExit { code: number | null; signal: NodeJS.Signals | null }

export class DrillRun {
  readonly proc: ChildProcess;
  stdout = '';
  stderr = '';
  readonly exited: Promise<DrillExit>;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    this.proc = spawn(process.execPath, [`${ROOT}/bin/graceinit`, 'drill', ...args], {
      cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.proc.stdout!.setEncoding('utf8').on('data', (d: string) => { this.stdout += d; });
    this.proc.stderr!.setEncoding('utf8').on('data', (d: string) => { this.stderr += d; });
    this.exited = new Promise((resolve) => this.proc.on('close', (code, signal) => resolve({ code, signal })));
  }

  /** Resolves once stderr matches; rejects with the output after timeoutMs. */
  async waitStderr(pattern: RegExp, timeoutMs = 15_000): Promise<void> {
    const deadline = monoMs() + timeoutMs;
    while (!pattern.test(this.stderr)) {
      if (monoMs() > deadline || this.proc.exitCode !== null) {
        throw new Error(`timed out waiting for ${pattern}\n--- stdout\n${this.stdout}\n--- stderr\n${this.stderr}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  json(): DrillJson {
    return JSON.parse(this.stdout) as DrillJson;
  }
}

/** The parts of `--json` the tests read. */
export interface DrillJson {
  verdict: 'pass' | 'fail';
  exitCode: number;
  runs: Array<{
    name: string;
    isolation: string;
    graceinitArgs: string[];
    stats: {
      sent: number; ok: number; failed: number; notSent: number; achievedRps: number; targetRps: number;
      byOutcome: Record<string, number>;
      failureWindow: { fromMs: number; toMs: number } | null;
      markers: Array<{ phase: string; label: string; tMs: number; source: string }>;
      buckets: Array<{ tMs: number; ok: number; failed: number }>;
      killed: boolean; pass: boolean; reasons: string[]; warnings: string[];
      appExit: { code: number | null; signal: string | null } | null;
    };
  }>;
}

/** Starts a drill (PORT set to `port`) and makes sure it does not outlive the test. */
export function startDrill(t: TestContext, args: string[], port: number, env: NodeJS.ProcessEnv = {}): DrillRun {
  const run = new DrillRun(args, { ...process.env, PORT: String(port), ...env });
  t.after(() => { try { run.proc.kill('SIGKILL'); } catch { /* gone */ } });
  return run;
}

/** Pids whose command line contains `marker` (other than this test process). */
export function processesWith(marker: string): Array<{ pid: number; cmdline: string }> {
  const found: Array<{ pid: number; cmdline: string }> = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0').join(' ');
      const state = readFileSync(`/proc/${name}/stat`, 'utf8');
      if (cmdline.includes(marker)) found.push({ pid: Number(name), cmdline: `${cmdline} [${state.slice(state.lastIndexOf(')') + 2, state.lastIndexOf(')') + 3)}]` });
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Waits (up to timeoutMs) until no process carries `marker`; returns what is left. */
export async function strays(marker: string, timeoutMs = 3000): Promise<Array<{ pid: number; cmdline: string }>> {
  const deadline = monoMs() + timeoutMs;
  for (;;) {
    const left = processesWith(marker);
    if (left.length === 0 || monoMs() > deadline) return left;
    await new Promise((r) => setTimeout(r, 50));
  }
}
