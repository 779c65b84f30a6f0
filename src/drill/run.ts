// One drill run: start the command under graceinit (PID 1 of its own PID namespace where the machine
// allows it), wait until the app answers, load it, SIGTERM graceinit after the warm-up, keep loading for
// the lag, stop, wait for graceinit to exit, and hand the measurements to stats.ts.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { killOnExit, killTree } from './cleanup.js';
import { appExitOf, formatLogEvent, markerFor, parseLogLine, type AppExit, type LogEvent, type PhaseMarker } from './events.js';
import { LoadGenerator } from './load.js';
import type { DrillOptions, RunSpec } from './options.js';
import { commandLine } from './report.js';
import { ReadinessWatch } from './readiness.js';
import type { RunData } from './stats.js';

/** An error that ends the drill with one line and exit 1 (bad input is exit 2, found before this). */
export class DrillError extends Error {}

export interface Isolation {
  prefix: string[];
  /** Said at start-up and in the report. */
  description: string;
}

const now = (): number => performance.now();
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

let probed: Isolation | undefined;

/** PID 1 of a new PID namespace as in a container: as root, else through a user namespace, else plainly. */
export function chooseIsolation(subreaper: boolean): Isolation {
  if (subreaper) return { prefix: [], description: 'graceinit runs as a child subreaper (--subreaper), not as PID 1' };
  if (probed) return probed;
  const attempts: Array<{ prefix: string[]; how: string }> = [];
  if (process.getuid?.() === 0) attempts.push({ prefix: ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child'], how: 'unshare, as root' });
  attempts.push({ prefix: ['unshare', '-Urpf', '--mount-proc', '--kill-child'], how: 'unshare -Urpf, in a user namespace' });
  const reasons: string[] = [];
  for (const attempt of attempts) {
    const probe = spawnSync(attempt.prefix[0]!, [...attempt.prefix.slice(1), 'true'], { encoding: 'utf8', timeout: 10_000 });
    if (probe.status === 0) {
      return (probed = { prefix: attempt.prefix, description: `graceinit is PID 1 of its own PID namespace (${attempt.how})` });
    }
    reasons.push((probe.stderr || probe.error?.message || `exit ${probe.status}`).trim().split('\n')[0]!);
  }
  return (probed = { prefix: [], description: `graceinit runs as a child subreaper, not as PID 1: no PID namespace here (${reasons.join('; ')})` });
}

/** How to start graceinit again: this very program (the script, or the single executable). */
function selfCommand(): string[] {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    if ((require('node:sea') as { isSea(): boolean }).isSea()) return [process.execPath];
  } catch {
    // node:sea is not in every Node 20: then this is not a single executable
  }
  return [process.execPath, process.argv[1] ?? join(__dirname, '..', '..', '..', 'bin', 'graceinit')];
}

/** True when something already accepts connections on the target: the drill would load the wrong app. */
function listening(target: URL): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: target.hostname.replace(/^\[|\]$/g, ''), port: Number(target.port || 80) });
    const done = (result: boolean): void => { socket.destroy(); resolve(result); };
    socket.setTimeout(1000, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

/** One GET: the status, or undefined for no answer. */
function probe(target: URL, timeoutMs: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const req = http.get(target, { agent: false, timeout: timeoutMs }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

export interface RunOutput {
  data: RunData;
  isolation: string;
}

export interface RunIo {
  env: NodeJS.ProcessEnv;
  /** Progress and graceinit's log, for the person watching (stderr). */
  say: (line: string) => void;
}

export async function runOnce(spec: RunSpec, drill: DrillOptions, io: RunIo): Promise<RunOutput> {
  const target = drill.target;
  if (await listening(target)) {
    throw new DrillError(`something already accepts connections on ${target.host}: stop it or give the drill another port ` +
      '(PORT or --target), or it would load the wrong app');
  }
  const isolation = chooseIsolation(drill.subreaper);
  io.say(`drill: ${spec.title}: ${isolation.description}`);
  const argv = [...isolation.prefix, ...selfCommand(), ...spec.graceinitArgs];
  io.say(`drill: starting ${commandLine(argv.slice(isolation.prefix.length))}`);

  const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], detached: true, env: io.env });
  const forget = child.pid !== undefined ? killOnExit(child.pid) : () => {};
  const watch = new Watch(child, io.say);
  try {
    return { data: await drive(spec, drill, watch, io), isolation: isolation.description };
  } finally {
    if (child.exitCode === null && child.signalCode === null && child.pid !== undefined) killTree(child.pid);
    forget();
  }
}

/** Follows graceinit's output (phase events, the app's own lines) and its exit. */
class Watch {
  readonly events: Array<{ at: number; event: LogEvent }> = [];
  exit: { code: number | null; signal: string | null } | undefined;
  readonly exited: Promise<void>;
  readonly closed: Promise<void>;
  spawnError: Error | undefined;

  constructor(readonly child: ChildProcess, say: (line: string) => void) {
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => { this.exit = { code, signal }; resolve(); });
      child.once('error', (err) => { this.spawnError = err; this.exit = { code: null, signal: null }; resolve(); });
    });
    this.closed = new Promise((resolve) => child.once('close', () => resolve()));
    createInterface({ input: child.stderr!, crlfDelay: Infinity }).on('line', (line) => {
      const event = parseLogLine(line);
      if (!event) { say(line); return; }
      this.events.push({ at: now(), event });
      say(formatLogEvent(event));
    });
    createInterface({ input: child.stdout!, crlfDelay: Infinity }).on('line', (line) => say(line));
  }

  get running(): boolean {
    return this.exit === undefined;
  }

  /** graceinit's host pid: unshare's only child inside a namespace, else the process itself. */
  async graceinitPid(prefixed: boolean): Promise<number> {
    const pid = this.child.pid!;
    if (!prefixed) return pid;
    const deadline = now() + 5000;
    while (now() < deadline && this.running) {
      try {
        const children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
        if (children) return Number(children.split(/\s+/)[0]);
      } catch {
        // not there yet
      }
      await sleep(10);
    }
    throw new DrillError('graceinit did not start inside its PID namespace within 5s');
  }

  lastLogLines(): string {
    return this.events.slice(-3).map((e) => formatLogEvent(e.event)).join('; ');
  }
}

async function waitReady(target: URL, timeoutMs: number, watch: Watch): Promise<number> {
  const started = now();
  while (now() - started < timeoutMs) {
    if (!watch.running) {
      const how = watch.spawnError ? watch.spawnError.message : `exit code ${watch.exit?.code ?? watch.exit?.signal}`;
      throw new DrillError(`the app exited before it answered on ${target.href} (graceinit: ${how})${watch.lastLogLines() ? `: ${watch.lastLogLines()}` : ''}`);
    }
    const status = await probe(target, Math.min(1000, timeoutMs));
    if (status !== undefined && status < 500) return now() - started;
    await sleep(100);
  }
  throw new DrillError(`the app did not answer on ${target.href} within ${timeoutMs / 1000}s (--ready-timeout): ` +
    'is it listening on that port (PORT) and path (--target)?');
}

/** Resolves after `ms`, or earlier when graceinit exits. */
function untilOrExit(ms: number, watch: Watch): Promise<void> {
  return Promise.race([sleep(ms), watch.exited]);
}

async function drive(spec: RunSpec, drill: DrillOptions, watch: Watch, io: RunIo): Promise<RunData> {
  const prefixed = watch.child.spawnargs[0] === 'unshare';
  const readyAfter = await waitReady(drill.target, drill.readyTimeoutMs, watch);
  const pid = await watch.graceinitPid(prefixed);
  io.say(`drill: the app answered after ${(readyAfter / 1000).toFixed(2)}s; sending ${drill.rps} req/s ` +
    `(${drill.keepalive ? 'keep-alive connections' : 'a new connection per request'}, at most ${drill.concurrency} in flight) ` +
    `for ${drill.warmupMs / 1000}s before the SIGTERM`);

  const load = new LoadGenerator({
    target: drill.target, rps: drill.rps, concurrency: drill.concurrency,
    requestTimeoutMs: drill.requestTimeoutMs, keepalive: drill.keepalive, now,
  });
  load.start();
  const readiness = spec.readyz ? new ReadinessWatch(spec.readyz, now) : undefined;
  readiness?.start();
  injectTestFault(io.env.GRACEINIT_TEST_FAULT);
  await untilOrExit(drill.warmupMs, watch);

  let sigtermMs: number | undefined;
  if (watch.running) {
    process.kill(pid, 'SIGTERM');
    sigtermMs = now();
    io.say(`drill: sent SIGTERM to graceinit (pid ${pid}); the load goes on for ${drill.lagMs / 1000}s (--lag), ` +
      'as load balancers keep routing to a terminating pod');
    await sleep(drill.lagMs);
  } else {
    io.say('drill: the app exited during the warm-up, before any SIGTERM');
  }
  await load.stop();
  readiness?.stop();
  io.say(`drill: load stopped after ${load.sent} requests${watch.running ? '; waiting for graceinit to exit' : ''}`);

  // graceinit bounds itself by its grace period; past that (and some slack) the drill plays the kubelet.
  let killedByDrill = false;
  if (watch.running && sigtermMs !== undefined) {
    const deadline = sigtermMs + spec.options.gracePeriodMs + 5000;
    await Promise.race([watch.exited, sleep(Math.max(0, deadline - now()))]);
    if (watch.running) {
      killedByDrill = true;
      io.say('drill: graceinit did not exit within its grace period: killing it, as the kubelet would');
      killTree(watch.child.pid!);
      await watch.exited;
    }
  }
  await Promise.race([watch.closed, sleep(1000)]); // the last log lines (the app's exit)

  const origin = sigtermMs ?? now();
  const markers: PhaseMarker[] = [];
  let appExit: AppExit | undefined;
  const seen = new Set<string>();
  for (const { at, event } of watch.events) {
    appExit ??= appExitOf(event);
    const marker = markerFor(event, Math.round(at - origin));
    if (!marker || seen.has(marker.phase)) continue;
    seen.add(marker.phase);
    markers.push(marker);
  }
  if (readiness?.first503At !== undefined) {
    markers.push({ phase: 'readiness', label: '/readyz 503', tMs: Math.round(readiness.first503At - origin), source: 'drill' });
  }
  markers.push({ phase: 'load-stop', label: 'load stops', tMs: Math.round(load.stoppedAt! - origin), source: 'drill' });

  return {
    records: load.records,
    notSent: load.notSent,
    loadStartMs: load.startedAt!,
    loadStopMs: load.stoppedAt!,
    sigtermMs,
    targetRps: drill.rps,
    concurrency: drill.concurrency,
    markers,
    appExit,
    graceinitExit: killedByDrill ? undefined : watch.exit,
    killedByDrill,
  };
}

/** Test-only fault switch (documented in the README): inert unless set. Proves the cleanup on a crash. */
function injectTestFault(fault: string | undefined): void {
  if (fault === 'drill-throw-during-load') {
    setTimeout(() => { throw new Error('injected fault (GRACEINIT_TEST_FAULT=drill-throw-during-load)'); }, 300);
  }
}
