// --health-port: GET/HEAD /livez and /readyz for the kubelet's probes.
//   /livez  200 while the child runs
//   /readyz 200 while the child runs, no shutdown has begun and the app's own checks pass;
//           503 "shutting down" from the instant the shutdown begins (before any pre-stop runs)
// The server is small and bounded so a misbehaving client cannot slow graceinit or the app: short
// header/request/keep-alive timeouts, small headers, capped connections, request bodies refused.
import * as http from 'node:http';
import type { Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { ReadyCheck } from './app-ready.js';
import type { Logger } from './log.js';
import type { HostPort } from './readiness-options.js';

/** What the supervisor tells the health endpoint. */
export interface HealthStatus {
  childRunning(): boolean;
  readonly terminating: boolean;
}

export interface Answer {
  status: number;
  body: string;
}

const LIMITS = {
  maxHeaderSize: 8 * 1024,
  headersTimeout: 5_000,
  requestTimeout: 5_000,
  keepAliveTimeout: 2_000,
  /** Idle sockets (a client that connects and says nothing). */
  socketTimeout: 10_000,
  /**
   * Connections held at once. Past it the oldest connection is dropped to make room, rather than the new
   * one refused: a probe takes milliseconds, so the oldest is a client that holds a socket open (idle,
   * or trickling its headers), and a flood of those must never keep the kubelet's probe out.
   */
  maxConnections: 128,
  maxBody: 1024,
};

export function liveness(status: HealthStatus): Answer {
  return status.childRunning() ? { status: 200, body: 'alive' } : { status: 503, body: 'child not running' };
}

/** The /readyz answer; `onAppReadiness` hears the app check's verdict (for a log line when it changes). */
export async function readiness(status: HealthStatus, appReady: ReadyCheck | undefined,
  onAppReadiness: (why: string | undefined) => void = () => {}): Promise<Answer> {
  if (status.terminating) return { status: 503, body: 'shutting down' };
  if (!status.childRunning()) return { status: 503, body: 'not ready: child not running' };
  if (appReady) {
    const why = await appReady();
    onAppReadiness(why);
    // The shutdown may have begun while the app was being asked: it wins.
    if (status.terminating) return { status: 503, body: 'shutting down' };
    if (why !== undefined) return { status: 503, body: `not ready: ${why}` };
  }
  return { status: 200, body: 'ready' };
}

export interface HealthServer {
  readonly port: number;
  close(): void;
}

export function listenErrorText(err: NodeJS.ErrnoException, where: HostPort): string {
  const at = `${where.host}:${where.port}`;
  switch (err.code) {
    case 'EADDRINUSE':
      return `health endpoint: ${at} is already in use; choose another --health-port (or GRACEINIT_HEALTH_PORT)`;
    case 'EACCES':
      return `health endpoint: no permission to listen on ${at} (ports below 1024 need privileges); choose another --health-port`;
    case 'EADDRNOTAVAIL':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `health endpoint: --health-host ${where.host} is not an address of this container (use 0.0.0.0, :: or one of its IPs)`;
    default:
      return `health endpoint: cannot listen on ${at}: ${err.message}`;
  }
}

/** Listens before the child starts; rejects with the listen error (the caller exits 2). */
export function startHealthServer(where: HostPort, status: HealthStatus, appReady: ReadyCheck | undefined,
  log: Logger): Promise<HealthServer> {
  let lastWhy: string | undefined | null = null; // null: not checked yet
  const onAppReadiness = (why: string | undefined): void => {
    if (why === lastWhy) return;
    // Only changes are logged: the kubelet probes every few seconds.
    if (why === undefined) log.info('app-ready', 'the app is ready (its readiness checks pass)');
    else log.info('app-not-ready', `the app is not ready: ${why}`, { reason: why });
    lastWhy = why;
  };

  const server = http.createServer({
    maxHeaderSize: LIMITS.maxHeaderSize,
    headersTimeout: LIMITS.headersTimeout,
    requestTimeout: LIMITS.requestTimeout,
    // How often the two timeouts above are enforced (Node's default is every 30 s).
    connectionsCheckingInterval: 1_000,
  }, (req, res) => {
    void handle(req, res);
  });
  server.keepAliveTimeout = LIMITS.keepAliveTimeout;
  const open = new Set<Socket>(); // in the order they connected: the first is the oldest
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
    if (open.size > LIMITS.maxConnections) open.values().next().value?.destroy();
  });
  server.setTimeout(LIMITS.socketTimeout, (socket) => socket.destroy());

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    let received = 0;
    req.on('data', (chunk: Buffer) => {
      received += chunk.length;
      if (received > LIMITS.maxBody) req.socket.destroy();
    });
    req.resume();
    const path = (req.url ?? '/').split('?')[0];
    if (path !== '/livez' && path !== '/readyz') return reply(res, req, { status: 404, body: 'not found: try /livez or /readyz' });
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('allow', 'GET, HEAD');
      return reply(res, req, { status: 405, body: 'method not allowed: GET or HEAD' });
    }
    const answer = path === '/livez' ? liveness(status) : await readiness(status, appReady, onAppReadiness);
    reply(res, req, answer);
  }

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(where.port, where.host, () => {
      server.off('error', reject);
      server.on('error', (err) => log.warn('health-error', `health endpoint: ${err.message}`));
      const port = (server.address() as AddressInfo).port;
      log.info('health-listen', `health endpoint on http://${where.host.includes(':') ? `[${where.host}]` : where.host}:${port} ` +
        '(/livez, /readyz)', { host: where.host, port });
      resolve({ port, close: () => server.close() });
    });
  });
}

function reply(res: http.ServerResponse, req: http.IncomingMessage, answer: Answer): void {
  if (res.destroyed) return;
  const body = `${answer.body}\n`;
  res.writeHead(answer.status, {
    'content-type': 'text/plain; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    'cache-control': 'no-store',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
