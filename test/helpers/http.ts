// HTTP for tests, loopback only: a client that reports what a prober sees, and fake servers that
// record every request they get (with the monotonic time it arrived) and answer as a test says.
import * as http from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { monoMs } from './ns.js';

export interface HttpResult {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** One request on a fresh connection; rejects on a network error or after timeoutMs. */
export function request(url: string, options: { method?: string; timeoutMs?: number; body?: string } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', agent: false, timeout: options.timeoutMs ?? 3000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => { body += d; });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${url} within ${options.timeoutMs ?? 3000}ms`)));
    req.on('error', (err: NodeJS.ErrnoException) => reject(Object.assign(new Error(`${options.method ?? 'GET'} ${url}: ${err.message}`), { code: err.code })));
    req.end(options.body);
  });
}

/** The status a prober sees, or the error code when it could not connect. */
export async function probe(url: string): Promise<number | string> {
  try {
    return (await request(url, { timeoutMs: 2000 })).status;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? (err as Error).message;
  }
}

export interface Recorded {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** monoMs() when the request was complete. */
  atMs: number;
}

export type Handler = (req: Recorded, res: http.ServerResponse) => void;

export class FakeServer {
  readonly requests: Recorded[] = [];
  private constructor(private readonly server: http.Server, readonly port: number) {}

  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Listens on a free loopback port; `handler` answers (or, to hang, does not). */
  static start(handler: Handler): Promise<FakeServer> {
    return new Promise((resolve) => {
      let fake: FakeServer;
      const server = http.createServer((req, res) => {
        let body = '';
        req.setEncoding('utf8').on('data', (d: string) => { body += d; });
        req.on('end', () => {
          const url = new URL(req.url ?? '/', 'http://fake');
          const recorded: Recorded = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body, atMs: monoMs() };
          fake.requests.push(recorded);
          handler(recorded, res);
        });
      });
      server.listen(0, '127.0.0.1', () => {
        fake = new FakeServer(server, (server.address() as AddressInfo).port);
        resolve(fake);
      });
    });
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

export function answer(res: http.ServerResponse, status: number, body = '', contentType = 'text/plain'): void {
  res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/** A loopback port nothing listens on (the kernel just gave it out, so it is free for a while). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createTcpServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
