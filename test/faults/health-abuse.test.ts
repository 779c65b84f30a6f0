// The health endpoint under abuse (the contract of the readiness issue: `--health-port <port>` serves
// GET /livez and /readyz). Abusive connections are cut, probes are still answered within 1 s while
// hundreds of idle or trickling connections are held open, and graceinit's own job, the app's shutdown
// timing, does not move by more than 200 ms.
//
// These tests skip themselves, saying so, while `graceinit --help` does not list --health-port; the
// skip disappears by itself once the option lands.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { describe, type TestContext } from 'node:test';
import { fixture, monoMs, startInit, type InitRun } from '../helpers/ns.js';
import { freePort, pid1OptionTest, sleep } from '../helpers/proc.js';

const PROBE_MS = 1000; // a kubelet probe's default timeoutSeconds
const READY_FLIP_MS = 100; // /readyz turns 503 within this of the SIGTERM (issue: readiness)
/** How long an abusive connection (idle, trickling) may live: the server must cut it by then. */
const CUT_WITHIN_MS = 10_000;
const DELAY_MS = 1000;
const TIMING_MOVE_MS = 200;

interface Outcome {
  /** The status code of the answer, when one came. */
  status?: number;
  /** When the connection ended (closed or reset), in monotonic ms. */
  endedAt?: number;
}

/** One raw connection: writes `request` (if any), records the answer's status and when it ended. */
function rawConnection(port: number, request?: Buffer | string): { socket: Socket; outcome: Outcome; ended: Promise<Outcome> } {
  const outcome: Outcome = {};
  const socket = connect({ host: '127.0.0.1', port });
  let head = '';
  socket.setEncoding('latin1');
  socket.on('data', (chunk: string) => {
    if (outcome.status !== undefined) return;
    head += chunk;
    const match = /^HTTP\/1\.[01] (\d{3})/.exec(head);
    if (match) outcome.status = Number(match[1]);
  });
  socket.on('error', () => {});
  if (request !== undefined) socket.on('connect', () => socket.write(request));
  const ended = new Promise<Outcome>((resolve) => socket.on('close', () => { outcome.endedAt = monoMs(); resolve(outcome); }));
  return { socket, outcome, ended };
}

/** GET path -> [status, ms it took]; throws when no answer came within PROBE_MS. */
async function probe(port: number, path: string): Promise<[number, number]> {
  const started = monoMs();
  const { socket, outcome, ended } = rawConnection(port, `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`);
  const timer = setTimeout(() => socket.destroy(), PROBE_MS);
  await ended;
  clearTimeout(timer);
  const took = monoMs() - started;
  assert.ok(outcome.status !== undefined, `no answer to GET ${path} within ${PROBE_MS}ms`);
  return [outcome.status, took];
}

/** Keeps `size` abusive connections open (reopening those the server cuts) until stop() is called. */
function abusivePool(port: number, size: number, kind: 'idle' | 'trickle'): { stop: () => void; opened: () => number } {
  let stopped = false;
  let opened = 0;
  const sockets = new Set<Socket>();
  const open = (): void => {
    if (stopped) return;
    opened++;
    const { socket, ended } = rawConnection(port);
    sockets.add(socket);
    if (kind === 'trickle') {
      // a request line and then one header byte at a time, never the blank line that ends the headers
      socket.on('connect', () => socket.write('GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: '));
      const timer = setInterval(() => { if (!socket.destroyed) socket.write('a'); }, 200);
      socket.on('close', () => clearInterval(timer));
    }
    void ended.then(() => { sockets.delete(socket); setTimeout(open, 50); });
  };
  for (let i = 0; i < size; i++) open();
  return {
    stop: () => { stopped = true; for (const s of sockets) s.destroy(); },
    opened: () => opened,
  };
}

async function startWithHealth(t: TestContext): Promise<{ run: InitRun; port: number }> {
  const port = await freePort();
  const run = startInit(t, ['--log-format', 'json', '--health-port', String(port), '--delay', String(DELAY_MS / 1000), '--',
    fixture('witness')]);
  await run.waitStdout(/^ready \d+$/m);
  // the endpoint answers once graceinit has bound it
  const deadline = monoMs() + 5000;
  for (;;) {
    try {
      await probe(port, '/livez');
      break;
    } catch (err) {
      if (monoMs() > deadline) throw err;
      await sleep(50);
    }
  }
  return { run, port };
}

/** Sends TERM; checks /readyz says 503 within READY_FLIP_MS; returns when the stop signal reached the app (ms after TERM). */
async function shutdownTiming(run: InitRun, port: number): Promise<number> {
  const termAt = await run.signal('SIGTERM');
  // The promise is 503 within 100 ms of the TERM: graceinit handles the signal on its event loop, so a
  // probe sent in the same instant may still be answered just before.
  let status: number;
  let took: number;
  do {
    [status, took] = await probe(port, '/readyz');
    assert.ok(took < PROBE_MS, `a probe took ${took} ms`);
  } while (status !== 503 && monoMs() - termAt < READY_FLIP_MS);
  assert.equal(status, 503, `/readyz still ${status} ${(monoMs() - termAt).toFixed(0)} ms after SIGTERM`);
  const exit = await run.exited;
  assert.equal(exit.code, 143, run.stderr);
  const stopAt = Number((/^term 1 (\d+)$/m.exec(run.stdout) ?? [])[1]) / 1e6;
  assert.ok(stopAt > 0, `the app did not report its stop signal: ${run.stdout}`);
  return stopAt - termAt;
}

describe('health endpoint abuse', () => {
  pid1OptionTest('1,000 concurrent connections: each is answered or cut, none hangs; a probe right after answers within 1 s',
    ['--health-port'], async (t) => {
      const { run, port } = await startWithHealth(t);
      const conns = Array.from({ length: 1000 }, () =>
        rawConnection(port, 'GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'));
      const started = monoMs();
      const timer = setTimeout(() => { for (const c of conns) c.socket.destroy(); }, CUT_WITHIN_MS);
      await Promise.all(conns.map((c) => c.ended));
      clearTimeout(timer);
      const hung = conns.filter((c) => c.outcome.endedAt! - started >= CUT_WITHIN_MS).length;
      const answered = conns.filter((c) => c.outcome.status === 200).length;
      t.diagnostic(`${answered}/1000 answered 200, all ended after ${(monoMs() - started).toFixed(0)}ms`);
      assert.equal(hung, 0, `${hung} connections neither answered nor cut within ${CUT_WITHIN_MS}ms`);
      const [status, took] = await probe(port, '/livez');
      assert.equal(status, 200);
      t.diagnostic(`probe after the flood: ${took.toFixed(0)}ms`);
      const late = await shutdownTiming(run, port);
      assert.ok(late >= DELAY_MS - 5 && late < DELAY_MS + 300, `stop signal ${late}ms after TERM`);
    }, { timeout: 60_000 });

  pid1OptionTest('oversized headers, garbage bytes, idle and trickling connections are cut; probes still answer',
    ['--health-port'], async (t) => {
      const { run, port } = await startWithHealth(t);
      const oversized = rawConnection(port, `GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Big: ${'a'.repeat(64 * 1024)}\r\n\r\n`);
      const garbage = rawConnection(port, Buffer.concat([randomBytes(4096), Buffer.from('\r\n\r\n')]));
      const idle = rawConnection(port);
      const trickle = rawConnection(port, 'GET /livez HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ');
      const drip = setInterval(() => { if (!trickle.socket.destroyed) trickle.socket.write('a'); }, 200);
      t.after(() => clearInterval(drip));
      const started = monoMs();
      for (let i = 0; i < 3; i++) {
        const [status, took] = await probe(port, '/livez');
        assert.equal(status, 200, 'a probe while abusive connections are open');
        assert.ok(took < PROBE_MS, `probe took ${took}ms`);
        await sleep(200);
      }
      const cut = (c: ReturnType<typeof rawConnection>): Promise<Outcome> =>
        Promise.race([c.ended, sleep(CUT_WITHIN_MS).then(() => c.outcome)]);
      const [o, g, i, tr] = await Promise.all([oversized, garbage, idle, trickle].map(cut));
      for (const [name, outcome] of [['oversized headers', o], ['garbage bytes', g], ['idle', i], ['trickling headers', tr]] as const) {
        t.diagnostic(`${name}: status ${outcome!.status ?? 'none'}, cut after ${outcome!.endedAt ? (outcome!.endedAt - started).toFixed(0) : 'never'}ms`);
        assert.ok(outcome!.endedAt !== undefined, `${name}: the connection was not cut within ${CUT_WITHIN_MS}ms`);
        assert.notEqual(outcome!.status, 200, `${name}: answered 200`);
      }
      const [status] = await probe(port, '/livez');
      assert.equal(status, 200);
      await shutdownTiming(run, port);
    }, { timeout: 60_000 });

  pid1OptionTest('with 300 idle or trickling connections held open: probes answer within 1 s, shutdown timing moves < 200 ms',
    ['--health-port'], async (t) => {
      const quiet = await startWithHealth(t);
      const baseline = await shutdownTiming(quiet.run, quiet.port);

      const { run, port } = await startWithHealth(t);
      const idle = abusivePool(port, 150, 'idle');
      const trickle = abusivePool(port, 150, 'trickle');
      t.after(() => { idle.stop(); trickle.stop(); });
      await sleep(500); // all 300 connected and trickling
      const took: number[] = [];
      for (let i = 0; i < 5; i++) {
        const [status, ms] = await probe(port, i % 2 ? '/readyz' : '/livez');
        assert.equal(status, 200, 'a probe while 300 abusive connections are held');
        took.push(ms);
        await sleep(200);
      }
      const late = await shutdownTiming(run, port);
      idle.stop();
      trickle.stop();
      t.diagnostic(`probes took ${took.map((ms) => ms.toFixed(0)).join(', ')}ms; connections opened: ` +
        `${idle.opened()} idle, ${trickle.opened()} trickling (cut ones are reopened)`);
      t.diagnostic(`stop signal ${late.toFixed(0)}ms after TERM under abuse, ${baseline.toFixed(0)}ms without`);
      assert.ok(Math.abs(late - baseline) < TIMING_MOVE_MS, `the shutdown timing moved by ${(late - baseline).toFixed(0)}ms`);
    }, { timeout: 60_000 });
});
