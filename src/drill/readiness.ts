// When graceinit serves /readyz (its --health-port), the drill watches it and reports when it first
// answered 503: the moment a kubelet's readiness probe would start failing.
import http from 'node:http';

const POLL_MS = 20;

export class ReadinessWatch {
  /** Clock reading when /readyz first answered 503. */
  first503At: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly url: URL, private readonly now: () => number) {}

  start(): void {
    this.poll();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private poll(): void {
    if (this.stopped || this.first503At !== undefined) return;
    const next = (): void => { if (!this.stopped) this.timer = setTimeout(() => this.poll(), POLL_MS); };
    const req = http.get(this.url, { agent: false, timeout: 500 }, (res) => {
      if (res.statusCode === 503 && this.first503At === undefined) this.first503At = this.now();
      res.resume();
      res.on('end', next);
      res.on('error', next);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', next);
  }
}
