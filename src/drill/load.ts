// The load generator: GET requests on a fixed schedule (open loop: request i is due at i/rps whatever
// the app does, so a slow app cannot slow the load down and hide failures), at most --concurrency in
// flight (a due request waits for a free slot, so a short stall only delays it), each bounded by
// --request-timeout, every outcome classified.
import http from 'node:http';

export type Outcome = 'ok' | 'refused' | 'reset' | 'timeout' | 'http5xx' | 'error';
export const FAILURES: readonly Outcome[] = ['refused', 'reset', 'timeout', 'http5xx', 'error'];

export interface RequestRecord {
  /** Drill clock (ms), when the request was sent and when its outcome was known. */
  startMs: number;
  endMs: number;
  outcome: Outcome;
  status?: number;
  /** The error code for failures without an HTTP status (ECONNREFUSED...). */
  code?: string;
}

export interface LoadConfig {
  target: URL;
  rps: number;
  concurrency: number;
  requestTimeoutMs: number;
  keepalive: boolean;
  /** The drill's clock, in ms. */
  now: () => number;
}

class RequestTimeout extends Error {
  readonly code = 'ETIMEDOUT';
}

/** Socket errors -> what a load balancer's client would have seen. Pure. */
export function classifyError(err: NodeJS.ErrnoException): Outcome {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'refused';
    case 'ECONNRESET': // also Node's "socket hang up": the connection closed before a full answer
    case 'EPIPE':
    case 'ECONNABORTED':
      return 'reset';
    case 'ETIMEDOUT':
      return 'timeout';
    default:
      return 'error';
  }
}

export function classifyStatus(status: number): Outcome {
  return status >= 500 ? 'http5xx' : 'ok';
}

export class LoadGenerator {
  readonly records: RequestRecord[] = [];
  /** Requests that fell due but were still waiting for a free slot (--concurrency) when the load stopped. */
  notSent = 0;
  startedAt: number | undefined;
  stoppedAt: number | undefined;
  private issued = 0;
  /** Due, waiting for one of the --concurrency slots. */
  private waiting = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private idle: (() => void) | undefined;
  private readonly agent: http.Agent;

  constructor(private readonly config: LoadConfig) {
    this.agent = new http.Agent({
      keepAlive: config.keepalive,
      // With keep-alive, one socket per request in flight; without, every request opens its own.
      maxSockets: config.keepalive ? config.concurrency : Infinity,
    });
  }

  get sent(): number {
    return this.issued - this.waiting - this.notSent;
  }

  start(): void {
    this.startedAt = this.config.now();
    this.tick();
  }

  /** Stops the schedule, then settles once every request in flight has its outcome. */
  async stop(): Promise<void> {
    if (this.stoppedAt === undefined) this.stoppedAt = this.config.now();
    this.notSent += this.waiting;
    this.waiting = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.inFlight > 0) await new Promise<void>((resolve) => { this.idle = resolve; });
    this.agent.destroy();
  }

  private tick(): void {
    if (this.stoppedAt !== undefined) return;
    const intervalMs = 1000 / this.config.rps;
    const elapsed = this.config.now() - this.startedAt!;
    // Every request whose time has come is due now, even after a stalled event loop: the schedule holds.
    const due = Math.floor(elapsed / intervalMs) + 1;
    this.waiting += due - this.issued;
    this.issued = due;
    this.drain();
    const next = this.startedAt! + this.issued * intervalMs;
    this.timer = setTimeout(() => this.tick(), Math.max(0, next - this.config.now()));
  }

  /** Sends what is due while fewer than --concurrency requests are in flight; the rest waits for a slot. */
  private drain(): void {
    while (this.waiting > 0 && this.inFlight < this.config.concurrency && this.stoppedAt === undefined) {
      this.waiting--;
      this.send();
    }
  }

  private send(): void {
    const { target, requestTimeoutMs, now } = this.config;
    const startMs = now();
    this.inFlight++;
    let settled = false;
    const settle = (outcome: Outcome, extra: { status?: number; code?: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      this.records.push({ startMs, endMs: now(), outcome, ...extra });
      this.inFlight--;
      if (this.inFlight === 0 && this.idle) this.idle();
      this.drain();
    };
    const req = http.request({
      agent: this.agent,
      host: target.hostname.replace(/^\[|\]$/g, ''),
      port: target.port || 80,
      path: target.pathname + target.search,
      method: 'GET',
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      req.destroy(new RequestTimeout(`no answer within ${requestTimeoutMs}ms`));
    }, requestTimeoutMs);
    const failed = (err: NodeJS.ErrnoException, status?: number): void =>
      settle(timedOut ? 'timeout' : classifyError(err), { status, code: timedOut ? 'ETIMEDOUT' : err.code });
    req.on('response', (res) => {
      const status = res.statusCode ?? 0;
      res.on('end', () => settle(classifyStatus(status), { status }));
      res.on('error', (err: NodeJS.ErrnoException) => failed(err, status));
      // The body was cut short (a reset after the headers): the client did not get its answer.
      res.on('close', () => { if (!res.complete) failed(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }), status); });
      res.resume();
    });
    req.on('error', (err: NodeJS.ErrnoException) => failed(err));
    req.end();
  }
}
