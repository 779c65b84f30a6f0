// Waiting on a process's growing output: poll a predicate, woken early whenever output arrives.
import { monoMs } from './clock.js';

export interface WaitTarget {
  /** True once the process has exited: one last look, then give up. */
  exited(): boolean;
  /** What to show when the wait times out (the output so far). */
  describe(): string;
}

export class OutputWaiter {
  private waiters: Array<() => void> = [];

  constructor(private readonly target: WaitTarget, private readonly pollMs = 50) {}

  /** Call on every piece of output and on exit. */
  wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** Resolves when `predicate` holds; rejects after timeoutMs (or at exit), showing the output. */
  async until<T>(predicate: () => T | undefined | null | false, what: string, timeoutMs = 10_000): Promise<T> {
    const deadline = monoMs() + timeoutMs;
    for (;;) {
      const value = predicate();
      if (value) return value;
      if (monoMs() > deadline || this.target.exited()) {
        const final = predicate();
        if (final) return final;
        throw new Error(`timed out waiting for ${what}\n${this.target.describe()}`);
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.pollMs);
        this.waiters.push(() => { clearTimeout(timer); resolve(); });
      });
    }
  }
}
