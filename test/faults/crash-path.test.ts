// graceinit's own crash (an uncaught error, injected with GRACEINIT_TEST_FAULT=throw-after-start) and
// the app's crashes (a real SIGSEGV, abort()): the right exit code, promptly, and nothing of the app's
// process group left running. As PID 1 the kernel ends the namespace with graceinit anyway, so the
// "nothing left" proof runs with graceinit as a plain subreaper, where a survivor would stay visible.
import assert from 'node:assert/strict';
import test, { describe } from 'node:test';
import { fixture, pid1Test, startInit, type InitRun } from '../helpers/ns.js';
import { cleanUpMarked, eventually, isAlive, markedEnv, pidsWithMarker, uniqueMarker } from '../helpers/proc.js';

const EXIT_INTERNAL = 70;

/** After graceinit has exited: the given pids and every process carrying the marker end within 1 s. */
async function assertNothingLeft(pids: number[], marker: string): Promise<void> {
  const gone = await eventually(() => pids.every((pid) => !isAlive(pid)) && pidsWithMarker(marker).length === 0, 1000);
  assert.ok(gone, `still running after graceinit exited: ${[...new Set([...pids.filter(isAlive), ...pidsWithMarker(marker)])].join(', ')}`);
}

async function witnessPids(run: InitRun): Promise<[number, number]> {
  const child = Number((await run.waitStdout(/^ready (\d+)$/m))[1]);
  const grandchild = Number((await run.waitStdout(/^grandchild (\d+)$/m))[1]);
  return [child, grandchild];
}

describe('graceinit\'s own crash path (GRACEINIT_TEST_FAULT=throw-after-start)', () => {
  pid1Test('as PID 1: exits 70 and says it killed the child\'s group', async (t) => {
    const run = startInit(t, ['--', fixture('witness'), 'grandchild'],
      { env: { ...process.env, GRACEINIT_TEST_FAULT: 'throw-after-start' } });
    const exit = await run.exited;
    assert.equal(exit.code, EXIT_INTERNAL, run.stderr);
    assert.match(run.stderr, /error: graceinit failed: Error: injected fault \(GRACEINIT_TEST_FAULT=throw-after-start\)/);
    assert.match(run.stderr, /killing the child's process group$/m);
  });

  test('as a subreaper: the child and a grandchild in its group are dead once graceinit has exited', async (t) => {
    const marker = uniqueMarker();
    cleanUpMarked(t, marker);
    const run = startInit(t, ['--', fixture('witness'), 'grandchild'],
      { pid1: false, env: markedEnv(marker, { GRACEINIT_TEST_FAULT: 'throw-after-start' }) });
    const [child, grandchild] = await witnessPids(run);
    // the proof can fail: before the fault both run, and the marker scan sees them
    assert.ok(isAlive(child) && isAlive(grandchild), 'the witness and its grandchild should run before the fault');
    assert.ok(pidsWithMarker(marker).includes(grandchild), 'the marker scan should find the grandchild');
    const exit = await run.exited;
    assert.equal(exit.code, EXIT_INTERNAL, run.stderr);
    await assertNothingLeft([child, grandchild], marker);
  });
});

describe('the app crashes', () => {
  for (const [how, signal, code] of [['segv', 'SIGSEGV', 139], ['abort', 'SIGABRT', 134]] as const) {
    pid1Test(`a child that dies of ${signal} gives ${code}, and graceinit exits within 1 s`, async (t) => {
      const run = startInit(t, ['--log-format', 'json', '--', fixture('crash'), how]);
      const exit = await run.exited;
      assert.equal(exit.code, code, run.stderr);
      const crashedAt = Number((/^crash (\d+)$/m.exec(run.stdout) ?? [])[1]) / 1e6;
      assert.ok(crashedAt > 0, `the child did not report its crash: ${run.stdout}`);
      const took = exit.atMs - crashedAt;
      t.diagnostic(`graceinit exited ${took.toFixed(0)}ms after the crash`);
      assert.ok(took < 1000, `graceinit exited ${took.toFixed(0)}ms after the crash`);
      const childExit = run.jsonLines().find((l) => l.event === 'child-exit');
      assert.equal(childExit?.signal, signal);
      assert.equal(childExit?.exit_code, code);
    });

    test(`after a ${signal} crash the grandchild in the child's group is killed (as a subreaper)`, async (t) => {
      const marker = uniqueMarker();
      cleanUpMarked(t, marker);
      const run = startInit(t, ['--', fixture('crash'), how, '300'], { pid1: false, env: markedEnv(marker) });
      const [, child, grandchild] = (await run.waitStdout(/^pids (\d+) (\d+)$/m)).map(Number);
      assert.ok(isAlive(grandchild!), 'the grandchild should run before the crash');
      const exit = await run.exited;
      assert.equal(exit.code, code, run.stderr);
      await assertNothingLeft([child!, grandchild!], marker);
    });
  }
});
