// The plan (worst-case timeline, kill timeout, grace warnings) and the shutdown state machine, driven
// by a fake clock: no processes, no real time.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildPlan, killTimeoutMs, renderPlan } from '../../src/plan.js';
import type { Options } from '../../src/options.js';
import { ShutdownMachine, reactionTo, type MachineConfig, type Phase } from '../../src/shutdown.js';

function opts(over: Partial<Options> = {}): Options {
  return {
    command: ['app'], preStops: [], preStopTimeoutMs: 10_000, delayMs: 0, stopSignal: 15, timeoutMs: undefined,
    gracePeriodMs: 30_000, forwardTo: 'group', rewrite: new Map(), exitCodeMap: new Map(), logLevel: 'info',
    logFormat: 'text', ...over,
  };
}

describe('plan', () => {
  test('derived timeout: what remains of the grace period less 2 s, at least 1 s', () => {
    assert.equal(killTimeoutMs({ timeoutMs: undefined, gracePeriodMs: 30_000 }, 15_000), 13_000);
    assert.equal(killTimeoutMs({ timeoutMs: undefined, gracePeriodMs: 30_000 }, 29_500), 1000);
    assert.equal(killTimeoutMs({ timeoutMs: 5000, gracePeriodMs: 30_000 }, 29_500), 5000);
  });
  test('fits: kill at grace - 2 s with no explicit timeout, no warning', () => {
    const plan = buildPlan(opts({ delayMs: 15_000, preStops: [{ kind: 'command', command: 'x' }], preStopTimeoutMs: 5000 }));
    assert.equal(plan.killAtMs, 28_000);
    assert.deepEqual(plan.warnings, []);
    assert.match(renderPlan(plan), /fits: worst case 28s within the grace period of 30s/);
  });
  test('overrun: warns by how much', () => {
    const plan = buildPlan(opts({ delayMs: 15_000, timeoutMs: 10_000, preStops: [{ kind: 'command', command: 'x' }] }));
    assert.equal(plan.overrunMs, 5000);
    assert.match(plan.warnings[0]!, /pre-stops 1x10s = 10s \+ delay 15s \+ timeout 10s = 35s, 5s more than --grace-period 30s/);
  });
});

describe('signal reactions by phase', () => {
  test('TERM starts, then skips, then is forwarded', () => {
    assert.equal(reactionTo('starting', 15), 'exit-before-start');
    assert.equal(reactionTo('running', 15), 'start-shutdown');
    assert.equal(reactionTo('terminating', 15), 'skip-to-stop');
    assert.equal(reactionTo('delaying', 15), 'skip-to-stop');
    assert.equal(reactionTo('stopping', 15), 'forward');
    assert.equal(reactionTo('killing', 15), 'forward');
    assert.equal(reactionTo('exited', 15), 'ignore');
  });
  test('INT is the app\'s while it runs, a skip during pre-stop and delay', () => {
    assert.equal(reactionTo('running', 2), 'forward');
    assert.equal(reactionTo('delaying', 2), 'skip-to-stop');
    assert.equal(reactionTo('stopping', 2), 'forward');
  });
  test('other signals are forwarded in every live phase', () => {
    for (const phase of ['running', 'terminating', 'delaying', 'stopping', 'killing'] as Phase[]) {
      assert.equal(reactionTo(phase, 1), 'forward');
    }
  });
});

/** A fake clock and timers, and a record of everything the machine did. */
function harness(config: Partial<MachineConfig> = {}) {
  let now = 0;
  const timers = new Map<number, { at: number; fn: () => void }>();
  let nextId = 1;
  const events: string[] = [];
  const preStops: Array<{ resolve: () => void; cancelled: boolean }> = [];
  const machine = new ShutdownMachine(
    { preStopCount: 0, delayMs: 0, timeoutMs: undefined, gracePeriodMs: 30_000, ...config },
    {
      now: () => now,
      setTimer: (ms, fn) => { const id = nextId++; timers.set(id, { at: now + ms, fn }); return id; },
      clearTimer: (id) => { timers.delete(id as number); },
      runPreStop: (index) => {
        events.push(`pre-stop ${index} @${now}`);
        let resolve!: () => void;
        const done = new Promise<void>((r) => { resolve = r; });
        const run = { resolve, cancelled: false };
        preStops.push(run);
        return { done, cancel: () => { run.cancelled = true; resolve(); } };
      },
      sendStopSignal: () => events.push(`stop @${now}`),
      killGroup: () => events.push(`kill @${now}`),
      entered: (phase, elapsed) => events.push(`${phase} +${elapsed}`),
    },
  );
  const flush = () => new Promise<void>((r) => setImmediate(r));
  async function advance(ms: number): Promise<void> {
    const until = now + ms;
    for (;;) {
      await flush();
      const due = [...timers.entries()].filter(([, t]) => t.at <= until).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      timers.delete(due[0]);
      now = due[1].at;
      due[1].fn();
    }
    now = until;
    await flush();
  }
  return { machine, events, timers, preStops, advance, flush, setNow: (t: number) => { now = t; } };
}

describe('shutdown state machine', () => {
  test('pre-stops in order, then the delay, the stop signal, and the kill at the timeout', async () => {
    const h = harness({ preStopCount: 2, delayMs: 5000, timeoutMs: 3000 });
    h.machine.begin();
    await h.flush();
    h.setNow(1000); h.preStops[0]!.resolve(); await h.flush();
    h.setNow(1500); h.preStops[1]!.resolve(); await h.flush();
    await h.advance(10_000);
    assert.deepEqual(h.events, ['terminating +0', 'pre-stop 0 @0', 'pre-stop 1 @1000', 'delaying +1500',
      'stopping +6500', 'stop @6500', 'killing +9500', 'kill @9500']);
    assert.equal(h.timers.size, 0);
  });

  test('a skip during a pre-stop cancels it and sends the stop signal at once', async () => {
    const h = harness({ preStopCount: 2, delayMs: 5000, timeoutMs: 3000 });
    h.machine.begin();
    await h.flush();
    h.setNow(200);
    h.machine.skipToStop();
    await h.flush();
    assert.equal(h.preStops[0]!.cancelled, true);
    assert.equal(h.preStops.length, 1, 'the second pre-stop never starts');
    assert.deepEqual(h.events.slice(-2), ['stopping +200', 'stop @200']);
  });

  test('the child exiting clears every timer, whatever the phase', async () => {
    for (const at of [100, 2000, 6000]) {
      const h = harness({ delayMs: 5000, timeoutMs: 3000 });
      h.machine.begin();
      await h.advance(at);
      h.machine.childExited();
      assert.equal(h.machine.phase, 'exited');
      assert.equal(h.timers.size, 0, `a timer is left after an exit at ${at} ms`);
      const seen = h.events.length;
      await h.advance(20_000);
      assert.deepEqual(h.events.slice(seen), [], `nothing may happen after an exit at ${at} ms`);
    }
  });

  test('the derived timeout is what remains of the grace period less 2 s', async () => {
    const h = harness({ delayMs: 10_000, gracePeriodMs: 20_000 });
    h.machine.begin();
    await h.advance(30_000);
    assert.deepEqual(h.events.filter((e) => /^(stop|kill) @/.test(e)), ['stop @10000', 'kill @18000']);
  });

  test('begin twice is one shutdown', async () => {
    const h = harness({ delayMs: 1000 });
    h.machine.begin();
    h.machine.begin();
    await h.advance(500);
    assert.equal(h.events.filter((e) => e.startsWith('terminating')).length, 1);
  });
});
