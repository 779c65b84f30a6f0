// graceinit's log reader goes away (a log shipper dies, `graceinit … 2>&1 | head`): every later log
// line is a write to a pipe without a reader, which the kernel answers with SIGPIPE to graceinit. That
// SIGPIPE is graceinit's own, not the app's: it must not be forwarded (by default it kills the app,
// which would turn a graceful shutdown into exit 141 at the first line logged).
import assert from 'node:assert/strict';
import { describe } from 'node:test';
import { fixture, pid1Test, startInit } from '../helpers/ns.js';

describe('graceinit\'s stderr closed by its reader', () => {
  pid1Test('the app gets no SIGPIPE, and the shutdown runs in full with the app\'s exit code', async (t) => {
    const run = startInit(t, ['--delay', '1', '--', fixture('witness')]);
    await run.waitStdout(/^ready \d+$/m);
    await run.waitStderr(/started/);
    run.proc.stderr!.destroy(); // the reader is gone
    const termAt = await run.signal('SIGTERM'); // graceinit logs "SIGTERM received" into the void
    const exit = await run.exited;
    // the witness dies of SIGPIPE (141) if one reaches it, or of its stop signal (143)
    assert.equal(exit.code, 143, `exit ${exit.code}; the app saw: ${run.stdout}`);
    const stopAt = Number((/^term 1 (\d+)$/m.exec(run.stdout) ?? [])[1]) / 1e6;
    const late = stopAt - termAt;
    assert.ok(late >= 1000 - 5 && late < 1300, `stop signal ${late}ms after TERM, expected after the 1s delay`);
  });
});
