// The nginx recipe with the real nginx binary (installed by scripts/ensure-packages.sh when missing)
// under graceinit as PID 1: --stop-signal QUIT is nginx's graceful stop, so a request in flight when
// the pod is told to stop completes with 200. With the default TERM (nginx's fast stop) it is cut:
// that is why the recipe exists, and what makes this test able to fail.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe } from 'node:test';
import { freePort, probe, request, sleep } from '../helpers/http.js';
import { ROOT, monoMs, namespaceMode, pid1Test, startInit } from '../helpers/ns.js';

const SLOW_MS = 1500;

function nginxConfig(dir: string, port: number, upstream: number): string {
  for (const sub of ['body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) mkdirSync(join(dir, sub));
  const conf = join(dir, 'nginx.conf');
  writeFileSync(conf, `
${process.getuid?.() === 0 ? 'user root root;' : ''}
worker_processes 1;
pid ${dir}/nginx.pid;
error_log stderr notice;
events { worker_connections 64; }
http {
  access_log off;
  client_body_temp_path ${dir}/body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  server {
    listen 127.0.0.1:${port};
    location / { proxy_pass http://127.0.0.1:${upstream}; }
  }
}
`);
  return conf;
}

/** The app behind nginx: /slow answers after SLOW_MS, anything else at once. */
async function upstream(t: { after(fn: () => Promise<void>): void }): Promise<{ port: number; slowArrived: Promise<void> }> {
  let arrived!: () => void;
  const slowArrived = new Promise<void>((resolve) => { arrived = resolve; });
  const server = http.createServer((req, res) => {
    const finish = (): void => { res.end(`${req.url} done\n`); };
    if (req.url === '/slow') {
      arrived();
      setTimeout(finish, SLOW_MS);
    } else {
      finish();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }));
  return { port: (server.address() as AddressInfo).port, slowArrived };
}

describe('nginx recipe as PID 1', () => {
  let nginx = '';
  before(() => {
    if (namespaceMode().kind === 'none') return; // the tests skip (or fail on CI) with the reason
    const install = spawnSync('bash', [join(ROOT, 'scripts', 'ensure-packages.sh'), 'nginx'], { stdio: 'inherit' });
    assert.equal(install.status, 0, 'scripts/ensure-packages.sh nginx failed');
    nginx = spawnSync('bash', ['-c', 'PATH="$PATH:/usr/sbin:/sbin" command -v nginx'], { encoding: 'utf8' }).stdout.trim();
    assert.ok(nginx, 'nginx is installed');
  });

  async function stopDuringSlowRequest(t: Parameters<Parameters<typeof pid1Test>[1]>[0], stopSignal: string | undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'graceinit-nginx-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const app = await upstream(t);
    const port = await freePort();
    const conf = nginxConfig(dir, port, app.port);
    const run = startInit(t, ['--log-format', 'json', ...(stopSignal ? ['--stop-signal', stopSignal] : []),
      '--', nginx, '-p', dir, '-e', 'stderr', '-c', conf, '-g', 'daemon off;']);
    const deadline = monoMs() + 10_000;
    while ((await probe(`http://127.0.0.1:${port}/fast`)) !== 200) {
      if (monoMs() > deadline || run.proc.exitCode !== null) throw new Error(`nginx did not come up\n${run.stderr}`);
      await sleep(50);
    }
    const slow = request(`http://127.0.0.1:${port}/slow`, { timeoutMs: 5000 }).then(
      (r) => ({ status: r.status, body: r.body }), (err: Error) => ({ status: 0, body: err.message }));
    await app.slowArrived; // in flight: nginx is waiting for the app
    const termMs = await run.signal('SIGTERM');
    const result = await slow;
    const exit = await run.exited;
    return { run, result, exit, termMs };
  }

  pid1Test('--stop-signal QUIT: the request in flight at SIGTERM completes with 200 and graceinit exits 0', async (t) => {
    const { run, result, exit, termMs } = await stopDuringSlowRequest(t, 'QUIT');
    assert.deepEqual(result, { status: 200, body: '/slow done\n' }, run.stderr);
    assert.equal(exit.code, 0, run.stderr);
    assert.ok(exit.atMs - termMs >= SLOW_MS - 300, 'nginx waited for the request before exiting');
    const stopping = run.jsonLines().find((l) => l.event === 'phase-stopping');
    assert.match(String(stopping?.msg), /^sent SIGQUIT to the child's process group/);
  }, { timeout: 30_000 });

  pid1Test('the default TERM is nginx\'s fast stop: the same request is cut', async (t) => {
    const { run, result } = await stopDuringSlowRequest(t, undefined);
    assert.notEqual(result.status, 200, `TERM should cut the request\n${run.stderr}`);
  }, { timeout: 30_000 });
});
