// Signals to whole process groups. Every process graceinit spawns leads a group of its own (spawned
// detached, so setsid() made its pid the group id), which is how a `sh -c 'sleep 100'` ends entirely.

/** Signals the group `pgid`; false when it is already gone. Never signals graceinit's own group. */
export function signalGroup(pgid: number | undefined, signal: number | NodeJS.Signals): boolean {
  if (pgid === undefined || pgid <= 1 || pgid === process.pid) return false;
  return kill(-pgid, signal);
}

/** Signals one process; false when it is already gone. */
export function signalProcess(pid: number | undefined, signal: number | NodeJS.Signals): boolean {
  if (pid === undefined || pid <= 0 || pid === process.pid) return false;
  return kill(pid, signal);
}

function kill(target: number, signal: number | NodeJS.Signals): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}
