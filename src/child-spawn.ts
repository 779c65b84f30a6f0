// How the child is started. Without a terminal on stdin: spawned detached, so setsid() gives it a
// session and process group of its own (its pid is its group id) and nothing about a terminal applies.
// With a terminal: through the exec helper, which puts the child in a group of its own that is the
// terminal's foreground group, so Ctrl-C, Ctrl-Z and window-size changes reach it from the kernel and
// an interactive shell gets job control. Node cannot run code between fork and exec; the helper is that
// code (README, "Interactive use").
import { spawn, type ChildProcess } from 'node:child_process';
import type { Readable } from 'node:stream';
import { parseExecReport, type ExecReport } from './exec-report.js';
import type { ExecHelperLookup } from './native/index.js';

/** The helper's report channel: fd 3 in the helper, close-on-exec, so an exec closes it silently. */
const REPORT_FD = 3;

export interface SpawnedChild {
  child: ChildProcess;
  /** Only through the helper: settles once the helper exec'd the command or failed (never rejects). */
  execReport?: Promise<ExecReport>;
  /** Set when a terminal was wanted but the helper could not be used: the reason. */
  noHelper?: string;
}

export interface SpawnChildOptions {
  /** stdin is a terminal. */
  terminal: boolean;
  /** Looked up only when `terminal` is set. */
  findHelper: () => ExecHelperLookup;
  /** Runs just before the helper makes graceinit a background process of its terminal. */
  beforeBackground?: () => void;
}

export function spawnChild(command: readonly string[], options: SpawnChildOptions): SpawnedChild {
  const [file, ...args] = command;
  if (!options.terminal) return { child: spawn(file!, args, { stdio: 'inherit', detached: true }) };
  const helper = options.findHelper();
  if (!helper.path) {
    return { child: spawn(file!, args, { stdio: 'inherit', detached: true }), noHelper: helper.detail };
  }
  options.beforeBackground?.();
  // Not detached: the helper starts in graceinit's session, whose controlling terminal this is.
  let child: ChildProcess;
  try {
    child = spawn(helper.path, [String(REPORT_FD), file!, ...args], {
      stdio: ['inherit', 'inherit', 'inherit', 'pipe'],
    });
  } finally {
    // spawn() returns once the helper is exec'd: a copy extracted from the single executable can go.
    helper.release?.();
  }
  return { child, execReport: readReport(child.stdio[REPORT_FD] as Readable | null) };
}

function readReport(stream: Readable | null): Promise<ExecReport> {
  if (!stream) return Promise.resolve({ setup: [] });
  return new Promise((resolve) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => { text += chunk; });
    stream.on('error', () => { /* the helper is gone: what arrived is all there is */ });
    stream.once('close', () => resolve(parseExecReport(text)));
  });
}
