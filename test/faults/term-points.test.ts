// SIGTERM at every point of graceinit's life: before the child has started, during a pre-stop, during
// the delay, while waiting for the app after the stop signal, and after the kill. Each path ends with
// the right exit code and no stray process. Strays are looked for from inside the namespace, by the
// child itself (the witness fixture lists every other process when it is told to stop), or, once the
// child is dead, by running graceinit as a subreaper and scanning for the test's environment marker.
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import test, { describe } from 'node:test';
import { fixture, monoMs, pid1Test, startInit, type InitRun } from '../helpers/ns.js';
import { cleanUpMarked, eventually, isChildOf, markedEnv, pidsWithMarker, processState, uniqueMarker } from '../helpers/proc.js';

const PROMPT_MS = 500;

function event(run: InitRun, name: string): Record<string, unknown> | undefined {
  return run.jsonLines().find((l) => l.event === name);
}

function waitEvent(run: InitRun, name: string): Promise<Record<string, unknown>> {
  return run.until(() => event(run, name), `log event ${name}`);
}

/** The witness's own listing of the namespace when it stopped. */
function others(run: InitRun): string {
  return (/^others: (.*)$/m.exec(run.stdout) ?? [])[1] ?? `(no listing: ${run.stdout})`;
}

/** When the child got its n-th TERM, in the test's monotonic ms. */
function childTerm(run: InitRun, n: number): number {
  const match = new RegExp(`^term ${n} (\\d+)$`, 'm').exec(run.stdout);
  assert.ok(match, `the child did not report TERM #${n}: ${run.stdout}`);
  return Number(match[1]) / 1e6;
}

describe('SIGTERM before the child has started', () => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    pid1Test(`a ${signal} queued during start-up: exit ${code}, the child never runs`, async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'graceinit-'));
      t.after(() => rmSync(dir, { recursive: true, force: true }));
      const ran = join(dir, 'ran');
      const run = startInit(t, ['--log-format', 'json', '--', 'sh', '-c', `touch ${ran}; sleep 30`],
        { env: { ...process.env, GRACEINIT_TEST_FAULT: 'slow-start:1000' } });
      await waitEvent(run, 'test-fault'); // graceinit runs, its signal queue is in place, the child is not started
      await run.signal(signal);
      const exit = await run.exited;
      assert.equal(exit.code, code, run.stderr);
      assert.ok(event(run, 'stopped-before-start'), run.stderr);
      assert.equal(event(run, 'child-start'), undefined, 'the child was started');
      assert.ok(!existsSync(ran), 'the child ran');
    });
  }

  pid1Test('other signals queued during start-up are dropped, and the child starts', async (t) => {
    const run = startInit(t, ['--log-format', 'json', '--', fixture('sigcatch'), 'exit:15:0'],
      { env: { ...process.env, GRACEINIT_TEST_FAULT: 'slow-start:500' } });
    await waitEvent(run, 'test-fault');
    await run.signal('SIGUSR1');
    await run.signal('SIGHUP');
    await run.waitStdout(/^ready \d+$/m);
    await run.signal('SIGTERM');
    const exit = await run.exited;
    assert.equal(exit.code, 0, run.stderr);
    // the first signal the child saw is the stop signal: nothing from before its start leaked through
    assert.deepEqual(run.childSignals().map(([sig]) => sig), [15]);
  });
});

describe('SIGTERM during the shutdown sequence', () => {
  pid1Test('a 2nd TERM during a pre-stop: the pre-stop is cut, the stop signal follows at once, nothing left', async (t) => {
    const run = startInit(t, ['--log-format', 'json', '--pre-stop', 'sleep 30', '--delay', '10', '--',
      fixture('witness'), 'scan']);
    await run.waitStdout(/^ready \d+$/m);
    await run.signal('SIGTERM');
    await waitEvent(run, 'pre-stop-start');
    const second = await run.signal('SIGTERM');
    const exit = await run.exited;
    assert.equal(exit.code, 143, run.stderr);
    assert.ok(event(run, 'pre-stop-cut'), 'the pre-stop was not cut');
    assert.ok(childTerm(run, 1) - second < PROMPT_MS, `stop signal ${childTerm(run, 1) - second}ms after the 2nd TERM`);
    assert.equal(others(run), 'none');
  });

  pid1Test('a 2nd TERM during the delay: the stop signal follows at once, nothing left', async (t) => {
    const run = startInit(t, ['--log-format', 'json', '--delay', '10', '--', fixture('witness'), 'scan']);
    await run.waitStdout(/^ready \d+$/m);
    await run.signal('SIGTERM');
    await waitEvent(run, 'phase-delaying');
    const second = await run.signal('SIGTERM');
    const exit = await run.exited;
    assert.equal(exit.code, 143, run.stderr);
    assert.ok(childTerm(run, 1) - second < PROMPT_MS, `stop signal ${childTerm(run, 1) - second}ms after the 2nd TERM`);
    assert.equal(event(run, 'phase-killing'), undefined);
    assert.equal(others(run), 'none');
  });

  pid1Test('a TERM while waiting for the app is forwarded; the app\'s exit is graceinit\'s, nothing left', async (t) => {
    const run = startInit(t, ['--log-format', 'json', '--timeout', '10', '--', fixture('witness'), 'term-after:2', 'scan']);
    await run.waitStdout(/^ready \d+$/m);
    await run.signal('SIGTERM');
    await run.waitStdout(/^term 1 \d+$/m); // the stop signal: the app ignores the first one
    const second = await run.signal('SIGTERM');
    const exit = await run.exited;
    assert.equal(exit.code, 143, run.stderr);
    assert.ok(childTerm(run, 2) - second < PROMPT_MS, `forwarded ${childTerm(run, 2) - second}ms after the TERM`);
    assert.equal(event(run, 'phase-killing'), undefined, 'graceinit killed instead of forwarding');
    assert.equal(others(run), 'none');
  });

  pid1Test('TERMs racing the kill change nothing: exit 137, one child exit, no error', async (t) => {
    const run = startInit(t, ['--log-format', 'json', '--timeout', '300ms', '--', fixture('witness'), 'term-after:0', 'grandchild']);
    await run.waitStdout(/^grandchild \d+$/m);
    const termAt = await run.signal('SIGTERM');
    await waitEvent(run, 'phase-killing');
    const pid = await run.initPid();
    // from the kill on, as fast as they can go, until graceinit is gone (and its pid no longer ours)
    let sent = 0;
    while (isChildOf(pid, run.proc.pid!) && monoMs() - termAt < 5000) {
      try {
        process.kill(pid, sent % 3 === 2 ? 'SIGINT' : 'SIGTERM');
        sent++;
      } catch {
        break; // gone
      }
      if (sent % 50 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    const exit = await run.exited;
    t.diagnostic(`${sent} signals sent after the kill`);
    assert.equal(exit.code, 137, run.stderr);
    const killing = event(run, 'phase-killing')!.elapsed_ms as number;
    assert.ok(killing >= 300 && killing < 300 + PROMPT_MS, `killed at +${killing}ms`);
    assert.equal(run.jsonLines().filter((l) => l.event === 'child-exit').length, 1);
    assert.deepEqual(run.jsonLines().filter((l) => l.level === 'error'), []);
  });

  pid1Test('an app stopped by SIGSTOP cannot hold the shutdown: SIGKILL at --timeout, exit 137', async (t) => {
    const run = startInit(t, ['--log-format', 'json', '--timeout', '300ms', '--', 'sh', '-c', 'echo stopping; kill -STOP $$; echo resumed']);
    await run.waitStdout(/^stopping$/m);
    const init = await run.initPid();
    const app = Number(readFileSync(`/proc/${init}/task/${init}/children`, 'utf8').trim().split(/\s+/)[0]);
    assert.ok(await eventually(() => processState(app) === 'T', 5000), 'the app did not stop');
    await run.signal('SIGTERM');
    const exit = await run.exited;
    assert.equal(exit.code, 137, run.stderr);
    const killing = event(run, 'phase-killing')!.elapsed_ms as number;
    assert.ok(killing >= 300 && killing < 300 + PROMPT_MS, `killed at +${killing}ms`);
    assert.doesNotMatch(run.stdout, /resumed/);
  });

  test('after the kill nothing of the app is left: the grandchild that ignores TERM is gone too (as a subreaper)', async (t) => {
    const marker = uniqueMarker();
    cleanUpMarked(t, marker);
    const run = startInit(t, ['--log-format', 'json', '--timeout', '300ms', '--', fixture('witness'), 'term-after:0', 'grandchild'],
      { pid1: false, env: markedEnv(marker) });
    await run.waitStdout(/^grandchild \d+$/m);
    assert.equal(pidsWithMarker(marker, [run.proc.pid!]).length, 2, 'the marker scan should see the child and grandchild');
    await run.signal('SIGTERM');
    const exit = await run.exited;
    assert.equal(exit.code, 137, run.stderr);
    assert.ok(await eventually(() => pidsWithMarker(marker).length === 0, 1000),
      `left running: ${pidsWithMarker(marker).join(', ')}`);
  });
});
