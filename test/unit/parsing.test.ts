// Pure parsing: durations, signals, exit codes, and options from argv and the environment.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseCli, UsageError } from '../../src/cli.js';
import { parseDuration, formatDuration } from '../../src/duration.js';
import { exitCodeFor } from '../../src/exit-code.js';
import { validateOptions, type Options } from '../../src/options.js';
import { FORWARDED, parseSignal, signalName } from '../../src/signals.js';

function options(argv: string[], env: NodeJS.ProcessEnv = {}): Options {
  const cli = parseCli(argv, env, '0.0.0');
  assert.equal(cli.kind, 'run');
  return validateOptions((cli as { raw: Parameters<typeof validateOptions>[0] }).raw);
}

describe('durations', () => {
  test('a bare number is seconds; units ms, s, m', () => {
    assert.equal(parseDuration('15'), 15_000);
    assert.equal(parseDuration('1.5'), 1500);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('15s'), 15_000);
    assert.equal(parseDuration('2m'), 120_000);
    assert.equal(parseDuration('0'), 0);
  });
  test('negative, empty and garbage are errors', () => {
    for (const bad of ['-1', '', 'abc', '1x', '1.5.2', 's', '10 s x']) assert.throws(() => parseDuration(bad), /invalid duration/);
  });
  test('formats for humans', () => {
    assert.equal(formatDuration(250), '250ms');
    assert.equal(formatDuration(1500), '1.5s');
    assert.equal(formatDuration(120_000), '2m');
    assert.equal(formatDuration(30_000), '30s');
  });
});

describe('signals', () => {
  test('names, SIG-names, lower case and numbers', () => {
    assert.equal(parseSignal('TERM'), 15);
    assert.equal(parseSignal('SIGQUIT'), 3);
    assert.equal(parseSignal('usr1'), 10);
    assert.equal(parseSignal('9'), 9);
    assert.equal(parseSignal('NOPE'), undefined);
    assert.equal(parseSignal('99'), undefined);
    assert.equal(parseSignal('0'), undefined);
    assert.equal(parseSignal('0', true), 0);
  });
  test('aliases are listened to once: one name per number in the forwarded set', () => {
    const numbers = FORWARDED.map((name) => parseSignal(name));
    assert.equal(new Set(numbers).size, numbers.length);
    assert.ok(!FORWARDED.includes('SIGIOT') && !FORWARDED.includes('SIGPOLL'));
    assert.equal(signalName(6), 'SIGABRT');
    assert.equal(signalName(29), 'SIGIO');
  });
  test('KILL, STOP, CHLD and synchronous faults are not forwarded', () => {
    for (const name of ['SIGKILL', 'SIGSTOP', 'SIGCHLD', 'SIGSEGV', 'SIGBUS', 'SIGFPE', 'SIGILL', 'SIGTRAP']) {
      assert.ok(!FORWARDED.includes(name), name);
    }
    for (const name of ['SIGHUP', 'SIGINT', 'SIGTERM', 'SIGUSR1', 'SIGWINCH', 'SIGTSTP', 'SIGPWR', 'SIGSYS']) {
      assert.ok(FORWARDED.includes(name), name);
    }
  });
});

describe('exit codes', () => {
  test('code, 128+N, then the map', () => {
    const map = new Map([[143, 0]]);
    assert.equal(exitCodeFor({ code: 3 }, map), 3);
    assert.equal(exitCodeFor({ signal: 9 }, map), 137);
    assert.equal(exitCodeFor({ signal: 15 }, map), 0);
  });
});

describe('options', () => {
  test('defaults', () => {
    const o = options(['app']);
    assert.deepEqual(o.command, ['app']);
    assert.equal(o.delayMs, 0);
    assert.equal(o.preStopTimeoutMs, 10_000);
    assert.equal(o.gracePeriodMs, 30_000);
    assert.equal(o.timeoutMs, undefined);
    assert.equal(o.stopSignal, 15);
    assert.equal(o.forwardTo, 'group');
    assert.equal(o.logFormat, 'text');
  });
  test('the command keeps its own options', () => {
    assert.deepEqual(options(['--delay', '1', 'sh', '-c', 'x', '--delay']).command, ['sh', '-c', 'x', '--delay']);
    assert.deepEqual(options(['--', '--weird-name']).command, ['--weird-name']);
  });
  test('environment fills in, flags win, lists split on lines', () => {
    const env = { GRACEINIT_DELAY: '2', GRACEINIT_STOP_SIGNAL: 'QUIT', GRACEINIT_PRE_STOP: 'a\n  \nb\n', GRACEINIT_REWRITE: 'USR1:0' };
    const fromEnv = options(['app'], env);
    assert.equal(fromEnv.delayMs, 2000);
    assert.equal(fromEnv.stopSignal, 3);
    assert.deepEqual(fromEnv.preStops.map((s) => s.command), ['a', 'b']);
    assert.equal(fromEnv.rewrite.get(10), 0);
    const withFlags = options(['--delay', '3', '--pre-stop', 'c', 'app'], env);
    assert.equal(withFlags.delayMs, 3000);
    assert.deepEqual(withFlags.preStops.map((s) => s.command), ['c']);
  });
  test('errors name the flag or the variable', () => {
    assert.throws(() => options(['--delay', 'x', 'app']), (e: Error) => e instanceof UsageError && /^--delay: /.test(e.message));
    assert.throws(() => options(['app'], { GRACEINIT_TIMEOUT: '-3' }), { message: /^GRACEINIT_TIMEOUT: invalid duration/ });
    assert.throws(() => options(['app'], { GRACEINIT_FORWARD_TO: 'all' }), { message: /^GRACEINIT_FORWARD_TO: expected one of group, child/ });
    assert.throws(() => options([]), /missing command/);
    assert.throws(() => options(['--exit-code-map', '300:0', 'app']), /--exit-code-map: invalid "300:0"/);
  });
  test('other GRACEINIT_* variables are not options', () => {
    assert.doesNotThrow(() => options(['app'], { GRACEINIT_POD_IP: '10.0.0.1', GRACEINIT_SOMETHING: 'x' }));
  });
});
