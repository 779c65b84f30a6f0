// Configuration from the environment, as a Kubernetes manifest sets it: a bad GRACEINIT_* value is
// exit 2, one line naming the variable, and nothing started; bounds that overrun the grace period
// are only a warning at start-up, and the app runs.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, type TestContext } from 'node:test';
import { pid1Test, startInit } from '../helpers/ns.js';

function tempFile(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'graceinit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'ran');
}

describe('invalid configuration from the environment', () => {
  const cases: Array<[string, string, RegExp]> = [
    ['GRACEINIT_DELAY', 'abc', /^graceinit: GRACEINIT_DELAY: invalid duration "abc"/],
    ['GRACEINIT_STOP_SIGNAL', 'NOPE', /^graceinit: GRACEINIT_STOP_SIGNAL: unknown signal "NOPE"/],
    ['GRACEINIT_EXIT_CODE_MAP', 'x', /^graceinit: GRACEINIT_EXIT_CODE_MAP: invalid "x" \(expected FROM:TO/],
    ['GRACEINIT_PRE_STOP_TIMEOUT', '-1', /^graceinit: GRACEINIT_PRE_STOP_TIMEOUT: invalid duration "-1"/],
    ['GRACEINIT_FORWARD_TO', 'everyone', /^graceinit: GRACEINIT_FORWARD_TO: expected one of group, child/],
    ['GRACEINIT_DEBUG_RESOURCES_MS', 'often', /^graceinit: GRACEINIT_DEBUG_RESOURCES_MS: expected milliseconds/],
  ];
  for (const [name, value, message] of cases) {
    pid1Test(`${name}=${value}: exit 2, one line naming it, nothing started`, async (t) => {
      const ran = tempFile(t);
      const run = startInit(t, ['--', 'sh', '-c', `touch ${ran}`], { env: { ...process.env, [name]: value } });
      const exit = await run.exited;
      assert.equal(exit.code, 2);
      assert.equal(run.stderr.split('\n').filter(Boolean).length, 1, run.stderr);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
      assert.ok(!existsSync(ran), 'the child ran');
    });
  }

  pid1Test('a flag beats a bad variable: the flag\'s value is used and the app runs', async (t) => {
    const ran = tempFile(t);
    const run = startInit(t, ['--delay', '0', '--', 'sh', '-c', `touch ${ran}`], { env: { ...process.env, GRACEINIT_DELAY: 'abc' } });
    assert.equal((await run.exited).code, 0, run.stderr);
    assert.ok(existsSync(ran));
  });
});

describe('bounds that overrun the grace period', () => {
  pid1Test('a start-up warning says by how much, and the app still runs', async (t) => {
    const ran = tempFile(t);
    const run = startInit(t, ['--', 'sh', '-c', `touch ${ran}; exit 7`], {
      env: {
        ...process.env,
        GRACEINIT_PRE_STOP: 'true\ntrue',
        GRACEINIT_PRE_STOP_TIMEOUT: '5',
        GRACEINIT_DELAY: '20',
        GRACEINIT_TIMEOUT: '4s',
        GRACEINIT_GRACE_PERIOD: '30',
      },
    });
    assert.equal((await run.exited).code, 7, run.stderr);
    assert.ok(existsSync(ran), 'the app did not run');
    const warnings = run.stderr.split('\n').filter((l) => l.includes('warn:'));
    assert.deepEqual(warnings, [
      'graceinit[starting] warn: the shutdown does not fit the grace period: pre-stops 2x5s = 10s + delay 20s + ' +
        'timeout 4s = 34s, 4s more than --grace-period 30s; the kubelet may SIGKILL everything before graceinit is done',
    ]);
  });

  pid1Test('bounds that fit give no warning', async (t) => {
    const run = startInit(t, ['--', 'true'], {
      env: { ...process.env, GRACEINIT_DELAY: '20', GRACEINIT_TIMEOUT: '8s', GRACEINIT_GRACE_PERIOD: '30' },
    });
    assert.equal((await run.exited).code, 0, run.stderr);
    assert.doesNotMatch(run.stderr, /warn:/);
  });
});
