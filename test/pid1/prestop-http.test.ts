// HTTP pre-stops and --nacos-deregister against fake registries on 127.0.0.1 that answer as the
// documented APIs do, graceinit being PID 1: what each server received, in which order, and when,
// relative to the stop signal the app got; failures logged and bounded; secrets never in a log line.
import assert from 'node:assert/strict';
import { networkInterfaces } from 'node:os';
import type { ServerResponse } from 'node:http';
import { describe } from 'node:test';
import { FakeServer, answer } from '../helpers/http.js';
import { fixture, pid1Test, startInit, type InitRun } from '../helpers/ns.js';

/** The environment of a pod that sets none of the identity variables itself. */
function podEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const name of ['POD_IP', 'PODIP', 'HOSTNAME', 'APP_NAME', 'NACOS_USERNAME', 'NACOS_PASSWORD', 'NACOS_NAMESPACE', 'NACOS_SERVICE_PORT']) delete env[name];
  return { ...env, ...extra };
}

/** What graceinit should find as the pod's IP: the first non-internal IPv4 address (or POD_IP when there is none). */
function expectedPodIp(): { ip: string; env: Record<string, string> } {
  for (const list of Object.values(networkInterfaces())) {
    const found = list?.find((a) => !a.internal && a.family === 'IPv4');
    if (found) return { ip: found.address, env: {} };
  }
  return { ip: '10.99.0.7', env: { POD_IP: '10.99.0.7' } };
}

async function fake(t: { after(fn: () => Promise<void>): void }, handler: Parameters<typeof FakeServer.start>[0]): Promise<FakeServer> {
  const server = await FakeServer.start(handler);
  t.after(() => server.close());
  return server;
}

/** Starts graceinit over sigcatch (exits 0 on TERM), sends SIGTERM once it runs; returns when all is over. */
async function shutdown(t: Parameters<typeof startInit>[0], args: string[], env: NodeJS.ProcessEnv):
Promise<{ run: InitRun; termMs: number; stopMs: number; code: number | null }> {
  const run = startInit(t, ['--log-format', 'json', ...args, '--', fixture('sigcatch'), 'exit:15:0'], { env });
  await run.waitStdout(/^ready \d+$/m);
  const termMs = await run.signal('SIGTERM');
  const exit = await run.exited;
  const stop = run.childSignals().find(([sig]) => sig === 15);
  assert.ok(stop, `the app got SIGTERM\n${run.stderr}`);
  return { run, termMs, stopMs: stop[1], code: exit.code };
}

const events = (run: InitRun, name: string): Array<Record<string, unknown>> => run.jsonLines().filter((l) => l.event === name);

describe('--nacos-deregister as PID 1', () => {
  pid1Test('one PUT with the pod IP, port, service name from HOSTNAME and enabled=false, before the stop signal', async (t) => {
    const nacos = await fake(t, (_req, res) => answer(res, 200, 'ok'));
    const pod = expectedPodIp();
    const { run, stopMs, code } = await shutdown(t, ['--nacos-deregister', '--delay', '0.3'], podEnv({
      ...pod.env, NACOS_SERVER_ADDR: nacos.address, HOSTNAME: 'jdd-parking-cloud-admin-5456f59db7-hcdd7', SERVER_PORT: '8080' }));
    assert.equal(code, 0);
    assert.equal(nacos.requests.length, 1, JSON.stringify(nacos.requests.map((r) => `${r.method} ${r.path}`)));
    const put = nacos.requests[0]!;
    assert.equal(put.method, 'PUT');
    assert.equal(put.path, '/nacos/v1/ns/instance');
    assert.deepEqual(Object.fromEntries(put.query), { serviceName: 'jdd-parking-cloud-admin', groupName: 'DEFAULT_GROUP',
      clusterName: 'DEFAULT', ip: pod.ip, port: '8080', enabled: 'false' });
    assert.ok(put.atMs < stopMs, 'the PUT came before the stop signal');
    assert.ok(stopMs - put.atMs >= 250, `--delay 0.3 lies between the PUT and the stop signal (${Math.round(stopMs - put.atMs)}ms)`);
    assert.equal(events(run, 'pre-stop-http-done').length, 1, run.stderr);
  });

  pid1Test('a server answering 500: three tries, each logged with status and body, then the app is stopped at once', async (t) => {
    const nacos = await fake(t, (_req, res) => answer(res, 500, 'caused: com.alibaba.nacos.api.exception.NacosException: db down;'));
    const { run, stopMs, code } = await shutdown(t, ['--nacos-deregister', '--pre-stop-timeout', '5s'], podEnv({
      POD_IP: '10.1.2.3', NACOS_SERVER_ADDR: nacos.address, HOSTNAME: 'web-0', NACOS_SERVICE_PORT: '9000' }));
    assert.equal(code, 0);
    assert.equal(nacos.requests.length, 3);
    const tries = events(run, 'pre-stop-http-try');
    assert.equal(tries.length, 3, run.stderr);
    for (const line of tries) assert.match(String(line.msg), /answered 500: "caused: com\.alibaba\.nacos\.api\.exception\.NacosException: db down;"/);
    assert.equal(events(run, 'pre-stop-http-failed').length, 1, run.stderr);
    const lastTry = nacos.requests[2]!.atMs;
    assert.ok(stopMs - lastTry < 300, `the stop signal follows the last failure (${Math.round(stopMs - lastTry)}ms), not the 5s timeout`);
  });

  pid1Test('a server that hangs: the pre-stop gives up at --pre-stop-timeout and the app is stopped on schedule', async (t) => {
    const hanging: ServerResponse[] = [];
    const nacos = await fake(t, (_req, res) => { hanging.push(res); });
    const { run, termMs, stopMs, code } = await shutdown(t, ['--nacos-deregister', '--pre-stop-timeout', '1s'], podEnv({
      POD_IP: '10.1.2.3', NACOS_SERVER_ADDR: nacos.address, HOSTNAME: 'web-0', SERVER_PORT: '8080' }));
    assert.equal(code, 0);
    const late = stopMs - termMs;
    assert.ok(late >= 950 && late <= 1300, `stop signal ${Math.round(late)}ms after SIGTERM (timeout 1s)`);
    assert.ok(nacos.requests.length >= 2, `it tried again within the timeout (${nacos.requests.length} tries)`);
    const timeout = events(run, 'pre-stop-timeout');
    assert.equal(timeout.length, 1, run.stderr);
    assert.match(String(timeout[0]!.msg), /gave up at the 1s timeout after \d tries: no answer within/);
  });

  pid1Test('with NACOS_USERNAME/NACOS_PASSWORD: login first, the token on the PUT, token and password in no log line', async (t) => {
    const token = 'eyJhbGciOiJIUzI1NiJ9.graceinit-test-token.c2lnbmF0dXJl';
    const password = 'S3cret-nacos-pass';
    let puts = 0;
    let logins = 0;
    const nacos = await fake(t, (req, res) => {
      if (req.method === 'POST' && req.path === '/nacos/v1/auth/login') {
        const form = new URLSearchParams(req.body);
        if (form.get('username') !== 'nacos' || form.get('password') !== password) return answer(res, 403, 'unknown user!');
        // Misbehaving servers quote what they got: the first answers of both calls carry a secret.
        if (++logins === 1) return answer(res, 500, `auth backend timeout for nacos/${form.get('password')}`);
        return answer(res, 200, JSON.stringify({ accessToken: token, tokenTtl: 18000, globalAdmin: true }), 'application/json');
      }
      if (req.method === 'PUT' && req.path === '/nacos/v1/ns/instance') {
        if (req.query.get('accessToken') !== token) return answer(res, 403, 'user not found!');
        if (++puts === 1) return answer(res, 503, `overloaded, retry session ${token} later`);
        return answer(res, 200, JSON.stringify({ code: 0, message: 'success', data: 'ok' }), 'application/json'); // v2 style
      }
      return answer(res, 404, 'not found');
    });
    const { run, stopMs, code } = await shutdown(t, ['--nacos-deregister', '--log-level', 'debug'], podEnv({
      POD_IP: '10.1.2.3', NACOS_SERVER_ADDR: `http://${nacos.address}`, HOSTNAME: 'web-0', SERVER_PORT: '8080',
      NACOS_USERNAME: 'nacos', NACOS_PASSWORD: password, NACOS_NAMESPACE: 'prod' }));
    assert.equal(code, 0);
    assert.deepEqual(nacos.requests.map((r) => `${r.method} ${r.path}`),
      ['POST /nacos/v1/auth/login', 'POST /nacos/v1/auth/login', 'PUT /nacos/v1/ns/instance', 'PUT /nacos/v1/ns/instance']);
    assert.equal(nacos.requests[0]!.query.toString(), '', 'credentials in the body, not the URL');
    assert.equal(nacos.requests[3]!.query.get('namespaceId'), 'prod');
    assert.ok(nacos.requests[3]!.atMs < stopMs);
    assert.deepEqual(events(run, 'pre-stop-http-try').map((l) => String(l.msg).replace(/^.* answered/, 'answered')), [
      'answered 500: "auth backend timeout for nacos/***"; trying again in 100ms',
      'answered 503: "overloaded, retry session *** later"; trying again in 100ms',
    ]);
    assert.equal(events(run, 'pre-stop-http-done').length, 1, run.stderr);
    assert.match(run.stderr, /accessToken=\*\*\*/, 'the lines that had the token are there, masked');
    for (const secret of [token, password, 'graceinit-test-token']) assert.ok(!run.stderr.includes(secret), `"${secret}" in the log:\n${run.stderr}`);
  });
});

describe('recipes against fake registries, as PID 1', () => {
  pid1Test('Nacos v1 by hand: --pre-stop-http with ${NAME} and --pre-stop-http-expect ok, in order with --pre-stop commands', async (t) => {
    const nacos = await fake(t, (req, res) => answer(res, 200, req.query.get('serviceName') === 'web' ? 'ok' : 'instance not found'));
    const { run, stopMs, code } = await shutdown(t, [
      '--pre-stop', 'echo "first $GRACEINIT_APP_NAME $GRACEINIT_POD_IP $GRACEINIT_HOSTNAME"',
      '--pre-stop-http', 'PUT http://${NACOS_ADDR}/nacos/v1/ns/instance?serviceName=${GRACEINIT_APP_NAME}&ip=${GRACEINIT_POD_IP}&port=${SERVER_PORT}&enabled=false',
      '--pre-stop', 'echo third',
      '--pre-stop-http', 'PUT http://${NACOS_ADDR}/nacos/v1/ns/instance?serviceName=other&ip=${GRACEINIT_POD_IP}&port=1&enabled=false',
      '--pre-stop-http-expect', 'ok',
    ], podEnv({ POD_IP: '10.20.30.40', HOSTNAME: 'web-0', NACOS_ADDR: nacos.address, SERVER_PORT: '8080' }));
    assert.equal(code, 0);
    assert.deepEqual(nacos.requests.map((r) => Object.fromEntries(r.query)), [
      { serviceName: 'web', ip: '10.20.30.40', port: '8080', enabled: 'false' },
      { serviceName: 'other', ip: '10.20.30.40', port: '1', enabled: 'false' }, // a body without "ok" is not tried again
    ]);
    const story = run.jsonLines()
      .filter((l) => ['pre-stop-output', 'pre-stop-http-done', 'pre-stop-http-try', 'phase-stopping'].includes(String(l.event)))
      .map((l) => String(l.msg).replace(/http:\/\/127\.0\.0\.1:\d+/, 'NACOS'));
    assert.deepEqual(story, [
      'pre-stop 1/4 | first web 10.20.30.40 web-0',
      'pre-stop 2/4 PUT NACOS/nacos/v1/ns/instance?serviceName=web&ip=10.20.30.40&port=8080&enabled=false answered 200 after ' +
        story[1]!.split(' after ')[1],
      'pre-stop 3/4 | third',
      'pre-stop 4/4 try 1/3: PUT NACOS/nacos/v1/ns/instance?serviceName=other&ip=10.20.30.40&port=1&enabled=false ' +
        'answered 200 but the body does not contain "ok": "instance not found"',
      'sent SIGTERM to the child\'s process group',
    ]);
    assert.ok(nacos.requests[1]!.atMs < stopMs);
  });

  pid1Test('Consul maintenance mode and Eureka OUT_OF_SERVICE, with a token header that never reaches the log', async (t) => {
    const token = 'c0nsul-acl-token-8f14e45f';
    let consulCalls = 0;
    const consul = await fake(t, (req, res) => {
      if (req.headers['x-consul-token'] !== token) return answer(res, 403, 'Permission denied');
      if (req.method !== 'PUT' || !req.path.startsWith('/v1/agent/service/maintenance/')) return answer(res, 405, '');
      if (req.path !== '/v1/agent/service/maintenance/orders') return answer(res, 404, `Unknown service ID "${req.path.split('/').pop()}"`);
      // A first failure whose body quotes the token, as an agent's error may.
      if (++consulCalls === 1) return answer(res, 500, `rpc error making call: token ${token}: No cluster leader`);
      return answer(res, 200, '');
    });
    const eureka = await fake(t, (req, res) => {
      const match = /^\/eureka\/apps\/([^/]+)\/([^/]+)\/status$/.exec(req.path);
      if (req.method !== 'PUT' || !match) return answer(res, 404, '');
      const known = match[1] === 'ORDERS' && decodeURIComponent(match[2]!) === 'orders-7d4b9c6f5d-2xk8p:orders:8080';
      return answer(res, known && req.query.get('value') === 'OUT_OF_SERVICE' ? 200 : 404, '');
    });
    const { run, stopMs, code } = await shutdown(t, [
      '--pre-stop-http', 'PUT http://${CONSUL_HTTP_ADDR}/v1/agent/service/maintenance/${GRACEINIT_APP_NAME}?enable=true&reason=graceinit',
      '--pre-stop-http', 'PUT http://${EUREKA_ADDR}/eureka/apps/${EUREKA_APP}/${GRACEINIT_HOSTNAME}:${GRACEINIT_APP_NAME}:8080/status?value=OUT_OF_SERVICE',
      '--pre-stop-http-header', 'X-Consul-Token: ${CONSUL_TOKEN}',
      '--log-level', 'debug',
    ], podEnv({ HOSTNAME: 'orders-7d4b9c6f5d-2xk8p', CONSUL_HTTP_ADDR: consul.address, CONSUL_TOKEN: token,
      EUREKA_ADDR: eureka.address, EUREKA_APP: 'ORDERS' }));
    assert.equal(code, 0);
    assert.deepEqual(consul.requests.map((r) => `${r.method} ${r.path}?${r.query}`), [
      'PUT /v1/agent/service/maintenance/orders?enable=true&reason=graceinit',
      'PUT /v1/agent/service/maintenance/orders?enable=true&reason=graceinit',
    ]);
    assert.equal(eureka.requests.length, 1);
    assert.equal(eureka.requests[0]!.path, '/eureka/apps/ORDERS/orders-7d4b9c6f5d-2xk8p:orders:8080/status');
    assert.ok(consul.requests[1]!.atMs < eureka.requests[0]!.atMs && eureka.requests[0]!.atMs < stopMs, 'in order, before the stop signal');
    assert.equal(events(run, 'pre-stop-http-done').length, 2, run.stderr);
    assert.match(String(events(run, 'pre-stop-http-try')[0]?.msg), /answered 500: "rpc error making call: token \*\*\*: No cluster leader"/);
    assert.ok(!run.stderr.includes(token), run.stderr);
  });
});
