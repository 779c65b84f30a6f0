// Signal forwarding as PID 1: every forwardable signal reaches the child exactly once, rewrites,
// --forward-to, and SIGUSR1 never opens Node's inspector.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { constants } from 'node:os';
import { describe } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fixture, pid1Test, startInit } from '../helpers/ns.js';

const sig = constants.signals;
const FORWARDABLE = ['HUP', 'INT', 'QUIT', 'USR1', 'USR2', 'PIPE', 'ALRM', 'CONT', 'WINCH', 'URG', 'IO', 'PWR',
  'SYS', 'XCPU', 'XFSZ', 'VTALRM', 'PROF', 'TSTP', 'TTIN', 'TTOU'] as const;

describe('signal forwarding as PID 1', () => {
  pid1Test('each forwardable signal reaches the child exactly once', async (t) => {
    const run = startInit(t, ['--', fixture('sigcatch'), 'exit:15:0']);
    await run.waitStdout(/^ready/m);
    for (const name of FORWARDABLE) {
      const num = sig[`SIG${name}`];
      const before = run.childSignals().length;
      await run.signal(`SIG${name}`);
      await run.until(() => run.childSignals().length > before, `the child to receive SIG${name}`);
      assert.deepEqual(run.childSignals().slice(before).map(([n]) => n), [num], `SIG${name}`);
    }
    // Aliases must not double up: the child saw each number once, in the order sent.
    await sleep(200);
    assert.deepEqual(run.childSignals().map(([n]) => n), FORWARDABLE.map((name) => sig[`SIG${name}`]));
    await run.signal('SIGTERM');
    assert.equal((await run.exited).code, 0);
  });

  pid1Test('SIGUSR1 is forwarded and never opens the inspector on 9229', async (t) => {
    const run = startInit(t, ['--', fixture('sigcatch')]);
    await run.waitStdout(/^ready/m);
    await run.signal('SIGUSR1');
    await run.until(() => run.childSignals().some(([n]) => n === sig.SIGUSR1), 'the child to receive SIGUSR1');
    await sleep(300);
    const listening = await new Promise<boolean>((resolve) => {
      const socket = connect(9229, '127.0.0.1');
      socket.once('connect', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    assert.equal(listening, false, 'something listens on 127.0.0.1:9229');
    assert.doesNotMatch(run.stderr, /Debugger listening/);
  });

  pid1Test('--rewrite maps a signal before forwarding, and TO=0 drops it', async (t) => {
    const run = startInit(t, ['--rewrite', 'USR1:USR2', '--rewrite', 'HUP:0', '--', fixture('sigcatch'), 'exit:15:0']);
    await run.waitStdout(/^ready/m);
    await run.signal('SIGUSR1');
    await run.until(() => run.childSignals().length >= 1, 'the rewritten signal');
    await run.signal('SIGHUP');
    await run.signal('SIGWINCH');
    await run.until(() => run.childSignals().length >= 2, 'WINCH after the dropped HUP');
    assert.deepEqual(run.childSignals().map(([n]) => n), [sig.SIGUSR2, sig.SIGWINCH]);
  });

  pid1Test('--forward-to group reaches the whole group; --forward-to child only the child', async (t) => {
    // sh ignores USR1; sigcatch runs in the background of sh, in sh's process group.
    const script = `trap '' USR1; ${fixture('sigcatch')} & wait`;
    const group = startInit(t, ['--forward-to', 'group', '--', 'sh', '-c', script]);
    await group.waitStdout(/^ready/m);
    await group.signal('SIGUSR1');
    await group.until(() => group.childSignals().length >= 1, 'the grandchild to receive SIGUSR1');
    assert.deepEqual(group.childSignals().map(([n]) => n), [sig.SIGUSR1]);

    const child = startInit(t, ['--forward-to', 'child', '--', 'sh', '-c', script]);
    await child.waitStdout(/^ready/m);
    await child.signal('SIGUSR1');
    await sleep(500);
    assert.deepEqual(child.childSignals(), [], 'with --forward-to child the grandchild must not be signalled');
  });

  pid1Test('SIGINT while the app runs is forwarded and does not start the shutdown', async (t) => {
    const run = startInit(t, ['--log-format', 'json', '--', fixture('sigcatch'), 'exit:15:0']);
    await run.waitStdout(/^ready/m);
    await run.signal('SIGINT');
    await run.until(() => run.childSignals().length >= 1, 'the child to receive SIGINT');
    await sleep(200);
    assert.deepEqual(run.childSignals().map(([n]) => n), [sig.SIGINT]);
    assert.ok(!run.jsonLines().some((l) => l.event === 'phase-terminating'), 'INT must not start the sequence');
  });
});
