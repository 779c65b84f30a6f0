// Interactive use (docker run -it): graceinit as PID 1 on a real pseudo-terminal. The child owns the
// terminal: job control in a shell, Ctrl-C and Ctrl-Z from the keyboard, window-size changes, typed
// input; graceinit stays in the background and still forwards, stops and kills as without a terminal.
import assert from 'node:assert/strict';
import test, { describe } from 'node:test';
import { join } from 'node:path';
import { ROOT, fixture, initCommand, pid1Test } from '../helpers/ns.js';
import { procStat, startOnTerminal, type PtyRun, type TerminalMode } from '../helpers/pty.js';

// A prompt that typed text never contains (an inherited PS1 does not survive non-interactive shells).
const BASH = ['--', 'env', 'PS1=PROMPT> ', 'bash', '--norc', '--noprofile'];
// No history file written into $HOME by the interactive shells of these tests.
const env = (): NodeJS.ProcessEnv => ({ ...process.env, TERM: 'dumb', HISTFILE: '' });
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits for bash's prompt after `from`, then types `line` and Enter; returns where its output starts. */
async function atPrompt(run: PtyRun, line: string, from: number): Promise<number> {
  await run.waitScreen(/PROMPT> /, from);
  const mark = run.screen.length;
  run.type(`${line}\r`);
  return mark;
}

describe('interactive use: graceinit as PID 1 on a terminal', () => {
  const modes: Array<[TerminalMode, string]> = [
    ['leader', 'graceinit leads the session that owns the terminal (docker run -it)'],
    ['member', 'graceinit is in a session that owns the terminal, not its leader'],
    ['no-ctty', 'the terminal on stdin is no session\'s controlling terminal'],
  ];
  for (const [mode, how] of modes) {
    pid1Test(`the child leads the terminal's foreground group and Ctrl-C reaches only it (${how})`, async (t) => {
      const run = startOnTerminal(t, ['--log-level', 'debug', '--', fixture('sigcatch'), 'exit:2:7'], { mode, env: env() });
      await run.waitScreen(/ready \d+/);
      const child = procStat((await run.process('sigcatch')).pid)!;
      const init = procStat((await run.init()).pid)!;
      assert.equal(child.pgrp, child.pid, 'the child leads a process group of its own');
      assert.notEqual(init.pgrp, child.pgrp, 'graceinit is not in the child\'s group');
      assert.equal(child.tpgid, child.pgrp, 'that group is the terminal\'s foreground group');
      assert.notEqual(child.ttyNr, 0, 'the child has a controlling terminal');
      if (mode === 'no-ctty') assert.equal(child.session, child.pid, 'the child got a session that took the terminal');
      else assert.equal(child.session, init.session, 'the child stays in graceinit\'s session');
      if (mode === 'leader') assert.equal(init.session, init.pid, 'graceinit leads its session');

      run.type('\u0003');
      assert.deepEqual(await run.exited, { code: 7 });
      assert.equal(run.screen.match(/sig 2 \d+/g)?.length, 1, 'one SIGINT, from the terminal (echoed as ^C before it)');
      assert.doesNotMatch(run.screen, /received SIGINT/, 'graceinit did not see the Ctrl-C');
    });
  }

  for (const mode of ['leader', 'member'] as const) {
    pid1Test(`bash has job control; exit 3 ends graceinit with 3 (${mode})`, async (t) => {
      const run = startOnTerminal(t, BASH, { mode, env: env() });
      let at = await atPrompt(run, 'set -o | grep monitor', 0);
      await run.waitScreen(/monitor\s+on/, at);
      at = await atPrompt(run, 'exit 3', at);
      assert.deepEqual(await run.exited, { code: 3 });
      assert.match(run.screen.slice(at), /child exited with code 3; graceinit exits with 3/);
    });
  }

  pid1Test('Ctrl-C interrupts sleep 100 in bash, the shell lives on, graceinit never sees SIGINT', async (t) => {
    const run = startOnTerminal(t, ['--log-level', 'debug', ...BASH], { env: env() });
    let at = await atPrompt(run, 'sleep 100', 0);
    const sleeper = await run.process('sleep');
    const sentAt = performance.now();
    run.type('\u0003');
    await run.until(() => procStat(sleeper.pid) === undefined, 'sleep to end', 3000);
    assert.ok(performance.now() - sentAt < 2000, 'sleep ended at once, not after 100 s');
    at = await atPrompt(run, 'echo "status=$? alive""=yes"', at);
    await run.waitScreen(/status=130 alive=yes/, at);
    assert.doesNotMatch(run.screen, /received SIGINT/, 'the terminal sent SIGINT to the foreground group only');
    await atPrompt(run, 'exit 0', at);
    assert.deepEqual(await run.exited, { code: 0 });
  });

  pid1Test('Ctrl-Z stops a job in bash and fg resumes it', async (t) => {
    const run = startOnTerminal(t, BASH, { env: env() });
    let at = await atPrompt(run, 'cat', 0);
    const bash = await run.process('bash');
    const cat = await run.process('cat');
    run.type('one\r');
    await run.waitScreen(/one\r\n[^]*one\r\n/, at); // the terminal's echo, then cat's copy

    run.type('\u001a');
    await run.waitScreen(/Stopped\s+cat/, at);
    assert.equal(procStat(cat.pid)?.state, 'T', 'cat is stopped');
    await run.until(() => procStat(cat.pid)?.tpgid === bash.pid, 'bash to take the terminal back');

    at = await atPrompt(run, 'fg', at);
    await run.until(() => procStat(cat.pid)?.state !== 'T', 'cat to run again');
    await run.until(() => procStat(cat.pid)?.tpgid === cat.pid, 'cat to be in the foreground again');
    run.type('two\r');
    await run.waitScreen(/two\r\n[^]*two\r\n/, at);
    run.type('\u0004'); // end of input: cat exits 0
    await atPrompt(run, 'exit $?', at);
    assert.deepEqual(await run.exited, { code: 0 });
  });

  pid1Test('what is typed reaches cat and comes back; Ctrl-D ends it with 0', async (t) => {
    const run = startOnTerminal(t, ['--', 'cat'], { echo: false });
    await run.process('cat');
    const mark = run.screen.length;
    run.type('round trip: äöü 123\r');
    await run.waitScreen(/round trip: äöü 123\r\n/, mark);
    assert.equal(run.screen.split('round trip').length - 1, 1, 'echo is off: the only copy is cat\'s');
    run.type('\u0004');
    assert.deepEqual(await run.exited, { code: 0 });
  });

  pid1Test('a window-size change reaches the child once; HUP, the stop signal and the SIGKILL reach its group',
    async (t) => {
      const run = startOnTerminal(t, ['--log-level', 'debug', '--timeout', '0.5', '--', fixture('sigcatch'), 'ignore:15'], { env: env() });
      await run.waitScreen(/ready \d+/);
      const child = await run.process('sigcatch');
      const init = await run.init();
      assert.equal(procStat(child.pid)!.pgrp, child.pid);
      assert.equal(procStat(child.pid)!.tpgid, child.pid);

      run.resize(33, 111);
      await run.waitScreen(/^sig 28 /m);
      await sleep(300); // a second WINCH (from graceinit forwarding it too) would arrive by now
      assert.equal(run.screen.match(/^sig 28 /gm)?.length, 1, 'exactly one SIGWINCH');
      assert.doesNotMatch(run.screen, /received SIGWINCH/, 'the kernel sent WINCH to the foreground group only');

      process.kill(init.pid, 'SIGHUP');
      await run.waitScreen(/^sig 1 /m);
      process.kill(init.pid, 'SIGTTOU'); // sent to graceinit, not raised by its writes: still forwarded
      await run.waitScreen(/^sig 22 /m);
      const termAt = performance.now();
      process.kill(init.pid, 'SIGTERM'); // ignored by the child: SIGKILL to its group 0.5 s later
      assert.deepEqual(await run.exited, { code: 137 });
      const took = performance.now() - termAt;
      assert.ok(took > 400 && took < 2500, `SIGKILL after the 0.5 s timeout, took ${took} ms`);
      assert.match(run.screen, /sent SIGKILL to the child's process group/);
    });

  pid1Test('a command that is not found through the exec helper: 127 and one line', async (t) => {
    const run = startOnTerminal(t, ['--', 'no-such-command-graceinit'], { env: env() });
    assert.deepEqual(await run.exited, { code: 127 });
    const lines = run.screen.split(/\r?\n/).filter((l) => l.trim() !== '');
    assert.deepEqual(lines, ['graceinit[starting] error: command not found: no-such-command-graceinit']);
  });

  pid1Test('a command that is not executable through the exec helper: 126 and one line', async (t) => {
    const file = join(ROOT, 'package.json');
    const run = startOnTerminal(t, ['--', file], { env: env() });
    assert.deepEqual(await run.exited, { code: 126 });
    const lines = run.screen.split(/\r?\n/).filter((l) => l.trim() !== '');
    assert.deepEqual(lines, [`graceinit[starting] error: cannot execute ${file}: permission denied`]);
  });

  pid1Test('without the exec helper: a warning, the child runs without job control, Ctrl-C is forwarded', async (t) => {
    const run = startOnTerminal(t, BASH, { env: { ...env(), GRACEINIT_EXEC_HELPER: '/nonexistent/graceinit-exec' } });
    await run.waitScreen(/warn: stdin is a terminal but the exec helper cannot be used .*job control is unavailable/);
    let at = await atPrompt(run, 'set -o | grep monitor', 0);
    await run.waitScreen(/monitor\s+off/, at);
    at = await atPrompt(run, 'sleep 100', at);
    const sleeper = await run.process('sleep');
    run.type('\u0003'); // graceinit's group has the terminal: graceinit gets SIGINT and forwards it
    await run.until(() => procStat(sleeper.pid) === undefined, 'sleep to end', 3000);
    await atPrompt(run, 'exit 4', at);
    assert.deepEqual(await run.exited, { code: 4 });
  });

  pid1Test('with stty tostop, graceinit\'s lines still reach the terminal from the background', async (t) => {
    // As PID 1 graceinit's group is orphaned: a background write under tostop would fail with EIO.
    const run = startOnTerminal(t, ['--', 'sh', '-c', 'stty tostop; sleep 0.2; exit 5'], { env: env() });
    assert.deepEqual(await run.exited, { code: 5 });
    assert.match(run.screen, /child exited with code 5; graceinit exits with 5/);
  });
});

test('with stty tostop, graceinit started from an interactive shell neither storms nor hangs', { timeout: 30_000 }, async (t) => {
  // Here graceinit's group is not orphaned: each background write would raise SIGTTOU at graceinit,
  // which forwards and logs it, which writes again.
  const run = startOnTerminal(t, [], { command: ['env', 'PS1=PROMPT> ', 'bash', '--norc', '--noprofile'], env: env() });
  const graceinit = [...initCommand(), '--log-level', 'debug', '--', 'sh', '-c', 'sleep 0.2; exit 5'].map((a) => `'${a}'`).join(' ');
  const at = await atPrompt(run, `stty tostop; ${graceinit}; echo "status""=$?"`, 0);
  await run.waitScreen(/status=5/, at, 10_000);
  assert.match(run.screen, /child exited with code 5; graceinit exits with 5/);
  assert.doesNotMatch(run.screen, /received SIGTTOU/);
  await atPrompt(run, 'exit 0', at);
  assert.deepEqual(await run.exited, { code: 0 });
});
