// --print-plan's text for two configurations, and the example Deployment whose
// terminationGracePeriodSeconds must match the plan of its own args.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parseCli } from '../../src/cli.js';
import { validateOptions } from '../../src/options.js';
import { buildPlan } from '../../src/plan.js';
import type { PodVariables } from '../../src/pod.js';
import { printPlanText } from '../../src/print-plan.js';
import { ROOT } from '../helpers/ns.js';

const pod: PodVariables = { GRACEINIT_POD_IP: '10.0.0.5', GRACEINIT_HOSTNAME: 'shop-7d4b9c6f5d-2xk8p', GRACEINIT_APP_NAME: 'shop' };

function plan(argv: string[], env: NodeJS.ProcessEnv = {}): string {
  const cli = parseCli(argv, env, '0.0.0');
  if (cli.kind !== 'run') throw new Error('unexpected exit');
  return printPlanText(validateOptions(cli.raw), env, pod);
}

describe('--print-plan', () => {
  it('a command pre-stop and a delay: every phase with its bound, the kill time, the grace period', () => {
    assert.equal(plan(['--print-plan', '--pre-stop', 'deregister.sh', '--delay', '15', '--grace-period', '30', '--', 'node', 'server.js']), [
      'shutdown plan (worst case, from the first SIGTERM):',
      '  +0ms  terminating  SIGTERM received: readiness fails from now on',
      '  +0ms  terminating  pre-stop 1/1: deregister.sh (at most 10s)',
      '  +10s  delaying     delay 15s while the app keeps serving',
      '  +25s  stopping     send SIGTERM to the child\'s process group; wait up to 3s (what remains of the grace period less 2s)',
      '  +28s  killing      SIGKILL to the child\'s process group if it is still running',
      '  +30s  grace period the kubelet (or docker stop) sends SIGKILL to everything',
      'fits: worst case 28s within the grace period of 30s',
      'Kubernetes: terminationGracePeriodSeconds: 30 (--grace-period)',
      'command: node server.js',
      '',
    ].join('\n'));
  });

  it('health endpoint, Nacos, HTTP pre-stops in order, an overrun and what would stop the start', () => {
    const env = { NACOS_SERVER_ADDR: 'nacos:8848', SERVER_PORT: '8080', NACOS_PASSWORD: 'pw-not-shown', NACOS_USERNAME: 'nacos' };
    const text = plan(['--print-plan', '--health-port', '8081', '--ready-url', 'http://127.0.0.1:8080/ready', '--ready-tcp', '127.0.0.1:5432',
      '--nacos-deregister', '--pre-stop-http', 'PUT http://${CONSUL_ADDR}/v1/agent/service/maintenance/${GRACEINIT_APP_NAME}?enable=true',
      '--pre-stop', 'sleep 2', '--pre-stop-http', 'POST http://hooks/drain?token=abc', '--pre-stop-http-expect', 'ok',
      '--pre-stop-timeout', '4s', '--stop-signal', 'QUIT', '--delay', '20', '--timeout', '10', '--grace-period', '40'], env);
    const lines = text.split('\n');
    assert.equal(lines[0], 'health endpoint http://0.0.0.0:8081: /livez 200 while the child runs; /readyz 200 while the child runs, ' +
      'http://127.0.0.1:8080/ready answers 2xx and 127.0.0.1:5432 accepts connections and no SIGTERM has come');
    assert.deepEqual(lines.filter((l) => l.startsWith('  +')), [
      '  +0ms  terminating  SIGTERM received: /readyz answers 503 from now on',
      '  +0ms  terminating  pre-stop 1/4: Nacos: disable this instance (PUT /nacos/v1/ns/instance?...&enabled=false, from NACOS_* variables) (at most 4s)',
      '  +4s   terminating  pre-stop 2/4: PUT http://${CONSUL_ADDR}/v1/agent/service/maintenance/${GRACEINIT_APP_NAME}?enable=true expecting "ok", up to 3 tries (at most 4s)',
      '  +8s   terminating  pre-stop 3/4: sleep 2 (at most 4s)',
      '  +12s  terminating  pre-stop 4/4: POST http://hooks/drain?token=*** expecting "ok", up to 3 tries (at most 4s)',
      '  +16s  delaying     delay 20s while the app keeps serving',
      '  +36s  stopping     send SIGQUIT to the child\'s process group; wait up to 10s',
      '  +40s  grace period the kubelet (or docker stop) sends SIGKILL to everything',
      '  +46s  killing      SIGKILL to the child\'s process group if it is still running',
    ]);
    assert.ok(lines.includes('does NOT fit: worst case 46s exceeds the grace period by 6s'), text);
    assert.ok(lines.includes('note: with this environment graceinit would not start: --pre-stop-http ' +
      '"PUT http://${CONSUL_ADDR}/v1/agent/service/maintenance/${GRACEINIT_APP_NAME}?enable=true": unknown variable ${CONSUL_ADDR} (not in the environment)'), text);
    assert.ok(!text.includes('pw-not-shown') && !text.includes('token=abc'), text);
  });
});

describe('examples/kubernetes/deployment.yaml', () => {
  const yaml = readFileSync(join(ROOT, 'examples', 'kubernetes', 'deployment.yaml'), 'utf8');
  const argsBlock = /^( +)args:\n((?:\1 *- .*\n)+)/m.exec(yaml);
  const args = [...argsBlock![2]!.matchAll(/^ *- "([^"]*)"/gm)].map((m) => m[1]!);
  const grace = Number(/terminationGracePeriodSeconds: (\d+)/.exec(yaml)![1]);

  it('terminationGracePeriodSeconds matches the plan of its own args, and the plan fits', () => {
    const cli = parseCli(['--print-plan', ...args], {}, '0.0.0');
    if (cli.kind !== 'run') throw new Error('unexpected exit');
    const options = validateOptions(cli.raw);
    const shutdown = buildPlan(options);
    assert.equal(shutdown.gracePeriodMs, grace * 1000);
    assert.equal(shutdown.overrunMs, 0);
    assert.ok(printPlanText(options, {}, pod).includes(`terminationGracePeriodSeconds: ${grace} (--grace-period)`));
  });

  it('its readiness probe reads graceinit\'s /readyz on the --health-port', () => {
    const healthPort = args.find((a) => a.startsWith('--health-port='))!.split('=')[1];
    assert.match(yaml, new RegExp(`- name: health\\n +containerPort: ${healthPort}\\n`));
    assert.match(yaml, /readinessProbe:\n(?: +#.*\n)? +httpGet:\n +path: \/readyz\n +port: health\n/);
  });
});
