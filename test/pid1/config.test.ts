// Configuration as a user gives it: GRACEINIT_* variables, flags beating them, repeatable lists, and
// every kind of bad input refused with one line, exit 2, and nothing started.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe } from 'node:test';
import { fixture, pid1Test, startInit } from '../helpers/ns.js';

function marker(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'graceinit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'started');
}

describe('configuration', () => {
  const bad: Array<[string, string[], NodeJS.ProcessEnv, RegExp]> = [
    ['unknown option', ['--bogus'], {}, /unknown option '--bogus'/],
    ['malformed duration', ['--delay', '1x'], {}, /--delay: invalid duration "1x"/],
    ['negative duration', ['--timeout', '-1'], {}, /--timeout: invalid duration "-1"/],
    ['zero grace period', ['--grace-period', '0'], {}, /--grace-period: the grace period must be more than 0/],
    ['unknown signal name', ['--stop-signal', 'NOPE'], {}, /--stop-signal: unknown signal "NOPE"/],
    ['unknown signal number', ['--stop-signal', '99'], {}, /--stop-signal: unknown signal "99"/],
    ['malformed rewrite', ['--rewrite', 'USR1'], {}, /--rewrite: invalid "USR1"/],
    ['malformed exit-code map', ['--exit-code-map', '143:x'], {}, /--exit-code-map: invalid "143:x"/],
    ['bad --forward-to', ['--forward-to', 'everyone'], {}, /--forward-to: expected one of group, child/],
    ['bad --log-format', ['--log-format', 'xml'], {}, /--log-format: expected one of text, json/],
    ['GRACEINIT_DELAY=abc', [], { GRACEINIT_DELAY: 'abc' }, /GRACEINIT_DELAY: invalid duration "abc"/],
    ['GRACEINIT_STOP_SIGNAL=NOPE', [], { GRACEINIT_STOP_SIGNAL: 'NOPE' }, /GRACEINIT_STOP_SIGNAL: unknown signal "NOPE"/],
    ['GRACEINIT_EXIT_CODE_MAP=x', [], { GRACEINIT_EXIT_CODE_MAP: 'x' }, /GRACEINIT_EXIT_CODE_MAP: invalid "x"/],
  ];
  for (const [name, args, env, message] of bad) {
    pid1Test(`bad input: ${name} -> one line, exit 2, nothing started`, async (t) => {
      const file = marker(t);
      const run = startInit(t, [...args, '--', 'touch', file], { env: { ...process.env, ...env } });
      assert.equal((await run.exited).code, 2);
      const lines = run.stderr.trim().split('\n');
      assert.equal(lines.length, 1, run.stderr);
      assert.match(lines[0]!, message);
      assert.equal(existsSync(file), false, 'the command must not have run');
    });
  }

  pid1Test('bad input: missing command -> exit 2', async (t) => {
    const run = startInit(t, ['--delay', '1']);
    assert.equal((await run.exited).code, 2);
    assert.match(run.stderr, /^graceinit: missing command/);
  });

  pid1Test('GRACEINIT_DELAY and GRACEINIT_STOP_SIGNAL configure the sequence', async (t) => {
    const run = startInit(t, ['--log-format', 'json', '--', fixture('sigcatch'), 'exit:3:0'],
      { env: { ...process.env, GRACEINIT_DELAY: '700ms', GRACEINIT_STOP_SIGNAL: 'QUIT' } });
    await run.waitStdout(/^ready/m);
    await run.signal('SIGTERM');
    assert.equal((await run.exited).code, 0);
    const stopping = run.jsonLines().find((l) => l.event === 'phase-stopping');
    assert.ok(Math.abs((stopping!.elapsed_ms as number) - 700) <= 300, `stop at ${stopping!.elapsed_ms}`);
    assert.deepEqual(run.childSignals().map(([n]) => n), [3]);
  });

  pid1Test('a flag beats its variable', async (t) => {
    const run = startInit(t, ['--stop-signal', 'USR2', '--', fixture('sigcatch'), 'exit:12:0'],
      { env: { ...process.env, GRACEINIT_STOP_SIGNAL: 'QUIT' } });
    await run.waitStdout(/^ready/m);
    await run.signal('SIGTERM');
    assert.equal((await run.exited).code, 0);
    assert.deepEqual(run.childSignals().map(([n]) => n), [12]);
  });

  pid1Test('GRACEINIT_PRE_STOP takes one command per line; --pre-stop flags replace that list', async (t) => {
    const env = { ...process.env, GRACEINIT_PRE_STOP: 'echo from-env-1\n\necho from-env-2\n' };
    const fromEnv = startInit(t, ['--', fixture('sigcatch'), 'exit:15:0'], { env });
    await fromEnv.waitStdout(/^ready/m);
    await fromEnv.signal('SIGTERM');
    assert.equal((await fromEnv.exited).code, 0);
    assert.match(fromEnv.stderr, /pre-stop 1\/2 \| from-env-1[\s\S]*pre-stop 2\/2 \| from-env-2/);

    const fromFlag = startInit(t, ['--pre-stop', 'echo from-flag', '--', fixture('sigcatch'), 'exit:15:0'], { env });
    await fromFlag.waitStdout(/^ready/m);
    await fromFlag.signal('SIGTERM');
    assert.equal((await fromFlag.exited).code, 0);
    assert.match(fromFlag.stderr, /pre-stop 1\/1 \| from-flag/);
    assert.doesNotMatch(fromFlag.stderr, /from-env/);
  });

  pid1Test('GRACEINIT_LOG_FORMAT=json switches the log to JSON', async (t) => {
    const run = startInit(t, ['--', 'true'], { env: { ...process.env, GRACEINIT_LOG_FORMAT: 'json' } });
    assert.equal((await run.exited).code, 0);
    assert.ok(run.jsonLines().length >= 2, run.stderr);
  });

  pid1Test('bounds that overrun the grace period start anyway, with a warning saying by how much', async (t) => {
    const run = startInit(t, ['--pre-stop', 'true', '--pre-stop-timeout', '10', '--delay', '15', '--timeout', '10',
      '--grace-period', '30', '--', 'true']);
    assert.equal((await run.exited).code, 0);
    assert.match(run.stderr, /warn: the shutdown does not fit the grace period: pre-stops 1x10s = 10s \+ delay 15s \+ timeout 10s = 35s, 5s more than --grace-period 30s/);
  });

  pid1Test('--log-level warn hides info lines; debug shows each signal received', async (t) => {
    const quiet = startInit(t, ['--log-level', 'warn', '--', 'sh', '-c', 'exit 0']);
    assert.equal((await quiet.exited).code, 0);
    assert.equal(quiet.stderr, '', 'no info lines at --log-level warn');
    const verbose = startInit(t, ['--log-level', 'debug', '--', fixture('sigcatch'), 'exit:15:0']);
    await verbose.waitStdout(/^ready/m);
    await verbose.signal('SIGHUP');
    await verbose.waitStderr(/received SIGHUP: forward/);
    await verbose.signal('SIGTERM');
    assert.equal((await verbose.exited).code, 0);
  });

  pid1Test('--version and --help exit 0 without starting anything', async (t) => {
    const version = startInit(t, ['--version']);
    assert.equal((await version.exited).code, 0);
    assert.match(version.stdout, /^\d+\.\d+\.\d+/);
    const help = startInit(t, ['--help']);
    assert.equal((await help.exited).code, 0);
    assert.match(help.stdout, /--pre-stop <command>/);
    assert.match(help.stdout, /GRACEINIT_/);
  });
});
