// examples/kubernetes/deployment-binary.yaml configures graceinit through GRACEINIT_* variables only:
// those values must parse, its grace period must be the pod's terminationGracePeriodSeconds, and the
// worst-case shutdown must fit it. A manifest that drifts from the options fails here, not in a cluster.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parseCli } from '../../src/cli.js';
import { validateOptions } from '../../src/options.js';
import { buildPlan } from '../../src/plan.js';
import { ROOT } from '../helpers/ns.js';

test('deployment-binary.yaml: its GRACEINIT_* settings parse and their plan fits terminationGracePeriodSeconds', () => {
  const manifest = readFileSync(join(ROOT, 'examples', 'kubernetes', 'deployment-binary.yaml'), 'utf8');
  const grace = Number(manifest.match(/terminationGracePeriodSeconds: (\d+)/)?.[1]);
  const env: NodeJS.ProcessEnv = {};
  for (const [, name, value] of manifest.matchAll(/- name: (GRACEINIT_\w+)\n\s+value: "([^"]*)"/g)) env[name!] = value;
  assert.ok(Object.keys(env).length >= 4, `found ${JSON.stringify(env)}`);
  assert.doesNotMatch(manifest, /preStop:/);

  const cli = parseCli(['--', '/docker-entrypoint.sh', 'nginx', '-g', 'daemon off;'], env, '0.0.0');
  if (cli.kind !== 'run') assert.fail(`parseCli asked to exit: ${cli.output}`);
  const options = validateOptions(cli.raw);
  assert.equal(options.gracePeriodMs, grace * 1000);
  assert.equal(options.stopSignal, 3); // QUIT: nginx's graceful stop
  const plan = buildPlan(options);
  assert.deepEqual(plan.warnings, []);
  assert.ok(plan.killAtMs < grace * 1000, `graceinit kills at ${plan.killAtMs}ms, the kubelet at ${grace * 1000}ms`);
});
