// The drill's /readyz watch (used when graceinit has a --health-port): it notes when readiness first
// answered 503, within its polling interval, and stops polling once stopped.
import assert from 'node:assert/strict';
import http from 'node:http';
import type net from 'node:net';
import { test } from 'node:test';
import { ReadinessWatch } from '../../src/drill/readiness.js';
import { readyzOf } from '../../src/drill/options.js';

test('/readyz turning 503 is noticed within ~50 ms; no polling after stop()', async (t) => {
  let failingSince: number | undefined;
  let probes = 0;
  const server = http.createServer((req, res) => {
    probes++;
    assert.equal(req.url, '/readyz');
    res.statusCode = failingSince === undefined ? 200 : 503;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => { server.close(); });
  const url = readyzOf({ values: new Map([['healthPort', { value: String((server.address() as net.AddressInfo).port), from: '--health-port' }]]), command: [] })!;
  const watch = new ReadinessWatch(url, () => performance.now());
  watch.start();
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(watch.first503At, undefined, 'ready while 200');
  failingSince = performance.now();
  await new Promise((r) => setTimeout(r, 200));
  watch.stop();
  assert.ok(watch.first503At !== undefined, 'the 503 was seen');
  const lag = watch.first503At - failingSince;
  assert.ok(lag >= 0 && lag < 100, `seen ${lag.toFixed(1)} ms after the flip`);
  const seen = probes;
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(probes, seen, 'no probe after the 503 and stop()');
  assert.equal(readyzOf({ values: new Map(), command: [] }), undefined);
});
