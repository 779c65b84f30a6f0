// What /livez and /readyz answer for each state of the supervisor and of the app's own checks.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { allReady, sharedCheck } from '../../src/app-ready.js';
import { liveness, readiness, type HealthStatus } from '../../src/health.js';

function status(running: boolean, terminating: boolean): HealthStatus & { terminating: boolean } {
  return { childRunning: () => running, terminating };
}

describe('readiness', () => {
  it('ready while the child runs and no shutdown began; the app check must pass too', async () => {
    assert.deepEqual(await readiness(status(true, false), undefined), { status: 200, body: 'ready' });
    assert.deepEqual(await readiness(status(true, false), async () => undefined), { status: 200, body: 'ready' });
    assert.deepEqual(await readiness(status(true, false), async () => 'http://app/ answered 500'),
      { status: 503, body: 'not ready: http://app/ answered 500' });
    assert.deepEqual(await readiness(status(false, false), undefined), { status: 503, body: 'not ready: child not running' });
  });

  it('shutting down wins over everything, without asking the app', async () => {
    let asked = 0;
    const app = async (): Promise<undefined> => { asked++; return undefined; };
    assert.deepEqual(await readiness(status(true, true), app), { status: 503, body: 'shutting down' });
    assert.equal(asked, 0);
  });

  it('a shutdown that begins while the app is being asked gives 503', async () => {
    const s = status(true, false);
    const app = async (): Promise<undefined> => { s.terminating = true; return undefined; };
    assert.deepEqual(await readiness(s, app), { status: 503, body: 'shutting down' });
  });

  it('liveness follows the child only', () => {
    assert.equal(liveness(status(true, true)).status, 200);
    assert.equal(liveness(status(false, false)).status, 503);
  });
});

describe('app checks', () => {
  it('all must pass; the first reason is given', async () => {
    assert.equal(await allReady([async () => undefined, async () => 'tcp refused', async () => 'url 500'])(), 'tcp refused');
    assert.equal(await allReady([async () => undefined])(), undefined);
  });

  it('concurrent probes share one check in flight, the next probe runs a new one', async () => {
    let runs = 0;
    let release!: () => void;
    const check = sharedCheck(() => { runs++; return new Promise((resolve) => { release = () => resolve(undefined); }); });
    const burst = [check(), check(), check()];
    release();
    await Promise.all(burst);
    assert.equal(runs, 1);
    const next = check();
    release();
    await next;
    assert.equal(runs, 2);
  });
});
