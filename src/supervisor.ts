// Supervises the child: spawns it in a process group of its own (child-spawn.ts), reacts to every
// signal as the phase says (reactionTo), reaps orphans on SIGCHLD, drives the shutdown machine, and
// settles with the exit code.
// The only module that touches the child's pid.
import type { ChildProcess } from 'node:child_process';
import { isatty } from 'node:tty';
import { spawnChild } from './child-spawn.js';
import { attachSignals } from './early-signals.js';
import { describeSetupProblem, errnoCode, startFailure, type ExecReport } from './exec-report.js';
import { exitCodeFor, type ChildStatus } from './exit-code.js';
import { takeOwnSigpipe, type Logger } from './log.js';
import { findExecHelper, type NativeApi } from './native/index.js';
import type { Options } from './options.js';
import { describePreStop } from './plan.js';
import { signalGroup, signalProcess } from './process-group.js';
import type { Reaper } from './reaper.js';
import { ShutdownMachine, reactionTo, type Phase, type PreStopRun } from './shutdown.js';
import { applyRewrite, signalName, signalNumber } from './signals.js';

const SIGCHLD = signalNumber('SIGCHLD');
const SIGTTOU = signalNumber('SIGTTOU');
const SIGPIPE = signalNumber('SIGPIPE');

export interface SupervisorDeps {
  options: Options;
  log: Logger;
  reaper: Reaper;
  /** Environment for pre-stop commands. */
  env: NodeJS.ProcessEnv;
  /** The addon, when loaded (for the terminal: see blockTerminalWrites). */
  native?: NativeApi;
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
        killGroup: () => this.signalChildGroup('SIGKILL'),
        entered: (phase, _elapsed, detail) => this.logPhase(phase, detail),
      },
    );
    // Until the exec helper has exec'd the command, lines say "starting" as when Node spawns it.
    log.setContext({ phase: () => (this.execPending ? 'starting' : this.phase), elapsed: () => this.machine.elapsed() });
  }

  get phase(): Phase {
    return this.started ? this.machine.phase : 'starting';
  }

  /** True from the first SIGTERM on (readiness hangs on this). */
  get terminating(): boolean {
    return this.machine.terminating;
  }

  /** True from the child's start until its exit (liveness hangs on this). */
  childRunning(): boolean {
    return this.started && this.machine.phase !== 'exited';
  }

  /** Starts the child unless a TERM or INT has already arrived. */
  start(): Promise<number> {
    attachSignals((signal) => this.onSignal(signal));
    if (this.stoppedBeforeStart !== undefined) return this.exitCode;
    const { child, execReport, noHelper } = spawnChild(this.deps.options.command, {
      terminal: isatty(0),
      findHelper: () => findExecHelper(),
      beforeBackground: () => this.blockTerminalWrites(),
    });
    if (noHelper) {
      this.deps.log.warn('no-exec-helper', `stdin is a terminal but the exec helper cannot be used (${noHelper}): ` +
        'the child gets no controlling terminal, so job control is unavailable (rebuild with npm install)');
    }
    this.child = child;
    this.deps.reaper.claim(child.pid);
    child.once('error', (err: NodeJS.ErrnoException) => this.onSpawnError(err));
    child.once('exit', (code, signal) => {
      const status: ChildStatus = signal ? { signal: signalNumber(signal) } : { code: code ?? 0 };
      // Through the helper, an exit may be its failed exec: the report tells, and settles right after.
      if (execReport) void execReport.then((report) => this.onHelperExit(status, report));
      else this.onChildExit(status);
    });
    if (child.pid !== undefined) {
      this.started = true;
      if (!execReport) {
        this.logStarted(child.pid, false);
      } else {
        this.execPending = true;
        void execReport.then((report) => this.onExecReport(report, child.pid!));
      }
    }
    return this.exitCode;
  }

  private execPending = false;

  /**
   * Once the child has the terminal's foreground, graceinit writes its lines from the background. With
   * `stty tostop` each such write would raise SIGTTOU at graceinit (which forwards it and logs that,
   * which writes again: an endless storm; or, as PID 1, the write fails with EIO). A SIGTTOU blocked
   * in the writing thread counts as ignored for its terminal writes; Node's other threads still take a
   * SIGTTOU sent to graceinit, so it is still forwarded.
   */
  private blockTerminalWrites(): void {
    const native = this.deps.native;
    if (native?.blockSignalInThread) native.blockSignalInThread(SIGTTOU);
    else this.deps.log.debug('tostop-unguarded', 'the addon cannot block SIGTTOU: with stty tostop graceinit\'s lines may be lost');
  }

  /** The helper exec'd the command, or could not; its terminal steps are logged either way. */
  private onExecReport(report: ExecReport, pid: number): void {
    // A failed exec stays "starting": graceinit exits on it without the child ever running.
    this.execPending = report.execErrno !== undefined;
    for (const problem of report.setup) {
      if (problem.step === 'background') this.deps.log.info('terminal-background', describeSetupProblem(problem));
      else this.deps.log.warn('terminal-setup', describeSetupProblem(problem), { step: problem.step });
    }
    if (report.execErrno === undefined) this.logStarted(pid, report.setup.length === 0);
  }

  private logStarted(pid: number, terminal: boolean): void {
    this.deps.log.info('child-start', `started ${this.deps.options.command.join(' ')} (pid ${pid}, ` +
      `graceinit is ${process.pid === 1 ? 'PID 1' : `pid ${process.pid}, a child subreaper`})` +
      (terminal ? ', in the terminal\'s foreground' : ''), terminal ? { pid, terminal } : { pid });
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
    if (this.deps.options.forwardTo === 'group') this.signalChildGroup(signal);
    else signalProcess(this.child?.pid, signal);
  }

  /** The child's group is its pid, never graceinit's. That group does not exist yet in the instant
   * before the exec helper's setpgid (or if it failed): then the child alone, while it is not reaped
   * (after that its pid may belong to someone else). */
  private signalChildGroup(signal: number | NodeJS.Signals): void {
    const child = this.child;
    if (signalGroup(child?.pid, signal)) return;
    if (child && child.exitCode === null && child.signalCode === null) signalProcess(child.pid, signal);
  }

  private sendStopSignal(): void {
    this.deliver(this.deps.options.stopSignal);
  }

  private runPreStop(index: number): PreStopRun {
    const { options, log, reaper, env } = this.deps;
    const step = options.preStops[index]!;
    const label = `pre-stop ${index + 1}/${options.preStops.length}`;
    const timeoutMs = options.preStopTimeoutMs;
    // Each runner is loaded at the first pre-stop of its kind, not at start: most runs never shut down
    // with one, and start-up time and memory are what a user of an init pays on every container start
    // (docs/benchmarks.md).
    /* eslint-disable @typescript-eslint/no-require-imports */
    switch (step.kind) {
      case 'command': {
        const { runCommandPreStop } = require('./prestop/command.js') as typeof import('./prestop/command.js');
        return runCommandPreStop({ label, command: describePreStop(step), timeoutMs, env, log, reaper });
      }
      case 'http': {
        const { runHttpPreStop } = require('./prestop/http.js') as typeof import('./prestop/http.js');
        return runHttpPreStop({ label, step, timeoutMs, log });
      }
      case 'nacos': {
        // resolvePreStops read the target at start-up; without it graceinit would not have started.
        const { runNacosPreStop } = require('./prestop/nacos.js') as typeof import('./prestop/nacos.js');
        return runNacosPreStop({ label, target: step.target!, timeoutMs, log });
      }
    }
    /* eslint-enable @typescript-eslint/no-require-imports */
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
    this.failedToStart(err.code ?? err.message);
  }

  /** The helper exited: either its exec failed (one line, 127/126, as when Node cannot spawn it) or
   * this is the command's own exit. */
  private onHelperExit(status: ChildStatus, report: ExecReport): void {
    if (report.execErrno === undefined) {
      this.onChildExit(status);
      return;
    }
    this.machine.childExited();
    this.failedToStart(errnoCode(report.execErrno));
  }

  private failedToStart(code: string): void {
    const failure = startFailure(this.deps.options.command[0]!, code);
    this.deps.log.error('child-spawn-failed', failure.message);
    this.deps.reaper.release(this.child?.pid);
    this.finish(failure.exitCode);
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
    this.signalChildGroup('SIGKILL');
  }
}
