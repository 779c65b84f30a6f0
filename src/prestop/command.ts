// A --pre-stop shell command: /bin/sh -c in a process group of its own, output prefixed in the log,
// bounded by --pre-stop-timeout (then SIGKILL to its whole group). execa is loaded here only, at
// shutdown, so the common path never pays for it.
import type { Readable } from 'node:stream';
import { formatDuration } from '../duration.js';
import type { Logger } from '../log.js';
import { signalGroup } from '../process-group.js';
import type { Reaper } from '../reaper.js';
import type { PreStopRun } from '../shutdown.js';
import { BoundedLines } from './lines.js';

export interface CommandPreStopContext {
  label: string; // "pre-stop 1/2"
  command: string;
  timeoutMs: number;
  env: NodeJS.ProcessEnv;
  log: Logger;
  reaper: Reaper;
}

/** How long to wait for the last output after the shell exited (a daemon it forked may hold the pipe). */
const OUTPUT_GRACE_MS = 100;
/** Longer output lines are cut: one log line per output line, each of bounded size. */
const MAX_LINE_CHARS = 8192;

export function runCommandPreStop(ctx: CommandPreStopContext): PreStopRun {
  // The bound runs from the moment the step begins: loading execa on first use takes 0.1-0.5 s on a
  // busy machine, and that must not stretch the step past --pre-stop-timeout (the plan assumes it can't).
  const deadline = performance.now() + ctx.timeoutMs;
  let cancelled = false;
  let cancel: () => void = () => { cancelled = true; };
  const done = (async () => {
    const { execa } = await import('execa');
    if (cancelled) {
      ctx.log.info('pre-stop-cut', `${ctx.label} "${ctx.command}" was cut before it started`);
      return;
    }
    const started = Date.now();
    const subprocess = execa('/bin/sh', ['-c', ctx.command], {
      detached: true, // own session and group: the timeout kills everything it started
      cleanup: false, // graceinit decides when it dies, not an exit hook
      forceKillAfterDelay: false, // the timeout below is the only bound
      reject: false,
      buffer: false,
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
      env: ctx.env,
      extendEnv: false,
    });
    const pid = subprocess.pid;
    ctx.reaper.claim(pid);
    if (pid === undefined) {
      const result = await subprocess;
      ctx.log.error('pre-stop-error', `${ctx.label} "${ctx.command}" could not start: ${result.shortMessage ?? result.message}`);
      return;
    }
    ctx.log.info('pre-stop-start', `${ctx.label} started: ${ctx.command}`, { pid });
    let reason: 'timeout' | 'cut' | undefined;
    const timer = setTimeout(() => {
      reason = 'timeout';
      signalGroup(pid, 'SIGKILL');
    }, Math.max(0, deadline - performance.now()));
    cancel = () => {
      if (reason !== undefined) return;
      reason = 'cut';
      clearTimeout(timer);
      signalGroup(pid, 'SIGKILL');
      // Logged now: the child may exit next and graceinit with it, before this pre-stop's exit event.
      ctx.log.info('pre-stop-cut', `${ctx.label} "${ctx.command}" was cut after ${formatDuration(Date.now() - started)}: its process group was killed`);
    };
    const outputClosed = Promise.all([prefixLines(subprocess.stdout, ctx), prefixLines(subprocess.stderr, ctx)]);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
      subprocess.once('exit', (c, s) => resolve([c, s]));
    });
    clearTimeout(timer);
    ctx.reaper.release(pid);
    // What it left behind in its group (a forked daemon) ends with it.
    signalGroup(pid, 'SIGKILL');
    await Promise.race([outputClosed, new Promise((r) => setTimeout(r, OUTPUT_GRACE_MS))]);
    subprocess.stdout?.destroy();
    subprocess.stderr?.destroy();
    subprocess.catch(() => {}); // its result is not needed: the exit event said it all
    if (reason === 'cut') return; // cancel() logged it
    const took = formatDuration(Date.now() - started);
    if (reason === 'timeout') {
      ctx.log.warn('pre-stop-timeout', `${ctx.label} "${ctx.command}" timed out after ${formatDuration(ctx.timeoutMs)}: its process group was killed`);
    } else if (code !== null) {
      ctx.log.log(code === 0 ? 'info' : 'warn', 'pre-stop-exit', `${ctx.label} "${ctx.command}" exited with code ${code} after ${took}`, { code });
    } else {
      ctx.log.warn('pre-stop-exit', `${ctx.label} "${ctx.command}" was killed by ${signal ?? 'a signal'} after ${took}`,
        { signal: signal ?? undefined });
    }
  })().catch((err: unknown) => {
    ctx.log.error('pre-stop-error', `${ctx.label} "${ctx.command}" failed: ${(err as Error).message}`);
  });
  return { done, cancel: () => cancel() };
}

function prefixLines(stream: Readable | null, ctx: CommandPreStopContext): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve) => {
    const lines = new BoundedLines(MAX_LINE_CHARS, (line) => ctx.log.info('pre-stop-output', `${ctx.label} | ${line}`));
    const done = (): void => {
      lines.end();
      resolve();
    };
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => lines.push(chunk));
    stream.on('end', done);
    stream.on('close', done); // destroyed before its end (a daemon held it open)
    stream.on('error', () => resolve());
  });
}
