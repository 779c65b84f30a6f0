// One line per event on stderr: the phase and the time since shutdown began, text or JSON, secrets
// masked. The clock and the phase come from the caller so every line of one event agrees.
import { writeSync } from 'node:fs';
import { redact } from './redact.js';

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export type LogFormat = 'text' | 'json';
export const LOG_LEVELS: readonly LogLevel[] = ['error', 'warn', 'info', 'debug'];
export const LOG_FORMATS: readonly LogFormat[] = ['text', 'json'];

export type Fields = Record<string, string | number | boolean | null | undefined>;

export interface LogContext {
  /** The current phase of the shutdown state machine (or "starting" before the child runs). */
  phase(): string;
  /** Milliseconds since the first SIGTERM, or undefined while no shutdown has begun. */
  elapsed(): number | undefined;
}

export class Logger {
  private readonly secrets = new Set<string>();
  private context: LogContext = { phase: () => 'starting', elapsed: () => undefined };

  constructor(
    private readonly level: LogLevel,
    private readonly format: LogFormat,
    private readonly write: (line: string) => void = writeStderr,
  ) {}

  setContext(context: LogContext): void {
    this.context = context;
  }

  /** Values that must never be printed (tokens, passwords read from the environment). */
  addSecret(value: string | undefined): void {
    if (value) this.secrets.add(value);
  }

  error(event: string, msg: string, fields?: Fields): void { this.log('error', event, msg, fields); }
  warn(event: string, msg: string, fields?: Fields): void { this.log('warn', event, msg, fields); }
  info(event: string, msg: string, fields?: Fields): void { this.log('info', event, msg, fields); }
  debug(event: string, msg: string, fields?: Fields): void { this.log('debug', event, msg, fields); }

  enabled(level: LogLevel): boolean {
    return LOG_LEVELS.indexOf(level) <= LOG_LEVELS.indexOf(this.level);
  }

  log(level: LogLevel, event: string, msg: string, fields: Fields = {}): void {
    if (!this.enabled(level)) return;
    const phase = this.context.phase();
    const elapsed = this.context.elapsed();
    let line: string;
    if (this.format === 'json') {
      line = JSON.stringify({
        time: new Date().toISOString(),
        level,
        phase,
        elapsed_ms: elapsed === undefined ? null : Math.round(elapsed),
        event,
        msg,
        ...fields,
      });
    } else {
      const when = elapsed === undefined ? '' : ` +${(elapsed / 1000).toFixed(3)}s`;
      const tag = level === 'info' ? '' : ` ${level}:`;
      line = `graceinit[${phase}${when}]${tag} ${msg}`;
    }
    // One line per event, whatever a pre-stop printed.
    this.write(redact(line.replace(/[\r\n]+/g, ' '), this.secrets) + '\n');
  }
}

let stderrGone = false;
let ownSigpipePending = false;

function writeStderr(line: string): void {
  if (stderrGone) return;
  try {
    writeSync(2, line);
  } catch (err) {
    // stderr closed or non-blocking and full: losing a log line must never take PID 1 down.
    if ((err as NodeJS.ErrnoException).code === 'EPIPE') {
      // The reader is gone for good. The kernel answered this write with a SIGPIPE to graceinit, which
      // is graceinit's own and must not reach the app; writing on would only raise more of them.
      stderrGone = true;
      ownSigpipePending = true;
    }
  }
}

/** True once, for the SIGPIPE that graceinit's own failed write to stderr raised. */
export function takeOwnSigpipe(): boolean {
  const pending = ownSigpipePending;
  ownSigpipePending = false;
  return pending;
}
