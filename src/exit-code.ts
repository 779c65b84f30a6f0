// The one place where graceinit's exit code is decided. Pure.

/** How the child ended: an exit code, or the signal that killed it. */
export type ChildStatus = { code: number; signal?: undefined } | { code?: undefined; signal: number };

export const EXIT_USAGE = 2; // bad input: nothing was started
export const EXIT_NOT_EXECUTABLE = 126; // as a shell: found but cannot be executed
export const EXIT_NOT_FOUND = 127; // as a shell: no such command

/** Child status -> 128+N for signals (as a shell reports it) -> --exit-code-map. */
export function exitCodeFor(status: ChildStatus, map: ReadonlyMap<number, number>): number {
  const raw = status.signal !== undefined ? 128 + status.signal : status.code;
  return map.get(raw) ?? raw;
}
