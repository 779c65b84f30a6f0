// What the exec helper (graceinit-exec) reports, and how a failed start reads to the user: one line and
// 127/126 whichever way the child was started (spawned by Node, or exec'd by the helper). Pure.
import { constants } from 'node:os';
import { getSystemErrorMap } from 'node:util';
import { EXIT_NOT_EXECUTABLE, EXIT_NOT_FOUND } from './exit-code.js';

/** One problem the helper had: the step ("tcsetpgrp", "exec", ...) and its errno (0 when none). */
export interface HelperProblem {
  step: string;
  errno: number;
}

export interface ExecReport {
  /** errno of the failed execvp; undefined when the command was exec'd (or the helper died first). */
  execErrno?: number;
  /** Terminal set-up steps that failed: the command still ran, without the terminal. */
  setup: HelperProblem[];
}

/** Parses the helper's report: lines "<step> <errno>"; anything else is ignored. */
export function parseExecReport(text: string): ExecReport {
  const report: ExecReport = { setup: [] };
  for (const line of text.split('\n')) {
    const match = /^([a-z]+) (\d+)$/.exec(line.trim());
    if (!match) continue;
    const errno = Number(match[2]);
    if (match[1] === 'exec') report.execErrno = errno;
    else report.setup.push({ step: match[1]!, errno });
  }
  return report;
}

const ERRORS = getSystemErrorMap(); // -errno -> [code, description], libuv's words
const CODES = new Map(Object.entries(constants.errno).map(([code, errno]) => [errno, code]));
// libuv's table (Node 20) lacks the error of a binary built for another CPU architecture.
const MORE: Readonly<Record<string, string>> = { ENOEXEC: 'exec format error' };

/** "ENOENT" for 2. */
export function errnoCode(errno: number): string {
  return ERRORS.get(-errno)?.[0] ?? CODES.get(errno) ?? `errno ${errno}`;
}

/** "permission denied" for "EACCES"; the code itself when unknown. */
export function errnoDescription(code: string): string {
  for (const [name, description] of ERRORS.values()) if (name === code) return description;
  return MORE[code] ?? code;
}

/** A command that could not be started: the exit code a shell would give and the one line to log. */
export function startFailure(command: string, code: string): { exitCode: number; message: string } {
  if (code === 'ENOENT') return { exitCode: EXIT_NOT_FOUND, message: `command not found: ${command}` };
  return { exitCode: EXIT_NOT_EXECUTABLE, message: `cannot execute ${command}: ${errnoDescription(code)}` };
}

/** The log line for a terminal set-up step that failed (the child runs, without the terminal). */
export function describeSetupProblem(problem: HelperProblem): string {
  if (problem.step === 'background') {
    return 'graceinit is not in the terminal\'s foreground process group: the child was left in the background';
  }
  return `the child could not take the terminal (${problem.step}: ${errnoDescription(errnoCode(problem.errno))}): ` +
    'job control is unavailable';
}
