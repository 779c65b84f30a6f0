// Zombies: as PID 1 and as a child subreaper, orphans are reaped while the app runs, and the exit
// statuses of what graceinit spawned (the app, pre-stops) are never stolen.
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { fixture, pid1Test, startInit, type InitRun } from '../helpers/ns.js';

function orphanReport(run: InitRun): { reparented: number; zombiesLeft: number; reapMs: number } {
  const reparented = /reparented=(\d+)/.exec(run.stdout);
  const left = /zombies_left=(-?\d+) reap_ms=(-?[\d.]+)/.exec(run.stdout);
  assert.ok(reparented && left, `no report from the orphans fixture:\n${run.stdout}\n${run.stderr}`);
  return { reparented: Number(reparented[1]), zombiesLeft: Number(left[1]), reapMs: Number(left[2]) };
}

describe('reaping', () => {
  pid1Test('as PID 1: 2,000 orphans exiting at once leave zero zombies while the app runs; its code passes', async (t) => {
    const run = startInit(t, ['--', fixture('orphans'), '2000', '42']);
    const exit = await run.exited;
    const report = orphanReport(run);
    assert.equal(report.reparented, 2000, 'the orphans were re-parented to graceinit (PID 1)');
    assert.equal(report.zombiesLeft, 0);
    assert.ok(report.reapMs >= 0, 'zero zombies reached before the fixture gave up');
    assert.equal(exit.code, 42);
  });

  pid1Test('not PID 1: graceinit is a child subreaper, orphans are re-parented to it and reaped', async (t) => {
    const run = startInit(t, ['--', fixture('orphans'), '2000', '43'], { pid1: false });
    const exit = await run.exited;
    const report = orphanReport(run);
    // Without PR_SET_CHILD_SUBREAPER they would go to the host's init, and this would be 0.
    assert.equal(report.reparented, 2000, 'orphans re-parented to graceinit');
    assert.equal(report.zombiesLeft, 0);
    assert.equal(exit.code, 43);
    assert.match(run.stderr, /a child subreaper/);
  });

  pid1Test('a pre-stop\'s own exit code is seen correctly while orphans are being reaped', async (t) => {
    const storm = `trap 'exit 5' TERM; echo ready; while :; do ${fixture('orphans')} 300 0 500 >/dev/null; done`;
    const run = startInit(t, ['--log-format', 'json', '--pre-stop', 'sleep 0.5; exit 7', '--pre-stop', 'exit 0',
      '--', 'sh', '-c', storm]);
    await run.waitStdout(/ready/);
    await new Promise((r) => setTimeout(r, 500));
    await run.signal('SIGTERM');
    const exit = await run.exited;
    const codes = run.jsonLines().filter((l) => l.event === 'pre-stop-exit').map((l) => l.code);
    assert.deepEqual(codes, [7, 0]);
    assert.equal(exit.code, 5, 'the app\'s own exit code');
  });
});
