// Supervises the child: spawns it in a session of its own, reacts to every signal as the phase says
// (reactionTo), reaps orphans on SIGCHLD, drives the shutdown machine, and settles with the exit code.
// The only module that touches the child's pid.
import { spawn, type ChildProcess } from 'node:child_process';
import { attachSignals } from './early-signals.js';
import { EXIT_NOT_EXECUTABLE, EXIT_NOT_FOUND, exitCodeFor, type ChildStatus } from './exit-code.js';
import { takeOwnSigpipe, type Logger } from './log.js';
import type { Options } from './options.js';
import { describePreStop } from './plan.js';
import { runCommandPreStop } from './prestop/command.js';
import { signalGroup, signalProcess } from './process-group.js';
import type { Reaper } from './reaper.js';
import { ShutdownMachine, reactionTo, type Phase, type PreStopRun } from './shutdown.js';
import { applyRewrite, signalName, signalNumber } from './signals.js';

const SIGCHLD = signalNumber('SIGCHLD');
const SIGPIPE = signalNumber('SIGPIPE');

export interface SupervisorDeps {
  options: Options;
  log: Logger;
  reaper: Reaper;
  /** Environment for pre-stop commands. */
  env: NodeJS.ProcessEnv;
}

export class Supervisor {
  private child: ChildProcess | undefined;
  private started = false;
  private readonly machine: ShutdownMachine;
  private finish!: (code: number) => void;
  /** Settles with graceinit's exit code once the child is gone (or could not start). */
  readonly exitCode = new Promise<number>((resolve) => { this.finish = resolve; });

  constructor(private readonly deps: SupervisorDeps) {
    const { options, log } = deps;
    this.machine = new ShutdownMachine(
      {
        preStopCount: options.preStops.length,
        delayMs: options.delayMs,
        timeoutMs: options.timeoutMs,
        gracePeriodMs: options.gracePeriodMs,
      },
      {
        now: () => performance.now(),
        setTimer: (ms, fn) => setTimeout(fn, ms),
        clearTimer: (handle) => clearTimeout(handle as NodeJS.Timeout),
        runPreStop: (index) => this.runPreStop(index),
        sendStopSignal: () => this.sendStopSignal(),
        killGroup: () => signalGroup(this.child?.pid, 'SIGKILL'),
        entered: (phase, _elapsed, detail) => this.logPhase(phase, detail),
      },
    );
    log.setContext({ phase: () => this.phase, elapsed: () => this.machine.elapsed() });
  }

  get phase(): Phase {
    return this.started ? this.machine.phase : 'starting';
  }

  /** True from the first SIGTERM on (readiness hangs on this). */
  get terminating(): boolean {
    return this.machine.terminating;
  }

  /** Starts the child unless a TERM or INT has already arrived. */
  start(): Promise<number> {
    attachSignals((signal) => this.onSignal(signal));
    if (this.stoppedBeforeStart !== undefined) return this.exitCode;
    const [file, ...args] = this.deps.options.command;
    const child = spawn(file!, args, { stdio: 'inherit', detached: true });
    this.child = child;
    this.deps.reaper.claim(child.pid);
    child.once('error', (err: NodeJS.ErrnoException) => this.onSpawnError(err));
    child.once('exit', (code, signal) => {
      const status: ChildStatus = signal ? { signal: signalNumber(signal) } : { code: code ?? 0 };
      this.onChildExit(status);
    });
    if (child.pid !== undefined) {
      this.started = true;
      this.deps.log.info('child-start', `started ${this.deps.options.command.join(' ')} (pid ${child.pid}, ` +
        `graceinit is ${process.pid === 1 ? 'PID 1' : `pid ${process.pid}, a child subreaper`})`, { pid: child.pid });
    }
    return this.exitCode;
  }

  private stoppedBeforeStart: number | undefined;

  private onSignal(signal: number): void {
    if (signal === SIGPIPE && takeOwnSigpipe()) return; // raised by our own write to a closed stderr
    if (signal === SIGCHLD) {
      const reaped = this.deps.reaper.reap();
      if (reaped > 0) this.deps.log.debug('reap', `reaped ${reaped} orphan(s)`, { reaped });
      return;
    }
    const reaction = reactionTo(this.phase, signal);
    this.deps.log.debug('signal', `received ${signalName(signal)}: ${reaction}`, { signal: signalName(signal), reaction });
    switch (reaction) {
      case 'start-shutdown':
        this.machine.begin();
        return;
      case 'skip-to-stop':
        this.machine.skipToStop();
        return;
      case 'forward':
        this.forward(signal);
        return;
      case 'exit-before-start':
        if (this.stoppedBeforeStart !== undefined) return;
        this.stoppedBeforeStart = signal;
        this.deps.log.info('stopped-before-start', `received ${signalName(signal)} before the child started: not starting it`);
        this.finish(exitCodeFor({ signal }, this.deps.options.exitCodeMap));
        return;
      case 'ignore':
        return;
    }
  }

  private forward(received: number): void {
    const signal = applyRewrite(this.deps.options.rewrite, received);
    if (signal === 0) {
      this.deps.log.debug('signal-dropped', `dropped ${signalName(received)} (--rewrite)`);
      return;
    }
    this.deliver(signal);
  }

  private deliver(signal: number): void {
    const pid = this.child?.pid;
    if (this.deps.options.forwardTo === 'group') signalGroup(pid, signal);
    else signalProcess(pid, signal);
  }

  private sendStopSignal(): void {
    this.deliver(this.deps.options.stopSignal);
  }

  private runPreStop(index: number): PreStopRun {
    const { options, log, reaper, env } = this.deps;
    const step = options.preStops[index]!;
    return runCommandPreStop({
      label: `pre-stop ${index + 1}/${options.preStops.length}`,
      command: describePreStop(step),
      timeoutMs: options.preStopTimeoutMs,
      env,
      log,
      reaper,
    });
  }

  private logPhase(phase: Phase, detail?: string): void {
    const { options, log } = this.deps;
    const messages: Partial<Record<Phase, string>> = {
      terminating: `SIGTERM received: shutting down (${options.preStops.length} pre-stop action(s), delay ${options.delayMs}ms)`,
      delaying: `delaying ${options.delayMs}ms before the stop signal`,
      stopping: `sent ${signalName(options.stopSignal)} to the ${options.forwardTo === 'group' ? 'child\'s process group' : 'child'}`,
      killing: 'sent SIGKILL to the child\'s process group',
    };
    const text = messages[phase];
    if (text) log.info(`phase-${phase}`, detail ? `${text} (${detail})` : text, { to_phase: phase });
  }

  private onSpawnError(err: NodeJS.ErrnoException): void {
    if (this.child?.pid !== undefined) {
      this.deps.log.error('child-error', `child process error: ${err.message}`);
      return;
    }
    const command = this.deps.options.command[0]!;
    const notFound = err.code === 'ENOENT';
    this.deps.log.error('child-spawn-failed', notFound
      ? `command not found: ${command}`
      : `cannot execute ${command}: ${err.code === 'EACCES' ? 'permission denied' : err.message}`);
    this.deps.reaper.release(this.child?.pid);
    this.finish(notFound ? EXIT_NOT_FOUND : EXIT_NOT_EXECUTABLE);
  }

  private onChildExit(status: ChildStatus): void {
    const { log, options, reaper } = this.deps;
    const pid = this.child?.pid;
    this.machine.childExited();
    reaper.release(pid);
    // The app is gone: whatever it left in its group goes too, and graceinit exits with its status.
    signalGroup(pid, 'SIGKILL');
    reaper.reap();
    const code = exitCodeFor(status, options.exitCodeMap);
    const how = status.signal !== undefined ? `was killed by ${signalName(status.signal)}` : `exited with code ${status.code}`;
    log.info('child-exit', `child ${how}; graceinit exits with ${code}`, {
      code: status.code ?? null, signal: status.signal !== undefined ? signalName(status.signal) : null, exit_code: code });
    this.finish(code);
  }

  /** Last resort when graceinit itself fails: never leave the app running without its init. */
  killEverything(): void {
    this.machine.childExited(); // cuts a running pre-stop and clears every timer
    signalGroup(this.child?.pid, 'SIGKILL');
  }
}
