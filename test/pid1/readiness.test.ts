// The health endpoint as the kubelet sees it, graceinit being PID 1: /readyz fails the instant the
// shutdown starts while the app still serves, /livez holds until the child exits, the app's own
// readiness (--ready-url, --ready-tcp), HEAD, 404/405, and start-up errors (exit 2, nothing started).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import test, { describe } from 'node:test';
import { freePort, probe, request, sleep } from '../helpers/http.js';
import { ROOT, initCommand, monoMs, pid1Test, startInit, type InitRun } from '../helpers/ns.js';

async function healthUrl(run: InitRun): Promise<string> {
  const match = await run.waitStderr(/"event":"health-listen".*"port":(\d+)/);
  return `http://127.0.0.1:${match[1]}`;
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const deadline = monoMs() + timeoutMs;
  while (!(await check())) {
    if (monoMs() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

interface Probe { sentMs: number; doneMs: number; readyz: number | string; livez: number | string }

/** "200x12 503x40 ECONNREFUSEDx1": what a prober saw, in order, short enough for a failure message. */
function seen(probes: Probe[], key: 'readyz' | 'livez'): string {
  const runs: Array<[number | string, number]> = [];
  for (const p of probes) {
    const last = runs[runs.length - 1];
    if (last && last[0] === p[key]) last[1]++;
    else runs.push([p[key], 1]);
  }
  return `${key}: ${runs.map(([v, n]) => `${v}x${n}`).join(' ')}`;
}

describe('health endpoint as PID 1', () => {
  pid1Test('/readyz is 503 within 100 ms of SIGTERM while the app serves through --delay; /livez is 200 until the child exits', async (t) => {
    const appPort = await freePort();
    const run = startInit(t, ['--log-format', 'json', '--health-port', '0', '--health-host', '127.0.0.1',
      '--ready-url', `http://127.0.0.1:${appPort}/`, '--delay', '1.5', '--', process.execPath, join(ROOT, 'examples', 'server.js')],
    { env: { ...process.env, PORT: String(appPort) } });
    const health = await healthUrl(run);
    await until('/readyz 200 once the app listens', async () => (await probe(`${health}/readyz`)) === 200);

    const probes: Probe[] = [];
    let polling = true;
    const poller = (async () => {
      while (polling) {
        const sentMs = monoMs();
        const [readyz, livez] = await Promise.all([probe(`${health}/readyz`), probe(`${health}/livez`)]);
        probes.push({ sentMs, doneMs: monoMs(), readyz, livez });
        await sleep(10);
      }
    })();
    await sleep(200);
    const termMs = await run.signal('SIGTERM');
    await sleep(700);
    const duringDelay = await request(`http://127.0.0.1:${appPort}/`);
    const exit = await run.exited;
    polling = false;
    await poller;

    assert.equal(exit.code, 0);
    assert.equal(duringDelay.status, 200, 'the app still serves during --delay');
    const before = probes.filter((p) => p.doneMs < termMs);
    assert.ok(before.length > 0 && before.every((p) => p.readyz === 200 && p.livez === 200), seen(before, 'readyz') + seen(before, 'livez'));
    const first503 = probes.find((p) => p.readyz === 503);
    assert.ok(first503, seen(probes, 'readyz'));
    assert.ok(first503.doneMs - termMs <= 100, `/readyz turned 503 ${Math.round(first503.doneMs - termMs)}ms after SIGTERM`);
    assert.ok(probes.filter((p) => p.sentMs > first503.doneMs).every((p) => p.readyz !== 200), 'no 200 after the first 503');

    // /livez: 200 throughout the delay; after the child's exit graceinit exits too (connection refused).
    const stopMs = termMs + 1500;
    assert.ok(probes.filter((p) => p.doneMs < stopMs - 100).every((p) => p.livez === 200), seen(probes, 'livez'));
    assert.ok(probes.some((p) => p.sentMs > stopMs - 300 && p.livez === 200), 'a 200 from /livez at the end of the delay');
    assert.equal(await probe(`${health}/livez`), 'ECONNREFUSED', 'graceinit exited with its child');
    const phases = run.jsonLines().filter((l) => String(l.event).startsWith('phase-')).map((l) => l.event);
    assert.deepEqual(phases, ['phase-terminating', 'phase-delaying', 'phase-stopping']);
  });

  pid1Test('--ready-url pointing at a stopped app gives 503; --ready-tcp follows the port; HEAD, 404 and 405', async (t) => {
    const stoppedPort = await freePort();
    const tcpPort = await freePort();
    // --delay keeps the child (and so graceinit and its endpoint) up for a while after SIGTERM.
    const run = startInit(t, ['--log-format', 'json', '--health-port', '0', '--health-host', '127.0.0.1', '--delay', '1', '--', 'sleep', '30']);
    const health = await healthUrl(run);
    const urlRun = startInit(t, ['--log-format', 'json', '--health-port', '0', '--health-host', '127.0.0.1',
      '--ready-url', `http://127.0.0.1:${stoppedPort}/health`, '--', 'sleep', '30']);
    const urlHealth = await healthUrl(urlRun);
    const tcpRun = startInit(t, ['--log-format', 'json', '--health-port', '0', '--health-host', '127.0.0.1',
      '--ready-tcp', `127.0.0.1:${tcpPort}`, '--', 'sleep', '30']);
    const tcpHealth = await healthUrl(tcpRun);
    await run.waitStderr(/"event":"child-start"/);
    await urlRun.waitStderr(/"event":"child-start"/);
    await tcpRun.waitStderr(/"event":"child-start"/);

    // No app check: ready while the child runs.
    assert.deepEqual(await request(`${health}/readyz`).then((r) => [r.status, r.body]), [200, 'ready\n']);
    const head = await request(`${health}/readyz`, { method: 'HEAD' });
    assert.deepEqual([head.status, head.body, head.headers['content-length']], [200, '', '6']);
    assert.equal((await request(`${health}/livez`, { method: 'HEAD' })).status, 200);
    assert.equal((await request(`${health}/readyz?verbose=1`)).status, 200);
    const notFound = await request(`${health}/healthz`);
    assert.equal(notFound.status, 404);
    const post = await request(`${health}/readyz`, { method: 'POST', body: 'x' });
    assert.deepEqual([post.status, post.headers.allow], [405, 'GET, HEAD']);

    // --ready-url at a port nothing listens on.
    const stopped = await request(`${urlHealth}/readyz`);
    assert.equal(stopped.status, 503);
    assert.match(stopped.body, /^not ready: http:\/\/127\.0\.0\.1:\d+\/health: connection refused\n$/);
    assert.equal((await request(`${urlHealth}/livez`)).status, 200);

    // --ready-tcp: 503 before the app listens, 200 while it does, 503 once it stopped.
    assert.equal((await request(`${tcpHealth}/readyz`)).status, 503);
    const app: Server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => app.listen(tcpPort, '127.0.0.1', resolve));
    assert.equal((await request(`${tcpHealth}/readyz`)).status, 200);
    await new Promise<void>((resolve) => app.close(() => resolve()));
    assert.equal((await request(`${tcpHealth}/readyz`)).status, 503);
    // The log line is written before the answer, but stderr may reach the test after it.
    const changes = () => tcpRun.jsonLines().filter((l) => l.event === 'app-ready' || l.event === 'app-not-ready').map((l) => l.event);
    await tcpRun.until(() => changes().length >= 3, 'three readiness changes in the log').catch(() => undefined);
    assert.deepEqual(changes(), ['app-not-ready', 'app-ready', 'app-not-ready'], 'one log line per change, not per probe');

    await run.signal('SIGTERM');
    await run.waitStderr(/"event":"phase-terminating"/);
    assert.deepEqual(await request(`${health}/readyz`).then((r) => [r.status, r.body]), [503, 'shutting down\n']);
    assert.equal((await run.exited).code, 143);
    for (const r of [urlRun, tcpRun]) await r.signal('SIGTERM');
    for (const r of [urlRun, tcpRun]) assert.equal((await r.exited).code, 143);
  });

  pid1Test('a health port that is taken: one line, exit 2, the child never starts', async (t) => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    t.after(() => busy.close());
    const port = (busy.address() as { port: number }).port;
    const run = startInit(t, ['--health-port', String(port), '--health-host', '127.0.0.1', '--', 'sh', '-c', 'echo started']);
    const exit = await run.exited;
    assert.equal(exit.code, 2);
    assert.equal(run.stdout, '', 'the child did not run');
    const lines = run.stderr.trim().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, new RegExp(`127\\.0\\.0\\.1:${port} is already in use; choose another --health-port`));
  });

  pid1Test('an unknown ${NAME} in a pre-stop URL: one line naming it, exit 2, the child never starts', async (t) => {
    const env = { ...process.env };
    delete env.NACOS_ADDR;
    const run = startInit(t, ['--pre-stop-http', 'PUT http://${NACOS_ADDR}/nacos/v1/ns/instance?ip=${GRACEINIT_POD_IP}&enabled=false',
      '--', 'sh', '-c', 'echo started'], { env });
    assert.equal((await run.exited).code, 2);
    assert.equal(run.stdout, '');
    assert.equal(run.stderr, 'graceinit: --pre-stop-http "PUT http://${NACOS_ADDR}/nacos/v1/ns/instance?ip=${GRACEINIT_POD_IP}&enabled=false": ' +
      'unknown variable ${NACOS_ADDR} (not in the environment)\n');
    const nacos = startInit(t, ['--nacos-deregister', '--', 'sh', '-c', 'echo started'], { env: { ...env, NACOS_SERVER_ADDR: '', SERVER_PORT: '' } });
    assert.equal((await nacos.exited).code, 2);
    assert.match(nacos.stderr, /^graceinit: --nacos-deregister: missing NACOS_SERVER_ADDR, NACOS_SERVICE_PORT \(or SERVER_PORT\) in the environment\n$/);
  });
});

describe('--print-plan as a command', () => {
  test('prints the plan on stdout and exits 0 without starting anything', () => {
    const result = spawnSync(initCommand()[0]!, [...initCommand().slice(1), '--print-plan', '--health-port', '8081', '--delay', '5',
      '--', 'sh', '-c', 'echo started >&2'], { encoding: 'utf8' });
    assert.equal(result.status, 0);
    assert.equal(result.stderr, '');
    assert.match(result.stdout, /^health endpoint http:\/\/0\.0\.0\.0:8081/);
    assert.match(result.stdout, /\+5s {3}stopping {5}send SIGTERM to the child's process group; wait up to 23s/);
  });
});
