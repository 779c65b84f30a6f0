// The shutdown sequence as a user sees it: order and timing of phases (within 300 ms), the stop
// signal, the kill at the timeout, and how a second TERM or the child's own exit cut it short.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { constants } from 'node:os';
import { fixture, pid1Test, startInit, type InitRun } from '../helpers/ns.js';

const sig = constants.signals;
const TOLERANCE_MS = 300;

function phaseAt(run: InitRun, event: string): number {
  const line = run.jsonLines().find((l) => l.event === event);
  assert.ok(line, `no ${event} in the log:\n${run.stderr}`);
  return line.elapsed_ms as number;
}

function near(actual: number, expected: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= TOLERANCE_MS, `${what}: ${actual.toFixed(0)} ms, expected ${expected} ± ${TOLERANCE_MS}`);
}

describe('the shutdown sequence as PID 1', () => {
  pid1Test('pre-stop -> delay -> stop signal -> kill at the timeout, on time; exit 137', async (t) => {
    const run = startInit(t, ['--log-format', 'json', '--pre-stop', 'echo deregistered; sleep 0.5',
      '--delay', '1', '--timeout', '1', '--', fixture('sigcatch')]);
    await run.waitStdout(/^ready/m);
    const termAt = await run.signal('SIGTERM');
    const exit = await run.exited;
    assert.equal(exit.code, 137, 'a TERM-ignoring (well, TERM-surviving) child is SIGKILLed at the timeout');
    const events = run.jsonLines().map((l) => l.event);
    const order = ['phase-terminating', 'pre-stop-start', 'pre-stop-output', 'pre-stop-exit', 'phase-delaying',
      'phase-stopping', 'phase-killing', 'child-exit'];
    assert.deepEqual(events.filter((e) => order.includes(e as string)), order);
    near(phaseAt(run, 'pre-stop-exit'), 500, 'pre-stop end');
    near(phaseAt(run, 'phase-stopping'), 1500, 'stop signal');
    near(phaseAt(run, 'phase-killing'), 2500, 'kill');
    // What the child saw: TERM once, 1.5 s after graceinit got it.
    const received = run.childSignals();
    assert.deepEqual(received.map(([n]) => n), [sig.SIGTERM]);
    near(received[0]![1] - termAt, 1500, 'TERM at the child');
    near(exit.atMs - termAt, 2500, 'graceinit exit');
    assert.match(run.stderr, /pre-stop 1\/1 \| deregistered/);
  });

  pid1Test('--stop-signal QUIT sends QUIT, not TERM', async (t) => {
    const run = startInit(t, ['--stop-signal', 'QUIT', '--', fixture('sigcatch'), 'exit:3:0']);
    await run.waitStdout(/^ready/m);
    await run.signal('SIGTERM');
    assert.equal((await run.exited).code, 0);
    assert.deepEqual(run.childSignals().map(([n]) => n), [sig.SIGQUIT]);
  });

  pid1Test('a child that exits mid-delay ends graceinit at once, with its code', async (t) => {
    const run = startInit(t, ['--log-format', 'json', '--delay', '5', '--', 'sh', '-c',
      'trap "" TERM; echo ready; sleep 1; exit 9']);
    await run.waitStdout(/ready/);
    const termAt = await run.signal('SIGTERM');
    const exit = await run.exited;
    assert.equal(exit.code, 9);
    assert.ok(exit.atMs - termAt < 1000 + TOLERANCE_MS, `graceinit waited ${exit.atMs - termAt} ms`);
    assert.ok(!run.jsonLines().some((l) => l.event === 'phase-stopping'), 'no stop signal after the child exited');
  });

  pid1Test('a second TERM skips the rest of the delay', async (t) => {
    const run = startInit(t, ['--log-format', 'json', '--delay', '10', '--', fixture('sigcatch'), 'exit:15:0']);
    await run.waitStdout(/^ready/m);
    const first = await run.signal('SIGTERM');
    await run.waitStderr(/phase-delaying/);
    await new Promise((r) => setTimeout(r, 500));
    const second = await run.signal('SIGTERM');
    const exit = await run.exited;
    assert.equal(exit.code, 0);
    near(exit.atMs - second, 0, 'exit after the second TERM');
    near(phaseAt(run, 'phase-stopping'), second - first, 'stop signal');
  });

  pid1Test('SIGINT during the delay also skips to the stop signal', async (t) => {
    const run = startInit(t, ['--log-format', 'json', '--delay', '10', '--', fixture('sigcatch'), 'exit:15:0']);
    await run.waitStdout(/^ready/m);
    await run.signal('SIGTERM');
    await run.waitStderr(/phase-delaying/);
    const intAt = await run.signal('SIGINT');
    const exit = await run.exited;
    assert.equal(exit.code, 0);
    near(exit.atMs - intAt, 0, 'exit after SIGINT');
    assert.deepEqual(run.childSignals().map(([n]) => n), [sig.SIGTERM], 'INT itself is not forwarded then');
  });

  pid1Test('a hanging pre-stop is cut at its timeout (its whole group), and the sequence goes on', async (t) => {
    const run = startInit(t, ['--log-format', 'json', '--pre-stop', 'sleep 100', '--pre-stop', 'exit 3',
      '--pre-stop-timeout', '1', '--', fixture('sigcatch'), 'exit:15:0']);
    await run.waitStdout(/^ready/m);
    await run.signal('SIGTERM');
    assert.equal((await run.exited).code, 0);
    const timeout = run.jsonLines().find((l) => l.event === 'pre-stop-timeout');
    assert.ok(timeout, run.stderr);
    near(timeout.elapsed_ms as number, 1000, 'pre-stop timeout');
    const second = run.jsonLines().find((l) => l.event === 'pre-stop-exit');
    assert.equal(second?.code, 3, 'a failing pre-stop is logged with its code');
    near(phaseAt(run, 'phase-stopping'), 1000, 'stop signal right after the pre-stops');
  });

  pid1Test('a second TERM during a pre-stop kills it and goes straight to the stop signal', async (t) => {
    const run = startInit(t, ['--log-format', 'json', '--pre-stop', 'sleep 100', '--delay', '10', '--',
      fixture('sigcatch'), 'exit:15:0']);
    await run.waitStdout(/^ready/m);
    await run.signal('SIGTERM');
    await run.waitStderr(/pre-stop-start/);
    const second = await run.signal('SIGTERM');
    const exit = await run.exited;
    assert.equal(exit.code, 0);
    near(exit.atMs - second, 0, 'exit after the second TERM');
    assert.ok(run.jsonLines().some((l) => l.event === 'pre-stop-cut'), run.stderr);
  });

  pid1Test('without --timeout the kill comes at the grace period less 2 s', async (t) => {
    const run = startInit(t, ['--log-format', 'json', '--grace-period', '4', '--delay', '1', '--',
      fixture('sigcatch'), 'ignore:15']);
    await run.waitStdout(/^ready/m);
    await run.signal('SIGTERM');
    assert.equal((await run.exited).code, 137);
    near(phaseAt(run, 'phase-stopping'), 1000, 'stop signal');
    near(phaseAt(run, 'phase-killing'), 2000, 'kill (4 s grace - 2 s headroom)');
  });

  pid1Test('TERM during the wait for the app is forwarded to it', async (t) => {
    const run = startInit(t, ['--timeout', '5', '--', fixture('sigcatch'), 'ignore:15', 'exit:2:7']);
    await run.waitStdout(/^ready/m);
    await run.signal('SIGTERM');
    await run.waitStderr(/sent SIGTERM/);
    await run.signal('SIGINT');
    assert.equal((await run.exited).code, 7, 'the app got the forwarded INT and exited with its code');
  });

  pid1Test('--log-format json writes one JSON object per line with phase and elapsed time', async (t) => {
    const run = startInit(t, ['--log-format', 'json', '--', fixture('sigcatch'), 'exit:15:0']);
    await run.waitStdout(/^ready/m);
    await run.signal('SIGTERM');
    assert.equal((await run.exited).code, 0);
    const lines = run.stderr.trim().split('\n');
    assert.ok(lines.length >= 3);
    for (const line of lines) {
      const entry = JSON.parse(line) as Record<string, unknown>;
      assert.equal(typeof entry.phase, 'string');
      assert.ok(entry.elapsed_ms === null || typeof entry.elapsed_ms === 'number');
      assert.equal(typeof entry.event, 'string');
    }
    assert.equal(run.jsonLines()[0]!.elapsed_ms, null, 'no elapsed time before the shutdown');
  });
});
