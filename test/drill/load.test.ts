// The load generator against small in-process servers: each failure kind is classified as a client
// would see it, the open-loop schedule holds its rate, --concurrency bounds what is in flight, and
// connections are new per request unless --keepalive.
import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import { describe, test, type TestContext } from 'node:test';
import { LoadGenerator, classifyError, type LoadConfig } from '../../src/drill/load.js';
import { freePort } from '../helpers/drill.js';

const now = (): number => performance.now();

async function serve(t: TestContext, handler: http.RequestListener): Promise<{ url: URL; connections: () => number }> {
  const server = http.createServer(handler);
  let connections = 0;
  server.on('connection', () => { connections++; });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => { server.closeAllConnections(); server.close(); });
  return { url: new URL(`http://127.0.0.1:${(server.address() as net.AddressInfo).port}/`), connections: () => connections };
}

async function load(config: Partial<LoadConfig> & { target: URL }, ms: number): Promise<LoadGenerator> {
  const gen = new LoadGenerator({ rps: 200, concurrency: 16, requestTimeoutMs: 1000, keepalive: false, now, ...config });
  gen.start();
  await new Promise((r) => setTimeout(r, ms));
  await gen.stop();
  return gen;
}

const outcomes = (gen: LoadGenerator): Record<string, number> =>
  gen.records.reduce<Record<string, number>>((acc, r) => ({ ...acc, [r.outcome]: (acc[r.outcome] ?? 0) + 1 }), {});

describe('load generator', () => {
  test('socket errors are classified', () => {
    const err = (code: string) => Object.assign(new Error(code), { code });
    assert.equal(classifyError(err('ECONNREFUSED')), 'refused');
    assert.equal(classifyError(err('ECONNRESET')), 'reset');
    assert.equal(classifyError(err('EPIPE')), 'reset');
    assert.equal(classifyError(err('ETIMEDOUT')), 'timeout');
    assert.equal(classifyError(err('EADDRNOTAVAIL')), 'error');
  });

  test('holds the asked rate with a new connection per request', async (t) => {
    const server = await serve(t, (_req, res) => res.end('ok'));
    const gen = await load({ target: server.url }, 1000);
    assert.deepEqual(Object.keys(outcomes(gen)), ['ok']);
    assert.ok(Math.abs(gen.sent - 200) <= 10, `sent ${gen.sent} in 1s at 200 req/s`);
    assert.equal(server.connections(), gen.sent, 'one connection per request');
  });

  test('--keepalive reuses at most --concurrency connections', async (t) => {
    const server = await serve(t, (_req, res) => res.end('ok'));
    const gen = await load({ target: server.url, keepalive: true, concurrency: 4 }, 500);
    assert.ok(gen.sent >= 90, `sent ${gen.sent}`);
    assert.ok(server.connections() <= 4, `${server.connections()} connections`);
  });

  test('refused, 5xx, reset and timeout', async (t) => {
    const refused = await load({ target: new URL(`http://127.0.0.1:${await freePort()}/`) }, 200);
    assert.deepEqual(outcomes(refused), { refused: refused.sent });

    const unavailable = await serve(t, (_req, res) => { res.statusCode = 503; res.end('shutting down'); });
    const fivexx = await load({ target: unavailable.url }, 200);
    assert.deepEqual(outcomes(fivexx), { http5xx: fivexx.sent });
    assert.equal(fivexx.records[0]!.status, 503);

    const rude = await serve(t, (req) => req.socket.destroy());
    const reset = await load({ target: rude.url }, 200);
    assert.deepEqual(outcomes(reset), { reset: reset.sent });

    const silent = await serve(t, () => { /* never answers */ });
    const started = now();
    const timeout = await load({ target: silent.url, requestTimeoutMs: 300 }, 200);
    assert.deepEqual(outcomes(timeout), { timeout: timeout.sent });
    assert.ok(now() - started >= 300, 'stop() waits for the requests in flight');
    assert.ok(timeout.records.every((r) => r.endMs - r.startMs >= 290), 'each bounded by --request-timeout');
  });

  test('requests due while --concurrency are in flight wait for a slot; those left at the end are counted', async (t) => {
    const slow = await serve(t, (_req, res) => setTimeout(() => res.end('ok'), 200));
    const gen = await load({ target: slow.url, concurrency: 2, rps: 100 }, 500);
    assert.ok(gen.sent <= 8, `sent ${gen.sent}`);
    assert.ok(gen.notSent >= 40, `not sent ${gen.notSent}`);
    assert.equal(gen.records.length, gen.sent);
  });
});
