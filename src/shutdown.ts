// The shutdown state machine: one object, one current phase, a timestamp for each phase entered.
//
//   running --TERM--> terminating --(pre-stops done, or 2nd TERM/INT)--> delaying
//   delaying --(delay over, or 2nd TERM/INT)--> stopping (stop signal sent)
//   stopping --(timeout)--> killing (SIGKILL to the group)
//   any phase --(child exits)--> exited (every timer cleared, running pre-stop cut)
//
// Process I/O is injected (effects), so the machine is tested with a fake clock and no processes.
// At most one timer is pending at a time (the delay or the kill timeout) and it belongs to the phase
// that set it; each pre-stop's own timeout belongs to its runner, which `cancel()` clears.
import { killTimeoutMs } from './plan.js';
import { signalNumber } from './signals.js';

export type Phase = 'starting' | 'running' | 'terminating' | 'delaying' | 'stopping' | 'killing' | 'exited';

export const PHASES: readonly Phase[] = ['starting', 'running', 'terminating', 'delaying', 'stopping', 'killing', 'exited'];

/** What a received signal does, by phase. The README's signal table is this function. */
export type Reaction =
  | 'start-shutdown' // begin the sequence
  | 'skip-to-stop' // cut the pre-stops and the delay: send the stop signal now
  | 'forward' // pass it on to the child (after --rewrite)
  | 'exit-before-start' // the child was never started: exit 128+N
  | 'ignore'; // graceinit is already exiting

const SIGINT = signalNumber('SIGINT');
const SIGTERM = signalNumber('SIGTERM');

export function reactionTo(phase: Phase, signal: number): Reaction {
  const stopRequest = signal === SIGTERM || signal === SIGINT;
  switch (phase) {
    case 'starting':
      return stopRequest ? 'exit-before-start' : 'ignore';
    case 'running':
      // SIGINT is the app's business while it runs (Ctrl-C reaches it); only TERM starts the sequence.
      return signal === SIGTERM ? 'start-shutdown' : 'forward';
    case 'terminating':
    case 'delaying':
      // The kubelet or an impatient operator asked again: stop waiting.
      return stopRequest ? 'skip-to-stop' : 'forward';
    case 'stopping':
    case 'killing':
      // The app is stopping now; it may want a second TERM or INT (e.g. a forced stop).
      return 'forward';
    case 'exited':
      return 'ignore';
  }
}

export interface PreStopRun {
  /** Settles when the action has ended, however it ended (never rejects). */
  done: Promise<void>;
  /** Kill it now (its whole process group) and clear its timer. */
  cancel(): void;
}

export interface MachineEffects {
  now(): number;
  setTimer(ms: number, fn: () => void): unknown;
  clearTimer(handle: unknown): void;
  runPreStop(index: number): PreStopRun;
  sendStopSignal(): void;
  killGroup(): void;
  /** Called once per phase entered, after the phase changed. */
  entered(phase: Phase, elapsedMs: number, detail?: string): void;
}

export interface MachineConfig {
  preStopCount: number;
  delayMs: number;
  timeoutMs: number | undefined;
  gracePeriodMs: number;
}

export class ShutdownMachine {
  private current: Phase = 'running';
  private startedAt: number | undefined;
  private timer: unknown;
  private preStop: PreStopRun | undefined;
  /** Time each phase was entered, in ms since the first SIGTERM. */
  readonly enteredAt: Partial<Record<Phase, number>> = {};

  constructor(private readonly config: MachineConfig, private readonly fx: MachineEffects) {}

  get phase(): Phase {
    return this.current;
  }

  /** Milliseconds since the first SIGTERM; undefined before it. */
  elapsed(): number | undefined {
    return this.startedAt === undefined ? undefined : this.fx.now() - this.startedAt;
  }

  get terminating(): boolean {
    return this.startedAt !== undefined;
  }

  /** The first SIGTERM. */
  begin(): void {
    if (this.current !== 'running') return;
    this.startedAt = this.fx.now();
    this.enter('terminating');
    void this.runPreStops();
  }

  /** A second TERM or an INT during the pre-stops or the delay. */
  skipToStop(): void {
    if (this.current !== 'terminating' && this.current !== 'delaying') return;
    this.cancelPending();
    this.enterStopping('skipped the rest of the pre-stops and the delay');
  }

  /** The child is gone: nothing is left to wait for, whatever the phase. */
  childExited(): void {
    if (this.current === 'exited') return;
    this.cancelPending();
    this.enter('exited');
  }

  private async runPreStops(): Promise<void> {
    for (let i = 0; i < this.config.preStopCount; i++) {
      if (this.current !== 'terminating') return;
      this.preStop = this.fx.runPreStop(i);
      await this.preStop.done;
      this.preStop = undefined;
    }
    if (this.current !== 'terminating') return;
    this.enter('delaying');
    if (this.config.delayMs === 0) {
      this.enterStopping();
      return;
    }
    this.timer = this.fx.setTimer(this.config.delayMs, () => {
      this.timer = undefined;
      if (this.current === 'delaying') this.enterStopping();
    });
  }

  private enterStopping(detail?: string): void {
    this.enter('stopping', detail);
    this.fx.sendStopSignal();
    const timeout = killTimeoutMs(this.config, this.elapsed() ?? 0);
    this.timer = this.fx.setTimer(timeout, () => {
      this.timer = undefined;
      if (this.current !== 'stopping') return;
      this.enter('killing', `the app did not exit within ${timeout}ms`);
      this.fx.killGroup();
    });
  }

  private cancelPending(): void {
    if (this.timer !== undefined) {
      this.fx.clearTimer(this.timer);
      this.timer = undefined;
    }
    if (this.preStop) {
      const run = this.preStop;
      this.preStop = undefined;
      run.cancel();
    }
  }

  private enter(phase: Phase, detail?: string): void {
    this.current = phase;
    const elapsed = this.elapsed() ?? 0;
    this.enteredAt[phase] = elapsed;
    this.fx.entered(phase, elapsed, detail);
  }
}
