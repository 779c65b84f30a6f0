// The drill's command line: its own options next to graceinit's, defaults, env variables, errors, and
// the graceinit command line each run gets (flags and GRACEINIT_* alike; --compare's plain baseline).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError, parseCli } from '../../src/cli.js';
import { OPTION_SPECS } from '../../src/option-specs.js';
import { DRILL_SPECS, childEnv, graceinitArgs, planRuns, validateDrillOptions } from '../../src/drill/options.js';

function parse(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const cli = parseCli(argv, env, 'test', [...DRILL_SPECS, ...OPTION_SPECS]);
  assert.equal(cli.kind, 'run');
  if (cli.kind !== 'run') throw new Error('unreachable');
  return cli.raw;
}

const usage = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof UsageError, String(err));
    return err.message;
  }
  assert.fail('expected a UsageError');
};

describe('drill options', () => {
  test('no drill option shares a flag, a key or a variable with graceinit\'s (one commander parses both)', () => {
    for (const field of ['flag', 'key'] as const) {
      const ours = new Set(DRILL_SPECS.map((s) => s[field]));
      assert.deepEqual(OPTION_SPECS.filter((s) => ours.has(s[field])).map((s) => s[field]), []);
    }
    assert.ok(DRILL_SPECS.every((s) => s.env?.startsWith('GRACEINIT_DRILL_')));
  });

  test('defaults, with the target from PORT', () => {
    const raw = parse(['--', 'node', 'server.js']);
    const d = validateDrillOptions(raw, { PORT: '18080' });
    assert.equal(d.target.href, 'http://127.0.0.1:18080/');
    assert.deepEqual({ ...d, target: undefined }, {
      target: undefined, readyTimeoutMs: 15_000, rps: 200, concurrency: 16, requestTimeoutMs: 2000, keepalive: false,
      warmupMs: 2000, lagMs: 2000, subreaper: false, json: false, reportFile: undefined, compare: false,
    });
  });

  test('flags beat GRACEINIT_DRILL_* variables; drill and graceinit options mix freely', () => {
    const raw = parse(['--rps', '50', '--delay', '3', '--keepalive', '--target', 'http://localhost:9000/healthz', '--', 'app'],
      { GRACEINIT_DRILL_RPS: '10', GRACEINIT_DRILL_LAG: '500ms', GRACEINIT_DRILL_COMPARE: 'yes' });
    const d = validateDrillOptions(raw, {});
    assert.equal(d.rps, 50);
    assert.equal(d.lagMs, 500);
    assert.equal(d.compare, true);
    assert.equal(d.keepalive, true);
    assert.equal(d.target.href, 'http://localhost:9000/healthz');
    assert.deepEqual(raw.command, ['app']);
  });

  test('errors name the flag or variable', () => {
    assert.match(usage(() => validateDrillOptions(parse(['--concurrency', '1.5', '--', 'a']), { PORT: '1' })), /^--concurrency: expected a whole number/);
    assert.match(usage(() => validateDrillOptions(parse(['--', 'a'], { GRACEINIT_DRILL_REQUEST_TIMEOUT: '0' }), { PORT: '1' })), /^GRACEINIT_DRILL_REQUEST_TIMEOUT: must be more than 0/);
    assert.match(usage(() => validateDrillOptions(parse(['--', 'a']), { PORT: '99999' })), /^PORT: expected a port number/);
    assert.match(usage(() => validateDrillOptions(parse(['--target', 'https://127.0.0.1/', '--', 'a']), {})), /^--target: only http:\/\//);
    assert.match(usage(() => validateDrillOptions(parse(['--target', 'http://example.com/', '--', 'a']), {})), /must be a loopback address/);
    assert.match(usage(() => validateDrillOptions(parse(['--target', 'nope', '--', 'a']), {})), /^--target: invalid URL "nope"/);
  });

  test('graceinit gets its options as flags, JSON logs forced, repeatable flags in order', () => {
    const raw = parse(['--pre-stop', 'a', '--log-format', 'text', '--log-level', 'warn', '--delay', '2', '--pre-stop', 'b c', '--rps', '9', '--', 'app', '-x'],
      { GRACEINIT_GRACE_PERIOD: '40' });
    assert.deepEqual(graceinitArgs(raw, false),
      ['--delay', '2', '--grace-period', '40', '--pre-stop', 'a', '--pre-stop', 'b c', '--log-format', 'json', '--', 'app', '-x']);
    assert.deepEqual(graceinitArgs(parse(['--pre-stop', '-weird', '--', 'app']), false), ['--pre-stop=-weird', '--log-format', 'json', '--', 'app']);
    // The plain baseline keeps everything but the delay and the pre-stops.
    assert.deepEqual(graceinitArgs(raw, true), ['--grace-period', '40', '--log-format', 'json', '--', 'app', '-x']);
  });

  test('planRuns: one run, or the given and the plain one with --compare, each validated', () => {
    const raw = parse(['--compare', '--delay', '1.5', '--pre-stop', 'x', '--', 'app']);
    const runs = planRuns(raw, validateDrillOptions(raw, { PORT: '1' }));
    assert.deepEqual(runs.map((r) => [r.name, r.options.delayMs, r.options.preStops.length]), [['given', 1500, 1], ['plain', 0, 0]]);
    const one = parse(['--', 'app']);
    assert.equal(planRuns(one, validateDrillOptions(one, { PORT: '1' })).length, 1);
  });

  test('the child\'s environment loses graceinit\'s option variables, and only those', () => {
    assert.deepEqual(childEnv({ GRACEINIT_DELAY: '3', GRACEINIT_PRE_STOP: 'x', GRACEINIT_POD_IP: '10.0.0.1', PORT: '8080' }),
      { GRACEINIT_POD_IP: '10.0.0.1', PORT: '8080' });
  });
});
