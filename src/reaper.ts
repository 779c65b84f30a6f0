// Reaps orphans: processes re-parented to graceinit (as PID 1, or as a child subreaper otherwise)
// that graceinit did not spawn. The pids graceinit spawned ("ours": the child, the pre-stops) are
// left to libuv, which learns their exit status only by waiting for them itself.
import type { NativeApi } from './native/index.js';

export class Reaper {
  private readonly ours = new Set<number>();
  private oursArray = new Int32Array(0);
  private dirty = false;
  /** Orphans reaped so far (shown in debug logs and the soak's samples). */
  reaped = 0;

  constructor(private readonly native: NativeApi | undefined) {}

  get available(): boolean {
    return this.native !== undefined;
  }

  /** Call in the same tick as spawn(): no SIGCHLD can be handled in between. */
  claim(pid: number | undefined): void {
    if (pid === undefined) return;
    this.ours.add(pid);
    this.dirty = true;
  }

  /** Call from the spawned process's 'exit' event: libuv has reaped it by then. */
  release(pid: number | undefined): void {
    if (pid === undefined) return;
    this.ours.delete(pid);
    this.dirty = true;
  }

  /** Makes graceinit the reaper of its descendants' orphans when it is not PID 1. */
  becomeSubreaper(): boolean {
    if (!this.native) return false;
    return this.native.setChildSubreaper();
  }

  /** Waits for every exited child that is not ours. Cheap when there is nothing to do. */
  reap(): number {
    if (!this.native) return 0;
    if (this.dirty) {
      this.oursArray = Int32Array.from(this.ours);
      this.dirty = false;
    }
    const count = this.native.reapOrphans(this.oursArray);
    this.reaped += count;
    return count;
  }
}
