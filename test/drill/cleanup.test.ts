// The drill leaves nothing behind, however it ends: Ctrl-C (SIGINT), SIGTERM, SIGHUP or its own crash,
// during the warm-up or while a pre-stop runs, as PID 1 of a namespace or as a plain subreaper. Checked
// by a marker in every started process's command line (/proc) and by listening on the port afterwards.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { SERVER, freePort, portIsFree, processesWith, startDrill, strays } from '../helpers/drill.js';

interface Case {
  signal: NodeJS.Signals | 'crash';
  mode: 'namespace' | 'subreaper';
  when: 'warm-up' | 'pre-stop';
}

const CASES: Case[] = [
  { signal: 'SIGINT', mode: 'namespace', when: 'warm-up' },
  { signal: 'SIGTERM', mode: 'subreaper', when: 'warm-up' },
  { signal: 'SIGHUP', mode: 'namespace', when: 'pre-stop' },
  { signal: 'SIGINT', mode: 'subreaper', when: 'pre-stop' },
  { signal: 'SIGHUP', mode: 'subreaper', when: 'warm-up' },
  { signal: 'crash', mode: 'subreaper', when: 'warm-up' },
  { signal: 'crash', mode: 'namespace', when: 'warm-up' },
];

describe('drill cleanup', () => {
  for (const c of CASES) {
    const what = c.signal === 'crash' ? 'an uncaught error in the drill' : c.signal;
    test(`${what} during the ${c.when} (${c.mode}): no stray process, the port is free`, async (t) => {
      const port = await freePort();
      const marker = `drill-cleanup-${process.pid}-${port}`;
      const args = ['--warmup', c.when === 'warm-up' ? '20s' : '0.3s', '--lag', '20s', '--delay', '20',
        '--pre-stop', `sleep 30 # ${marker}`];
      if (c.mode === 'subreaper') args.push('--subreaper');
      const env = c.signal === 'crash' ? { GRACEINIT_TEST_FAULT: 'drill-throw-during-load' } : {};
      // The marker rides in the app's argv (node passes it on to the script), so every process shows it.
      const run = startDrill(t, [...args, '--', 'node', SERVER, marker], port, env);
      await run.waitStderr(c.when === 'warm-up' ? /sending 200 req\/s/ : /pre-stop 1\/1 started/);
      const before = processesWith(marker);
      // graceinit, the app (and unshare or the pre-stop): all there before the drill ends.
      assert.ok(before.length >= 2, JSON.stringify(before));
      if (c.signal !== 'crash') run.proc.kill(c.signal);
      const exit = await run.exited;
      if (c.signal === 'crash') {
        assert.equal(exit.code, 70, run.stderr);
        assert.match(run.stderr, /graceinit drill: internal error: Error: injected fault/);
      } else {
        // signal-exit re-raises the signal once the cleanup ran: the shell sees 128+N as usual.
        assert.equal(exit.signal, c.signal, `exit ${JSON.stringify(exit)}\n${run.stderr}`);
      }
      assert.deepEqual(await strays(marker), [], 'processes left behind');
      assert.ok(await portIsFree(port), `port ${port} is still taken`);
    });
  }
});
