// The single executable as a container's entrypoint under a real OCI runtime (runc), stopped the way
// a kubelet's runtime stops a container: `runc kill ID TERM`, wait the grace period, then `runc kill
// ID KILL` if it is still running. The root file system has no node: the binary, its libraries and a
// static busybox; it is read-only with a tmpfs on /tmp, as with readOnlyRootFilesystem and an emptyDir.
// Configuration comes through GRACEINIT_* variables, as a manifest would set them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, test, type TestContext } from 'node:test';
import { BINARY, buildRootfs, ensureBinary, ensurePackages } from '../helpers/binary.js';
import { InitRun, monoMs, type ExitInfo } from '../helpers/ns.js';

/** runc needs root here; elsewhere the test is skipped with the reason, except on CI. */
function runcTest(name: string, fn: (t: TestContext) => Promise<void>): void {
  test(name, { timeout: 60_000 }, async (t) => {
    if (process.getuid?.() !== 0) {
      const reason = 'runc needs root';
      if (process.env.CI) throw new Error(`on CI a runc test must not be skipped: ${reason}`);
      t.skip(reason);
      return;
    }
    await fn(t);
  });
}

let serial = 0;

class Container {
  readonly id = `graceinit-test-${process.pid}-${++serial}`;
  private readonly state: string;
  private readonly bundle: string;
  run: InitRun | undefined;

  constructor(t: TestContext, app: string, env: Record<string, string>) {
    this.state = mkdtempSync(join(tmpdir(), 'graceinit-runc-state-'));
    this.bundle = mkdtempSync(join(tmpdir(), 'graceinit-bundle-'));
    t.after(() => this.remove());
    const rootfs = buildRootfs(BINARY, { '/app.sh': app }, this.bundle);
    // runc spec's defaults (namespaces, /proc, /dev, capabilities, a read-only root), then ours.
    this.runc(['spec', '--bundle', this.bundle]);
    const configFile = join(this.bundle, 'config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as OciConfig;
    config.root = { path: rootfs.dir, readonly: true };
    config.process.terminal = false;
    config.process.args = ['/bin/graceinit', '--', '/bin/sh', '/app.sh'];
    config.process.env = ['PATH=/bin', ...Object.entries(env).map(([k, v]) => `${k}=${v}`)];
    config.mounts.push({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'mode=1777'] });
    writeFileSync(configFile, JSON.stringify(config, null, 2));
  }

  private runc(args: string[]): string {
    const out = spawnSync('runc', ['--root', this.state, ...args], { encoding: 'utf8', timeout: 20_000 });
    if (out.status !== 0) throw new Error(`runc ${args.join(' ')} failed: ${out.stderr || out.error?.message}`);
    return out.stdout;
  }

  start(): InitRun {
    this.run = new InitRun([], { init: ['runc', '--root', this.state, 'run', '--bundle', this.bundle, this.id], pid1: false });
    return this.run;
  }

  kill(signal: 'TERM' | 'KILL'): number {
    this.runc(['kill', this.id, signal]);
    return monoMs();
  }

  /** As a runtime stops a container: TERM, the grace period, then KILL if it is still running. */
  async stop(graceMs: number): Promise<{ exit: ExitInfo; tookMs: number; runtimeKilled: boolean }> {
    const run = this.run!;
    const sent = this.kill('TERM');
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace-over'>((resolve) => { timer = setTimeout(() => resolve('grace-over'), graceMs); });
    const first = await Promise.race([run.exited, graceOver]);
    clearTimeout(timer);
    let runtimeKilled = false;
    if (first === 'grace-over') {
      runtimeKilled = true;
      this.kill('KILL');
    }
    const exit = await run.exited;
    return { exit, tookMs: exit.atMs - sent, runtimeKilled };
  }

  private remove(): void {
    spawnSync('runc', ['--root', this.state, 'delete', '-f', this.id], { stdio: 'ignore', timeout: 20_000 });
    this.run?.kill();
    rmSync(this.state, { recursive: true, force: true });
    rmSync(this.bundle, { recursive: true, force: true });
  }
}

interface OciConfig {
  root: { path: string; readonly: boolean };
  process: { terminal: boolean; args: string[]; env: string[] };
  mounts: Array<{ destination: string; type: string; source: string; options: string[] }>;
}

const ZOMBIES = 'zombies() { n=0; for f in /proc/[0-9]*/stat; do read -r line < "$f" || continue; ' +
  'case "$line" in *") Z "*) n=$((n+1));; esac; done; echo $n; }';

const events = (run: InitRun): string[] => run.jsonLines().map((l) => String(l.event))
  .filter((e) => e.startsWith('phase-') || e === 'pre-stop-start' || e === 'pre-stop-exit' || e === 'child-exit');
const reaped = (run: InitRun): number => run.jsonLines().filter((l) => l.event === 'reap').reduce((n, l) => n + Number(l.reaped), 0);
const at = (run: InitRun, event: string): number => Number(run.jsonLines().find((l) => l.event === event)?.elapsed_ms);

describe('runc: the single executable as a container\'s entrypoint', () => {
  before(() => {
    if (process.getuid?.() !== 0) return;
    ensurePackages('runc', 'busybox-static');
    ensureBinary();
  });

  runcTest('stopped like a kubelet does: pre-stop, delay, TERM, orphans reaped, the app\'s exit status', async (t) => {
    // Five orphans at start and three more while draining, all left to PID 1 (graceinit).
    const app = `#!/bin/sh
${ZOMBIES}
for i in 1 2 3 4 5; do (sleep 0.1 &); done
trap 'for i in 1 2 3; do (sleep 0.05 &); done; sleep 0.3; echo "drained zombies=$(zombies)"; exit 42' TERM
echo ready
while :; do sleep 0.05; done
`;
    const container = new Container(t, app, {
      GRACEINIT_PRE_STOP: 'echo deregistering\nsleep 0.3',
      GRACEINIT_PRE_STOP_TIMEOUT: '1',
      GRACEINIT_DELAY: '1',
      GRACEINIT_GRACE_PERIOD: '5',
      GRACEINIT_LOG_FORMAT: 'json',
      GRACEINIT_LOG_LEVEL: 'debug',
    });
    const run = container.start();
    await run.waitStdout(/^ready$/m, 20_000);
    await run.until(() => reaped(run) >= 5, '5 orphans reaped');
    const { exit, tookMs, runtimeKilled } = await container.stop(5000);

    assert.equal(runtimeKilled, false, `graceinit did not finish within the grace period\n${run.stderr}`);
    assert.equal(exit.code, 42, run.stderr);
    assert.doesNotMatch(run.stderr, /"level":"(warn|error)"/);
    assert.match(run.stdout, /^drained zombies=0$/m, run.stdout + run.stderr);
    assert.ok(reaped(run) >= 8, `reaped ${reaped(run)} orphans, expected 8\n${run.stderr}`);
    assert.deepEqual(events(run), ['phase-terminating', 'pre-stop-start', 'pre-stop-exit', 'pre-stop-start', 'pre-stop-exit',
      'phase-delaying', 'phase-stopping', 'child-exit'], run.stderr);
    assert.ok(run.jsonLines().some((l) => l.event === 'pre-stop-output' && /deregistering/.test(String(l.msg))), run.stderr);
    const delay = at(run, 'phase-stopping') - at(run, 'phase-delaying');
    assert.ok(delay >= 1000 && delay <= 1300, `delay ${delay}ms, expected 1000-1300`);
    assert.ok(at(run, 'phase-delaying') >= 300, `pre-stops took ${at(run, 'phase-delaying')}ms, expected >= 300`);
    // pre-stops 0.3 s + delay 1 s + the app's 0.3 s drain, with container start-up noise.
    assert.ok(tookMs >= 1600 && tookMs <= 2600, `stop took ${tookMs}ms, expected 1600-2600`);
  });

  runcTest('an app that ignores TERM is killed by graceinit before the runtime\'s KILL: runc reports 137', async (t) => {
    const app = `#!/bin/sh
trap '' TERM
echo ready
while :; do sleep 0.05; done
`;
    const container = new Container(t, app, {
      GRACEINIT_TIMEOUT: '1',
      GRACEINIT_GRACE_PERIOD: '4',
      GRACEINIT_LOG_FORMAT: 'json',
    });
    const run = container.start();
    await run.waitStdout(/^ready$/m, 20_000);
    const { exit, tookMs, runtimeKilled } = await container.stop(4000);

    assert.equal(runtimeKilled, false, `graceinit did not kill the app within the grace period\n${run.stderr}`);
    assert.equal(exit.code, 137, run.stderr);
    assert.deepEqual(events(run), ['phase-terminating', 'phase-delaying', 'phase-stopping', 'phase-killing', 'child-exit'], run.stderr);
    const waited = at(run, 'phase-killing') - at(run, 'phase-stopping');
    assert.ok(waited >= 1000 && waited <= 1300, `killed ${waited}ms after the stop signal, expected 1000-1300`);
    assert.ok(tookMs >= 1000 && tookMs <= 2000, `stop took ${tookMs}ms, expected 1000-2000`);
  });
});
