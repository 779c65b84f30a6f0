// Pre-stop actions that misbehave: one that forks a daemon and exits, one that ignores TERM and never
// ends, an HTTP endpoint that accepts and never answers. None may hang the sequence or leave a process
// behind; the app still gets its stop signal on schedule.
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { describe } from 'node:test';
import { fixture, pid1Test, startInit, type InitRun } from '../helpers/ns.js';
import { eventually, freePort, peakRssKb, pid1OptionTest, rssKb, stderrQuiet } from '../helpers/proc.js';

const TOLERANCE_MS = 300;
/** The daemons below live 300 s: waiting for them would be a hang. A pre-stop costs ~0.1-0.3 s on its
 * own (execa is loaded on first use, a shell starts, its output gets 100 ms to drain), so 1 s is the bound. */
const NO_HANG_MS = 1000;

function lines(run: InitRun, event: string): Array<Record<string, unknown>> {
  return run.jsonLines().filter((l) => l.event === event);
}

function elapsedOf(run: InitRun, event: string): number {
  const line = lines(run, event)[0];
  assert.ok(line, `no ${event} in the log:\n${run.stderr}`);
  return line.elapsed_ms as number;
}

/** The witness's own listing of the namespace when it got the stop signal. */
function others(run: InitRun): string {
  return (/^others: (.*)$/m.exec(run.stdout) ?? [])[1] ?? `(no listing: ${run.stdout})`;
}

describe('pre-stops that misbehave', () => {
  pid1Test('a pre-stop that forks a daemon into its group and exits: no hang, its code logged, the daemon killed', async (t) => {
    // the daemon keeps the pre-stop's output pipe open: graceinit must not wait for it to close
    const run = startInit(t, ['--log-format', 'json', '--pre-stop', 'sleep 300 & echo "daemon $!"; exit 3', '--',
      fixture('witness'), 'scan']);
    await run.waitStdout(/^ready \d+$/m);
    await run.signal('SIGTERM');
    const exit = await run.exited;
    assert.equal(exit.code, 143, run.stderr);
    assert.deepEqual(lines(run, 'pre-stop-exit').map((l) => l.code), [3]);
    assert.match(run.stderr, /pre-stop 1\/1 \| daemon \d+/);
    const stopping = elapsedOf(run, 'phase-stopping');
    assert.ok(stopping < NO_HANG_MS, `the stop signal came ${stopping}ms after TERM`);
    assert.equal(others(run), 'none', 'the daemon outlived its pre-stop');
  });

  pid1Test('a pre-stop whose daemon leaves its group (setsid) does not hang the sequence either', async (t) => {
    const run = startInit(t, ['--log-format', 'json', '--pre-stop', 'setsid sleep 300 & exit 4', '--', fixture('witness')]);
    await run.waitStdout(/^ready \d+$/m);
    await run.signal('SIGTERM');
    const exit = await run.exited;
    assert.equal(exit.code, 143, run.stderr);
    assert.deepEqual(lines(run, 'pre-stop-exit').map((l) => l.code), [4]);
    const stopping = elapsedOf(run, 'phase-stopping');
    assert.ok(stopping < NO_HANG_MS, `the stop signal came ${stopping}ms after TERM`);
  });

  pid1Test('a pre-stop that ignores TERM is cut at --pre-stop-timeout by SIGKILL to its group', async (t) => {
    const run = startInit(t, ['--log-format', 'json', '--pre-stop-timeout', '500ms',
      '--pre-stop', 'trap "" TERM; kill -TERM 0; sleep 30; echo survived', '--', fixture('witness'), 'scan']);
    await run.waitStdout(/^ready \d+$/m);
    await run.signal('SIGTERM');
    const exit = await run.exited;
    assert.equal(exit.code, 143, run.stderr);
    const timedOut = lines(run, 'pre-stop-timeout')[0];
    assert.ok(timedOut, `no pre-stop-timeout line:\n${run.stderr}`);
    assert.match(String(timedOut.msg), /timed out after 500ms: its process group was killed/);
    const delaying = elapsedOf(run, 'phase-delaying');
    assert.ok(delaying >= 500 && delaying < 500 + TOLERANCE_MS, `the sequence went on at +${delaying}ms`);
    assert.doesNotMatch(run.stderr, /pre-stop 1\/1 \| survived/);
    assert.equal(others(run), 'none', 'something of the pre-stop survived');
  });

  pid1Test('a pre-stop that floods 100 MB without a newline: graceinit\'s memory stays bounded, the line is cut', async (t) => {
    const run = startInit(t, ['--log-format', 'json', '--pre-stop', 'head -c 100000000 /dev/zero | tr "\\0" a; exit 6', '--',
      fixture('witness'), 'term-after:2']);
    await run.waitStdout(/^ready \d+$/m);
    const pid = await run.initPid();
    await stderrQuiet(run, 100);
    const before = rssKb(pid);
    await run.signal('SIGTERM');
    await run.waitStdout(/^term 1 \d+$/m, 20_000); // the stop signal: the pre-stop is over
    const peak = peakRssKb(pid); // graceinit still runs: the app waits for a 2nd TERM
    await run.signal('SIGTERM');
    const exit = await run.exited;
    assert.equal(exit.code, 143, run.stderr.slice(-2000));
    t.diagnostic(`graceinit RSS ${before} kB before, peak ${peak} kB`);
    assert.ok(peak - before < 50 * 1024, `graceinit's peak RSS rose by ${peak - before} kB for one long output line`);
    assert.deepEqual(lines(run, 'pre-stop-exit').map((l) => l.code), [6]);
    const output = lines(run, 'pre-stop-output');
    assert.equal(output.length, 1, 'one (cut) line of output');
    assert.match(String(output[0]!.msg), /^pre-stop 1\/1 \| a{100,}.* \[cut: \d+ more characters\]$/);
    assert.ok(String(output[0]!.msg).length < 20_000, `a ${String(output[0]!.msg).length}-character log line`);
  });

  pid1OptionTest('an HTTP pre-stop whose server accepts and never answers is cut at its timeout, its connection closed',
    ['--pre-stop-http'], async (t) => {
      const sockets = new Set<Socket>();
      let accepted = 0;
      const server = createServer((socket) => {
        accepted++;
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
        socket.on('error', () => {});
        socket.resume(); // read the request (and so see the end of the connection), never answer
      });
      const port = await freePort();
      await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
      t.after(() => { for (const s of sockets) s.destroy(); server.close(); });

      const run = startInit(t, ['--log-format', 'json', '--pre-stop-timeout', '1s',
        '--pre-stop-http', `GET http://127.0.0.1:${port}/hang`, '--', fixture('witness'), 'term-after:2']);
      await run.waitStdout(/^ready \d+$/m);
      const termAt = await run.signal('SIGTERM');
      await run.waitStdout(/^term 1 \d+$/m, 5000); // the stop signal; the app stays up until a 2nd TERM
      const stopAt = Number((/^term 1 (\d+)$/m.exec(run.stdout) ?? [])[1]) / 1e6;
      const late = stopAt - termAt;
      t.diagnostic(`stop signal ${late.toFixed(0)}ms after TERM with a 1s pre-stop timeout; ${accepted} connection(s) accepted`);
      assert.ok(late >= 1000 - 5 && late < 1000 + TOLERANCE_MS, `stop signal ${late}ms after TERM`);
      assert.ok(accepted >= 1, 'graceinit never connected');
      // graceinit itself gave up on the connection: it still runs, so the kernel has not closed it for it
      assert.ok(await eventually(() => sockets.size === 0, TOLERANCE_MS), `${sockets.size} connection(s) still open`);
      assert.equal(run.proc.exitCode, null);
      await run.signal('SIGTERM');
      const exit = await run.exited;
      assert.equal(exit.code, 143, run.stderr);
      assert.ok(run.jsonLines().some((l) => (l.level === 'warn' || l.level === 'error') && /pre-stop/.test(String(l.msg))),
        `the failed pre-stop was not logged as a warning or error:\n${run.stderr}`);
    }, { timeout: 30_000 });
});
