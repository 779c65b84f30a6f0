// Whatever the drill started dies with it, however the drill ends: Ctrl-C, SIGTERM, SIGHUP, an uncaught
// error or a normal exit. The drill is an ordinary process (not PID 1), so signal-exit can hook every
// one of those paths, and re-raise the signal afterwards so the shell sees the usual 128+N.
import { readdirSync, readFileSync } from 'node:fs';
import { onExit } from 'signal-exit';

/** Roots of process trees to SIGKILL on exit (unshare, or graceinit itself when run plainly). */
const roots = new Set<number>();
let hooked = false;

/** The pid -> parent pid table of the whole machine, from /proc. */
function parents(): Map<number, number> {
  const table = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: the fields start after the last ')'.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      table.set(Number(name), ppid);
    } catch {
      // gone meanwhile
    }
  }
  return table;
}

/** Every descendant of `root` (not root itself), parents before children. */
export function descendantsOf(root: number): number[] {
  const table = parents();
  const result: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    for (const [child, parent] of table) {
      if (parent === pid) {
        result.push(child);
        queue.push(child);
      }
    }
  }
  return result;
}

function kill(pid: number, group: boolean): void {
  try {
    process.kill(group ? -pid : pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * SIGKILLs `root`'s whole tree: its group (spawned detached, so it leads one) and every descendant found
 * in /proc. The tree matters when graceinit runs plainly: its app and pre-stops lead groups of their own
 * and would outlive it. Inside a PID namespace the kernel also ends them all with its PID 1.
 */
export function killTree(root: number): void {
  const killed = new Set<number>([root]);
  // Twice: a process forked while the first pass ran is caught by the second.
  for (let pass = 0; pass < 2; pass++) {
    const tree = descendantsOf(root);
    kill(root, true);
    kill(root, false);
    for (const pid of tree) {
      kill(pid, false);
      killed.add(pid);
    }
  }
  waitUntilDead(killed, DEAD_WITHIN_MS);
}

/** How long the drill's exit may wait for what it killed to be gone (the kernel tears down async). */
const DEAD_WITHIN_MS = 2000;

/**
 * A SIGKILLed process still holds its sockets for a moment (its memory goes first, its files later):
 * waits, synchronously since exit hooks cannot await, until each is gone or a zombie, so that once the
 * drill has exited the app's port is free for the next run.
 */
function waitUntilDead(pids: Set<number>, withinMs: number): void {
  const deadline = Date.now() + withinMs;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    for (const pid of pids) if (isDead(pid)) pids.delete(pid);
    if (pids.size === 0 || Date.now() > deadline) return;
    Atomics.wait(pause, 0, 0, 5);
  }
}

function isDead(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return true;
  }
}

/** Kills `root`'s tree when the drill exits, whatever the way. Returns the function that forgets it. */
export function killOnExit(root: number): () => void {
  if (!hooked) {
    hooked = true;
    onExit(() => {
      for (const pid of roots) killTree(pid);
      roots.clear();
    }, { alwaysLast: true });
  }
  roots.add(root);
  return () => { roots.delete(root); };
}
