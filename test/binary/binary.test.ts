// The single executable (npm run build:binary) as a user of a non-Node image runs it: the same CLI,
// the addon it carries, and the whole shutdown sequence as PID 1 in a root with no node at all.
//
// Which PID-1 tests run against the binary: every file of test/pid1 but one (PID1_SUBSET, ~25 s).
// The binary runs the very JavaScript that `npm test` checks through bin/graceinit, bundled; what can
// differ is what bundling and the SEA change (argv, spawning, exit codes, the inlined package.json,
// execa's dynamic import, the lazily required modules, where the addon and the exec helper come from),
// and the suite covers all of them. Left out: nginx.test (a recipe about nginx's own signals; the
// sequence it relies on is in sequence.test).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, linkSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { BINARY, buildRootfs, ensureBinary, ensurePackages } from '../helpers/binary.js';
import { ROOT, namespaceMode, pid1Test, startInit } from '../helpers/ns.js';

const PID1_SUBSET = ['exit-codes', 'signals', 'sequence', 'reaping', 'config', 'readiness', 'prestop-http', 'interactive']
  .map((name) => `pid1/${name}.test.js`);
const ADDON = join(ROOT, 'build', 'Release', 'graceinit_native.node');

function runBinary(binary: string, args: string[], env: NodeJS.ProcessEnv = process.env) {
  return spawnSync(binary, args, { encoding: 'utf8', env, timeout: 20_000 });
}

/** A directory holding a hard link of the binary (process.execPath there is this directory). */
function binaryDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'graceinit-bin-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  linkSync(BINARY, join(dir, 'graceinit'));
  return dir;
}

describe('single executable', () => {
  before(() => ensureBinary());

  test('prints the package version and runs a command, with no Node warning', () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const shown = runBinary(BINARY, ['--version']);
    assert.equal(shown.status, 0, shown.stderr);
    assert.equal(shown.stdout.trim(), version);
    assert.equal(shown.stderr, '');
    const ran = runBinary(BINARY, ['--log-level', 'warn', '--', 'sh', '-c', 'echo "$0 $1"; exit 3', 'a', '--delay']);
    assert.equal(ran.status, 3);
    assert.equal(ran.stdout, 'a --delay\n');
    assert.equal(ran.stderr, '');
    const bad = runBinary(BINARY, ['--delay', 'soon', '--', 'true']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^graceinit: --delay: .*\n$/);
  });

  test('GRACEINIT_NATIVE beats the embedded addon', (t) => {
    const dir = binaryDir(t);
    const own = join(dir, 'own.node');
    copyFileSync(ADDON, own);
    const run = runBinary(join(dir, 'graceinit'), ['--log-level', 'debug', '--', 'true'], { ...process.env, GRACEINIT_NATIVE: own });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`reaper addon loaded from ${own.replace(/[.]/g, '\\.')}\n`));
  });

  test('with no usable temp dir it loads graceinit_native.node beside the binary, else says why', (t) => {
    const dir = binaryDir(t);
    const env = { ...process.env, TMPDIR: join(dir, 'no-such-dir') };
    const without = runBinary(join(dir, 'graceinit'), ['--log-level', 'debug', '--', 'true'], env);
    assert.equal(without.status, 0, without.stderr);
    assert.match(without.stderr, /warn: the native addon is not available, orphans will not be reaped: embedded graceinit_native\.node: ENOENT.*mkdtemp/);
    copyFileSync(ADDON, join(dir, 'graceinit_native.node'));
    const beside = runBinary(join(dir, 'graceinit'), ['--log-level', 'debug', '--', 'true'], env);
    assert.equal(beside.status, 0, beside.stderr);
    assert.match(beside.stderr, new RegExp(`reaper addon loaded from ${join(dir, 'graceinit_native.node').replace(/[.]/g, '\\.')}\n`));
    assert.doesNotMatch(beside.stderr, /warn/);
  });

  pid1Test('a temp dir mounted noexec falls back to the addon beside the binary', async (t) => {
    const dir = binaryDir(t);
    const mnt = join(dir, 'tmp');
    const unshare = namespaceMode().kind === 'root' ? ['unshare', '--mount'] : ['unshare', '-Urm'];
    const start = () => startInit(t, ['--log-level', 'debug', '--', 'true'], {
      prefix: [...unshare, 'sh', '-c', 'mkdir -p "$0" && mount -t tmpfs -o noexec tmpfs "$0" && exec "$@"', mnt],
      init: [join(dir, 'graceinit')],
      env: { ...process.env, TMPDIR: mnt },
    });
    const without = start();
    assert.equal((await without.exited).code, 0, without.stderr);
    assert.match(without.stderr, /orphans will not be reaped: embedded graceinit_native\.node: .*failed to map segment/);
    copyFileSync(ADDON, join(dir, 'graceinit_native.node'));
    const beside = start();
    assert.equal((await beside.exited).code, 0, beside.stderr);
    assert.match(beside.stderr, new RegExp(`reaper addon loaded from ${join(dir, 'graceinit_native.node').replace(/[.]/g, '\\.')}\n`));
  });

  test(`the PID-1 subset passes against the binary: ${PID1_SUBSET.join(', ')}`, { timeout: 120_000 }, () => {
    const files = PID1_SUBSET.map((f) => join(ROOT, 'dist', 'test', f));
    for (const file of files) assert.ok(existsSync(file), `${file} is missing`);
    const env: NodeJS.ProcessEnv = { ...process.env, GRACEINIT_TEST_BIN: BINARY };
    delete env.NODE_TEST_CONTEXT; // else the nested runner reports to us in its internal protocol
    const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap', ...files], { env, cwd: ROOT, encoding: 'utf8', timeout: 110_000 });
    const count = (key: string) => Number(run.stdout.match(new RegExp(`^# ${key} (\\d+)$`, 'm'))?.[1] ?? -1);
    assert.equal(run.status, 0, run.stdout + run.stderr);
    assert.ok(count('pass') > 0, run.stdout);
    assert.equal(count('fail'), 0, run.stdout);
    assert.equal(count('skipped'), 0, run.stdout);
  });

  // The app: no node anywhere, three orphans left to PID 1, every signal it gets reported, and the
  // zombies it can see in the namespace's /proc counted when the stop signal comes.
  const APP = `#!/bin/sh
node=$(command -v node); if [ -n "$node" ]; then echo "node found: $node"; else echo "no node on PATH=$PATH"; fi
for i in 1 2 3; do (sleep 0.1 &); done
zombies() { n=0; for f in /proc/[0-9]*/stat; do read -r line < "$f" || continue; case "$line" in *") Z "*) n=$((n+1));; esac; done; echo $n; }
trap 'echo "got HUP"' HUP
trap 'echo "got TERM"' TERM
trap 'echo "got QUIT zombies=$(zombies)"; exit 7' QUIT
echo ready
while :; do sleep 0.05; done
`;

  pid1Test('as PID 1 in a root with no node: pre-stop, delay, stop signal, orphans reaped, exit code', async (t) => {
    ensurePackages('busybox-static');
    const rootfs = buildRootfs(BINARY, { '/app.sh': APP });
    t.after(() => rootfs.remove());
    const mode = namespaceMode();
    assert.ok(mode.kind !== 'none');
    const run = startInit(t, ['--log-format', 'json', '--log-level', 'debug',
      '--pre-stop', 'echo draining; sleep 0.2', '--delay', '0.5', '--stop-signal', 'QUIT', '--', '/bin/sh', '/app.sh'], {
      prefix: [...mode.prefix, `--root=${rootfs.dir}`, '--wd=/'],
      init: ['/bin/graceinit'],
      env: { PATH: '/bin' },
    });
    await run.waitStdout(/^ready$/m);
    const reaped = () => run.jsonLines().filter((l) => l.event === 'reap').reduce((n, l) => n + Number(l.reaped), 0);
    await run.until(() => reaped() >= 3, '3 orphans reaped');
    await run.signal('SIGHUP');
    await run.waitStdout(/^got HUP$/m);
    await run.signal('SIGTERM');
    const exit = await run.exited;

    assert.equal(exit.code, 7, run.stderr);
    assert.match(run.stdout, /^no node on PATH=\/bin$/m);
    assert.match(run.stdout, /^got QUIT zombies=0$/m);
    assert.doesNotMatch(run.stdout, /got TERM/);
    const lines = run.jsonLines();
    assert.ok(lines.some((l) => l.event === 'native' && /embedded graceinit_native\.node/.test(String(l.msg))), run.stderr);
    const events = lines.map((l) => String(l.event)).filter((e) => e.startsWith('phase-') || e.startsWith('pre-stop') || e === 'child-exit');
    assert.deepEqual(events, ['phase-terminating', 'pre-stop-start', 'pre-stop-output', 'pre-stop-exit',
      'phase-delaying', 'phase-stopping', 'child-exit'], run.stderr);
    const at = (event: string) => Number(lines.find((l) => l.event === event)!.elapsed_ms);
    assert.ok(at('phase-delaying') >= 200, `pre-stop took ${at('phase-delaying')}ms, expected >= 200`);
    const delay = at('phase-stopping') - at('phase-delaying');
    assert.ok(delay >= 500 && delay <= 800, `delay was ${delay}ms, expected 500-800`);
    assert.equal(lines.find((l) => l.event === 'pre-stop-exit')!.code, 0);
    assert.equal(lines.find((l) => l.event === 'child-exit')!.exit_code, 7);
  });
});
