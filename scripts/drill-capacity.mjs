#!/usr/bin/env node
// Up to which --rps the drill's load generator holds on this machine: runs it (dist/src/drill/load.js,
// --concurrency 16, --request-timeout 2s, as the drill does) against the example server in its own
// process, at rising rates for a few seconds each, with a new connection per request and with
// --keepalive. A rate holds when the achieved rate is within 5% of it (the drill's own warning line), no
// request failed, and at most 0.5% of the requests were still waiting for a slot when the load stopped
// (a few always are at high rates: the last milliseconds' worth). Prints a table and the highest rate that held in each mode.
//   npm run build && node scripts/drill-capacity.mjs [seconds per step, default 3]
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import net from 'node:net';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { LoadGenerator } = require(join(root, 'dist', 'src', 'drill', 'load.js'));
const seconds = Number(process.argv[2] ?? 3);
const RATES = [200, 500, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 10_000, 12_000];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const port = await new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});
const server = spawn(process.execPath, [join(root, 'examples', 'server.js')], { env: { ...process.env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'inherit'] });
await new Promise((resolve) => server.stdout.once('data', resolve));
const target = new URL(`http://127.0.0.1:${port}/`);

console.log(`drill load generator capacity: ${cpus().length} cores, ${seconds}s per step, concurrency 16, example server in its own process`);
console.log('mode         rps asked   sent/s   failed   left waiting   holds');
const best = {};
try {
  for (const keepalive of [false, true]) {
    const mode = keepalive ? 'keepalive' : 'new-conn';
    for (const rps of RATES) {
      const gen = new LoadGenerator({ target, rps, concurrency: 16, requestTimeoutMs: 2000, keepalive, now: () => performance.now() });
      gen.start();
      await sleep(seconds * 1000);
      await gen.stop();
      const achieved = gen.sent / ((gen.stoppedAt - gen.startedAt) / 1000);
      const failed = gen.records.filter((r) => r.outcome !== 'ok').length;
      const holds = achieved >= rps * 0.95 && failed === 0 && gen.notSent <= gen.sent * 0.005;
      console.log(`${mode.padEnd(12)} ${String(rps).padStart(9)}  ${achieved.toFixed(0).padStart(7)}  ${String(failed).padStart(7)}  ${String(gen.notSent).padStart(13)}   ${holds ? 'yes' : 'no'}`);
      if (!holds) break;
      best[mode] = rps;
      await sleep(500);
    }
  }
} finally {
  server.kill('SIGKILL');
}
console.log(`holds up to: new connection per request ${best['new-conn'] ?? 'none'} req/s; keep-alive ${best.keepalive ?? 'none'} req/s`);
