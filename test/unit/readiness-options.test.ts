// Parsing of the readiness and HTTP pre-stop options: flags and GRACEINIT_* variables, the shared
// order of --pre-stop and --pre-stop-http, and one-line errors naming the flag or variable.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UsageError, parseCli } from '../../src/cli.js';
import { validateOptions, type Options } from '../../src/options.js';

function options(argv: string[], env: NodeJS.ProcessEnv = {}): Options {
  const cli = parseCli(argv, env, '0.0.0');
  assert.equal(cli.kind, 'run');
  if (cli.kind !== 'run') throw new Error('unreachable');
  return validateOptions(cli.raw);
}

function usage(argv: string[], env: NodeJS.ProcessEnv, pattern: RegExp): void {
  assert.throws(() => options(argv, env), (err: Error) => err instanceof UsageError && pattern.test(err.message) && !err.message.includes('\n'));
}

describe('readiness options', () => {
  it('health endpoint: port, host (default 0.0.0.0), app checks', () => {
    const o = options(['--health-port', '8081', '--ready-url', 'http://127.0.0.1:8080/health', '--ready-tcp', '127.0.0.1:5432', 'app']);
    assert.deepEqual(o.health, { host: '0.0.0.0', port: 8081 });
    assert.equal(o.readyUrl, 'http://127.0.0.1:8080/health');
    assert.deepEqual(o.readyTcp, { host: '127.0.0.1', port: 5432 });
    assert.equal(options(['app']).health, undefined);
  });

  it('the same from GRACEINIT_* variables, a flag winning', () => {
    const env = { GRACEINIT_HEALTH_PORT: '9000', GRACEINIT_HEALTH_HOST: '::', GRACEINIT_READY_TCP: '[::1]:80', GRACEINIT_NACOS_DEREGISTER: 'yes' };
    const o = options(['app'], env);
    assert.deepEqual(o.health, { host: '::', port: 9000 });
    assert.deepEqual(o.readyTcp, { host: '::1', port: 80 });
    assert.deepEqual(o.preStops, [{ kind: 'nacos', target: undefined }]);
    assert.equal(options(['--health-port', '9001', 'app'], env).health?.port, 9001);
  });

  it('bad values: one line naming the flag or the variable', () => {
    usage(['--health-port', '70000', 'app'], {}, /^--health-port: invalid port "70000"/);
    usage(['app'], { GRACEINIT_HEALTH_PORT: 'http' }, /^GRACEINIT_HEALTH_PORT: invalid port "http"/);
    usage(['--health-port', '1', '--ready-tcp', 'localhost', 'app'], {}, /^--ready-tcp: expected host:port/);
    usage(['--health-port', '1', '--ready-url', 'tcp://x:1', 'app'], {}, /^--ready-url: "tcp:\/\/x:1" is not an http/);
    usage(['--ready-url', 'http://x/', 'app'], {}, /^--ready-url: .*needs --health-port/);
    usage(['--health-host', '::', 'app'], {}, /^--health-host needs --health-port/);
    usage(['app'], { GRACEINIT_PRINT_PLAN: 'maybe' }, /^GRACEINIT_PRINT_PLAN: expected 1\/0/);
  });
});

describe('--pre-stop-http', () => {
  it('parses "<METHOD> <URL>", headers and expect for every request', () => {
    const o = options(['--pre-stop-http', 'put http://${NACOS}/nacos/v1/ns/instance?ip=${GRACEINIT_POD_IP}&enabled=false',
      '--pre-stop-http', 'POST https://hooks/x', '--pre-stop-http-header', 'X-Consul-Token: ${TOKEN}',
      '--pre-stop-http-header', 'Accept:text/plain', '--pre-stop-http-expect', 'ok', 'app']);
    const headers = [{ name: 'X-Consul-Token', value: '${TOKEN}' }, { name: 'Accept', value: 'text/plain' }];
    assert.deepEqual(o.preStops, [
      { kind: 'http', method: 'PUT', url: 'http://${NACOS}/nacos/v1/ns/instance?ip=${GRACEINIT_POD_IP}&enabled=false', headers, expect: 'ok' },
      { kind: 'http', method: 'POST', url: 'https://hooks/x', headers, expect: 'ok' },
    ]);
  });

  it('runs in one list with --pre-stop, in command-line order; --nacos-deregister first', () => {
    const o = options(['--pre-stop', 'A', '--pre-stop-http', 'PUT http://h/b', '--pre-stop', 'C', '--nacos-deregister',
      '--pre-stop-http', 'GET http://h/d', 'app']);
    assert.deepEqual(o.preStops.map((s) => s.kind === 'command' ? s.command : s.kind === 'http' ? s.url : 'nacos'),
      ['nacos', 'A', 'http://h/b', 'C', 'http://h/d']);
  });

  it('from the environment, commands come first, then requests, then flags of the other option', () => {
    const env = { GRACEINIT_PRE_STOP: 'A\nB', GRACEINIT_PRE_STOP_HTTP: 'PUT http://h/1\nPUT http://h/2' };
    assert.deepEqual(options(['app'], env).preStops.map((s) => s.kind === 'command' ? s.command : s.kind === 'http' ? s.url : ''),
      ['A', 'B', 'http://h/1', 'http://h/2']);
    assert.deepEqual(options(['--pre-stop', 'Z', 'app'], env).preStops.map((s) => s.kind === 'command' ? s.command : s.kind === 'http' ? s.url : ''),
      ['http://h/1', 'http://h/2', 'Z']);
  });

  it('bad entries: one line naming the flag or the variable', () => {
    usage(['--pre-stop-http', 'http://h/x', 'app'], {}, /^--pre-stop-http: expected "<METHOD> <URL>"/);
    usage(['app'], { GRACEINIT_PRE_STOP_HTTP: 'PUT nacos:8848/x' }, /^GRACEINIT_PRE_STOP_HTTP: "nacos:8848\/x" is not an http/);
    usage(['--pre-stop-http', 'PUT http://h/${A', 'app'], {}, /^--pre-stop-http: malformed "\$\{A"/);
    usage(['--pre-stop-http', 'PUT http://h/', '--pre-stop-http-header', 'no colon', 'app'], {}, /^--pre-stop-http-header: expected "Name: value"/);
    usage(['--pre-stop-http-expect', 'ok', 'app'], {}, /^--pre-stop-http-expect applies to --pre-stop-http requests, and none is set/);
  });
});

describe('--print-plan', () => {
  it('needs no command; a command is still needed without it', () => {
    assert.equal(options(['--print-plan']).printPlan, true);
    assert.deepEqual(options(['--print-plan']).command, []);
    usage([], {}, /^missing command/);
  });
});
