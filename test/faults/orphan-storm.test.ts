// 10,000 orphans re-parented to graceinit (PID 1) over ~2.5 s while its pre-stop commands run (and,
// once the readiness issue has landed, while its health endpoint is probed): every one is reaped, and
// every exit status (the pre-stops', the child's) still comes out right.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { describe } from 'node:test';
import { fixture, monoMs, pid1Test, startInit } from '../helpers/ns.js';
import { freePort, graceinitOffers, sleep } from '../helpers/proc.js';

const ORPHANS = 10_000;
const OVER_MS = 2500;

/** GET http://127.0.0.1:port/path -> status, or an error after timeoutMs. */
function probe(port: number, path: string, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('timeout', () => req.destroy(new Error(`no answer from ${path} within ${timeoutMs}ms`)));
    req.on('error', reject);
    req.end();
  });
}

describe('orphan storm', () => {
  pid1Test(`${ORPHANS} orphans during the pre-stops: zero zombies left, every exit status right`, async (t) => {
    const health = graceinitOffers('--health-port');
    const port = health ? await freePort() : 0;
    if (!health) t.diagnostic('graceinit --help does not list --health-port yet: the endpoint is not probed during the storm');
    const run = startInit(t, [
      '--log-format', 'json', '--log-level', 'debug',
      ...(health ? ['--health-port', String(port)] : []),
      '--pre-stop', 'sleep 0.3; exit 3',
      '--pre-stop', 'exit 0',
      // leaves an orphan of its own behind: its group is killed and the orphan reaped like the rest
      '--pre-stop', '(sleep 5 &); sleep 0.3; exit 5',
      '--delay', '2.5',
      '--', fixture('stormchild'), `orphans:${ORPHANS}:${OVER_MS}`, 'check-zombies', 'exit:42',
    ]);
    await run.waitStdout(/^ready \d+$/m);
    await run.signal('SIGTERM'); // the pre-stops run while the storm goes on

    const probes: number[] = [];
    if (health) {
      while (run.proc.exitCode === null && !/^orphans created/m.test(run.stdout)) {
        const started = monoMs();
        const path = probes.length % 2 ? '/livez' : '/readyz';
        const status = await probe(port, path, 1000);
        probes.push(monoMs() - started);
        // terminating from the first instant: not ready, but alive
        assert.equal(status, path === '/livez' ? 200 : 503, `${path} during the storm`);
        await sleep(50);
      }
    }

    const exit = await run.exited;
    assert.equal(exit.code, 42, run.stderr.slice(-3000));
    assert.match(run.stdout, new RegExp(`^orphans created=${ORPHANS} `, 'm'));
    assert.match(run.stdout, /^zombies_left=0 others_left=0$/m, run.stdout);

    const lines = run.jsonLines();
    const preStopCodes = lines.filter((l) => l.event === 'pre-stop-exit').map((l) => l.code);
    assert.deepEqual(preStopCodes, [3, 0, 5]);
    const reaped = lines.filter((l) => l.event === 'reap').reduce((sum, l) => sum + (l.reaped as number), 0);
    t.diagnostic(`graceinit reaped ${reaped} orphans; ${run.stdout.match(/^orphans created=.*$/m)?.[0]}`);
    assert.ok(reaped >= ORPHANS, `graceinit reaped ${reaped} orphans, fewer than the ${ORPHANS} made`);
    const childExit = lines.find((l) => l.event === 'child-exit');
    assert.equal(childExit?.exit_code, 42);
    if (health) {
      assert.ok(probes.length > 0, 'the health endpoint was never probed during the storm');
      t.diagnostic(`${probes.length} probes, slowest ${Math.max(...probes).toFixed(0)}ms`);
    }
  }, { timeout: 60_000 });
});
