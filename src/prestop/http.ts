// A --pre-stop-http request: node:http(s), no curl and no shell. The whole action (every try and the
// pauses between them) is bounded by --pre-stop-timeout; up to 3 tries when the answer may change
// (no connection, no answer, 5xx, 408, 429), none more when it will not (another 4xx, a 2xx without the
// expected text). Every failure is logged with the status and an excerpt of the body; the logger masks
// secrets. The shutdown sequence goes on whatever happened.
import { formatDuration } from '../duration.js';
import type { Logger } from '../log.js';
import type { PreStopHttp } from '../readiness-options.js';
import type { PreStopRun } from '../shutdown.js';

export interface HttpCall {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

export interface HttpAnswer {
  status: number;
  /** The first MAX_BODY bytes, as text. */
  body: string;
}

export const MAX_TRIES = 3;
const BACKOFF_MS = [100, 250];
/** Enough for any registry's answer; a longer body is cut (and the connection dropped). */
const MAX_BODY = 16 * 1024;
const EXCERPT = 200;

/** One request. Rejects on a network error, on abort, or when no whole answer came within timeoutMs. */
export function send(call: HttpCall, timeoutMs: number, signal?: AbortSignal): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const url = new URL(call.url);
    const headers: Record<string, string> = { 'user-agent': 'graceinit', ...call.headers };
    if (call.body !== undefined) headers['content-length'] = String(Buffer.byteLength(call.body));
    // node:http(s) are loaded at the first request, not at graceinit's start (docs/benchmarks.md).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const client = require(url.protocol === 'https:' ? 'node:https' : 'node:http') as typeof import('node:http');
    const request = client.request(url, { method: call.method, headers, agent: false, signal });
    const timer = setTimeout(() => request.destroy(new Error(`no answer within ${formatDuration(timeoutMs)}`)), timeoutMs);
    const fail = (err: Error): void => {
      clearTimeout(timer);
      reject(err);
    };
    request.on('error', fail);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = (): void => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      };
      response.on('data', (chunk: Buffer) => {
        chunks.push(chunk);
        size += chunk.length;
        if (size >= MAX_BODY) {
          response.destroy();
          finish();
        }
      });
      response.on('end', finish);
      response.on('error', fail);
    });
    request.end(call.body);
  });
}

/** One line of what a body says, for a log line. */
export function excerpt(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  if (line === '') return '(empty body)';
  return line.length > EXCERPT ? `"${line.slice(0, EXCERPT)}…"` : `"${line}"`;
}

function errorText(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'ECONNREFUSED') return 'connection refused';
  if (e.code === 'ENOTFOUND' || e.code === 'EAI_AGAIN') return `cannot resolve the host (${e.code})`;
  return e.code && !e.message.includes(e.code) ? `${e.message} (${e.code})` : e.message;
}

/** What a try's answer means: success, or why not and whether another try may help. */
export type Verdict = { ok: true } | { ok: false; why: string; retry: boolean };

export function defaultVerdict(answer: HttpAnswer, expect: string | undefined): Verdict {
  const { status, body } = answer;
  if (status >= 200 && status <= 299) {
    if (expect === undefined || body.includes(expect)) return { ok: true };
    return { ok: false, why: `answered ${status} but the body does not contain "${expect}": ${excerpt(body)}`, retry: false };
  }
  return { ok: false, why: `answered ${status}: ${excerpt(body)}`, retry: status >= 500 || status === 408 || status === 429 };
}

export interface TriesContext {
  label: string;
  log: Logger;
  /** performance.now() by which everything must be over. */
  deadline: number;
  signal: AbortSignal;
  /** The request of try n (1-based): lets a caller go round several servers. */
  call(attempt: number): HttpCall;
  verdict(answer: HttpAnswer): Verdict;
}

export type TriesResult =
  | { ok: true; answer: HttpAnswer; tries: number }
  | { ok: false; why: string; tries: number; timedOut: boolean };

/** Up to MAX_TRIES tries within the deadline; each try may use its share of the time that is left. */
export async function withTries(ctx: TriesContext): Promise<TriesResult> {
  let why = 'no time left to try';
  for (let attempt = 1; attempt <= MAX_TRIES; attempt++) {
    const left = ctx.deadline - performance.now();
    if (left <= 0 || ctx.signal.aborted) return { ok: false, why, tries: attempt - 1, timedOut: left <= 0 };
    const call = ctx.call(attempt);
    let verdict: Verdict;
    let answer: HttpAnswer | undefined;
    try {
      answer = await send(call, tryBudget(left, attempt), ctx.signal);
      verdict = ctx.verdict(answer);
    } catch (err) {
      if (ctx.signal.aborted) return { ok: false, why: 'cut', tries: attempt, timedOut: false };
      verdict = { ok: false, why: errorText(err), retry: true };
    }
    if (verdict.ok) return { ok: true, answer: answer!, tries: attempt };
    why = verdict.why;
    const pause = BACKOFF_MS[attempt - 1] ?? 0;
    const again = verdict.retry && attempt < MAX_TRIES && ctx.deadline - performance.now() > pause;
    ctx.log.warn('pre-stop-http-try', `${ctx.label} try ${attempt}/${MAX_TRIES}: ${call.method} ${call.url} ${why}` +
      (again ? `; trying again in ${pause}ms` : ''), { attempt });
    // Out of time: the pauses are spent, or the last try had only what was left.
    if (!again) return { ok: false, why, tries: attempt, timedOut: verdict.retry && ctx.deadline - performance.now() <= pause + 20 };
    await sleep(pause, ctx.signal);
  }
  return { ok: false, why, tries: MAX_TRIES, timedOut: false };
}

/** Try n's share of the time left: an equal part of what the remaining pauses leave over. */
export function tryBudget(leftMs: number, attempt: number): number {
  const triesLeft = MAX_TRIES - attempt + 1;
  const pauses = BACKOFF_MS.slice(attempt - 1, MAX_TRIES - 1).reduce((a, b) => a + b, 0);
  const share = leftMs > pauses * 2 ? (leftMs - pauses) / triesLeft : leftMs / triesLeft;
  return Math.max(1, Math.floor(share));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });
}

export interface HttpPreStopContext {
  label: string; // "pre-stop 1/2"
  step: PreStopHttp;
  timeoutMs: number;
  log: Logger;
}

export function runHttpPreStop(ctx: HttpPreStopContext): PreStopRun {
  const { step, log, label } = ctx;
  const abort = new AbortController();
  const what = `${step.method} ${step.url}`;
  const headers = Object.fromEntries(step.headers.map((h) => [h.name, h.value]));
  const started = performance.now();
  log.info('pre-stop-start', `${label} started: ${what}`);
  const done = withTries({
    label, log, signal: abort.signal,
    deadline: started + ctx.timeoutMs,
    call: () => ({ method: step.method, url: step.url, headers }),
    verdict: (answer) => defaultVerdict(answer, step.expect),
  }).then((result) => logOutcome(ctx, what, result, abort.signal.aborted, performance.now() - started),
    (err: unknown) => log.error('pre-stop-error', `${label} ${what} failed: ${(err as Error).message}`));
  return { done, cancel: () => abort.abort() };
}

/** The closing line of an HTTP pre-stop (also used by the Nacos one). */
export function logOutcome(ctx: { label: string; timeoutMs: number; log: Logger }, what: string, result: TriesResult,
  cut: boolean, tookMs: number): void {
  const { label, log } = ctx;
  const took = formatDuration(tookMs);
  if (result.ok) {
    log.info('pre-stop-http-done', `${label} ${what} answered ${result.answer.status} after ${took}` +
      (result.tries > 1 ? ` (try ${result.tries})` : ''), { status: result.answer.status, tries: result.tries });
  } else if (cut) {
    log.info('pre-stop-cut', `${label} ${what} was cut after ${took}`);
  } else if (result.timedOut) {
    log.warn('pre-stop-timeout', `${label} ${what} gave up at the ${formatDuration(ctx.timeoutMs)} timeout after ` +
      `${result.tries} tr${result.tries === 1 ? 'y' : 'ies'}: ${result.why}`, { tries: result.tries });
  } else {
    log.warn('pre-stop-http-failed', `${label} ${what} failed after ${took}: ${result.why}`, { tries: result.tries });
  }
}
