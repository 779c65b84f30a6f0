// graceinit drill against the bundled example server (it closes its listener on SIGTERM), as a user
// runs it: exit codes, the counts, the phases it reports, and what it refuses to start.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { ROOT } from '../helpers/ns.js';
import { SERVER, freePort, portIsFree, startDrill, strays, tempDir, type DrillJson } from '../helpers/drill.js';

const SHORT = ['--warmup', '1s', '--lag', '1s', '--json'];
const TOLERANCE_MS = 300;

function assertCountsAddUp(json: DrillJson): void {
  for (const run of json.runs) {
    const s = run.stats;
    assert.equal(s.sent, s.ok + s.failed, `${run.name}: sent = ok + failed`);
    const failures = s.byOutcome.refused! + s.byOutcome.reset! + s.byOutcome.timeout! + s.byOutcome.http5xx! + s.byOutcome.error!;
    assert.equal(s.failed, failures, `${run.name}: failed = refused + reset + timeout + 5xx + other`);
    assert.equal(s.buckets.reduce((n, b) => n + b.ok, 0), s.ok, `${run.name}: the timeline holds every ok request`);
    assert.equal(s.buckets.reduce((n, b) => n + b.failed, 0), s.failed, `${run.name}: the timeline holds every failure`);
  }
}

const phaseAt = (json: DrillJson, run: number, phase: string): number | undefined =>
  json.runs[run]!.stats.markers.find((m) => m.phase === phase)?.tMs;

describe('graceinit drill', () => {
  test('--delay 0 --lag 1s: the plain shutdown loses requests, exit 1', async (t) => {
    const port = await freePort();
    const run = startDrill(t, [...SHORT, '--delay', '0', '--', 'node', SERVER], port);
    const exit = await run.exited;
    assert.equal(exit.code, 1, run.stderr);
    const json = run.json();
    assertCountsAddUp(json);
    const s = json.runs[0]!.stats;
    assert.equal(json.verdict, 'fail');
    assert.ok(s.failed > 0, 'requests failed');
    // The listener is closed right after the SIGTERM: about a second of load (200 req/s) is refused.
    assert.ok(s.byOutcome.refused! >= 50, `refused: ${JSON.stringify(s.byOutcome)}`);
    assert.ok(s.failureWindow && s.failureWindow.fromMs >= 0 && s.failureWindow.fromMs < TOLERANCE_MS, JSON.stringify(s.failureWindow));
    assert.ok(s.reasons.some((r) => /requests failed/.test(r)), s.reasons.join('; '));
    assert.ok(Math.abs(phaseAt(json, 0, 'stopping')!) < TOLERANCE_MS);
    assert.equal(s.killed, false);
    assert.ok(await portIsFree(port));
  });

  test('--compare --delay 1.5 --lag 1s: zero failures of 300+ with the delay, failures without, exit 0', async (t) => {
    const port = await freePort();
    // A 1.5 s warm-up: 500 requests are due, so 300 are sent even if a busy machine stalls the drill a while.
    const run = startDrill(t, ['--warmup', '1.5s', '--lag', '1s', '--json', '--compare', '--delay', '1.5', '--', 'node', SERVER], port);
    const exit = await run.exited;
    assert.equal(exit.code, 0, run.stderr);
    const json = run.json();
    assertCountsAddUp(json);
    assert.deepEqual(json.runs.map((r) => r.name), ['given', 'plain']);
    const given = json.runs[0]!.stats;
    assert.equal(given.failed, 0, JSON.stringify(given.byOutcome));
    assert.ok(given.sent >= 300, `sent ${given.sent}`);
    assert.equal(given.pass, true);
    assert.deepEqual(given.appExit, { code: 0, signal: null, exitCode: 0 });
    // The stop signal comes after the delay, not before; the app then exits by itself.
    const stopping = phaseAt(json, 0, 'stopping')!;
    assert.ok(Math.abs(stopping - 1500) < TOLERANCE_MS, `stop signal at ${stopping}ms`);
    assert.ok(phaseAt(json, 0, 'exited')! >= stopping);
    assert.equal(phaseAt(json, 0, 'killing'), undefined);
    // Load ran for the warm-up and the lag at about the asked rate (a stalled machine may cost some).
    assert.ok(given.achievedRps >= 150, `achieved ${given.achievedRps} req/s`);
    assert.deepEqual(given.warnings.filter((w) => /3xx/.test(w)), []);

    const plain = json.runs[1]!.stats;
    assert.ok(!json.runs[1]!.graceinitArgs.includes('--delay'), json.runs[1]!.graceinitArgs.join(' '));
    assert.ok(plain.failed > 0, 'the plain init loses requests');
    assert.equal(plain.pass, false);
    assert.ok(Math.abs(phaseAt(json, 1, 'stopping')!) < TOLERANCE_MS);
  });

  test('the text report names the counts, the phases and the verdict; subreaper mode says so', async (t) => {
    const port = await freePort();
    const run = startDrill(t, ['--warmup', '0.5s', '--lag', '0.3s', '--subreaper', '--delay', '0.5', '--', 'node', SERVER], port);
    const exit = await run.exited;
    assert.equal(exit.code, 0, run.stderr);
    assert.match(run.stderr, /graceinit runs as a child subreaper \(--subreaper\)/);
    assert.match(run.stdout, /requests +sent (\d+), ok \1, failed 0 \(refused 0, reset 0, timeout 0, 5xx 0, other 0\)/);
    assert.match(run.stdout, /\+0\.\d{3}s +SIGTERM\n/);
    assert.match(run.stdout, /\+0\.[4-8]\d{2}s +SIGTERM to app\n/);
    assert.match(run.stdout, /app exited \(code 0\)/);
    assert.match(run.stdout, /verdict +PASS: no request failed and the app exited by itself/);
    assert.match(run.stdout, /isolation +graceinit runs as a child subreaper/);
  });

  test('an app that ignores the stop signal is killed: no failed request, still exit 1', async (t) => {
    const port = await freePort();
    // URG is ignored by default: the app never stops by itself, graceinit SIGKILLs it after --timeout.
    const run = startDrill(t, ['--warmup', '0.5s', '--lag', '0.3s', '--json', '--delay', '0.5', '--stop-signal', 'URG',
      '--timeout', '0.5', '--', 'node', SERVER], port);
    const exit = await run.exited;
    assert.equal(exit.code, 1, run.stderr);
    const s = run.json().runs[0]!.stats;
    assert.equal(s.failed, 0);
    assert.equal(s.killed, true);
    assert.ok(s.reasons.some((r) => /did not exit by itself/.test(r)), s.reasons.join('; '));
    const killing = s.markers.find((m) => m.phase === 'killing')!;
    assert.ok(Math.abs(killing.tMs - 1000) < TOLERANCE_MS, `killed at ${killing.tMs}ms`);
    assert.equal(s.appExit?.signal, 'SIGKILL');
  });

  test('an app that dies during the warm-up fails the drill; no SIGTERM is sent', async (t) => {
    const port = await freePort();
    // The shell serves through its child for a moment, then exits 3: graceinit ends the group and exits.
    const run = startDrill(t, ['--warmup', '5s', '--json', '--', 'sh', '-c', `node ${SERVER} & sleep 0.8; exit 3`], port);
    const exit = await run.exited;
    assert.equal(exit.code, 1, run.stderr);
    const s = run.json().runs[0]!.stats;
    assert.ok(s.reasons.includes('the app exited before the SIGTERM'), s.reasons.join('; '));
    assert.equal(s.markers.find((m) => m.phase === 'terminating'), undefined);
    assert.equal(s.appExit?.code, 3);
    assert.match(run.stderr, /the app exited during the warm-up, before any SIGTERM/);
    assert.ok(await portIsFree(port));
  });

  test('bad input is exit 2 with one line naming the flag or variable, and nothing starts', async (t) => {
    const dir = tempDir(t, 'drill-bad-');
    const flagFile = join(dir, 'started');
    const cases: Array<[string[], NodeJS.ProcessEnv, RegExp]> = [
      [['--rps', '0'], { PORT: '9' }, /^graceinit drill: --rps: expected a whole number from 1 to 100000, got "0"$/m],
      [['--lag', 'soon'], { PORT: '9' }, /^graceinit drill: --lag: invalid duration "soon"/],
      [[], { PORT: '9', GRACEINIT_DRILL_WARMUP: 'x' }, /^graceinit drill: GRACEINIT_DRILL_WARMUP: invalid duration "x"/],
      [['--delay', 'x'], { PORT: '9' }, /^graceinit drill: --delay: invalid duration "x"/],
      [[], { PORT: '9', GRACEINIT_STOP_SIGNAL: 'NOPE' }, /^graceinit drill: GRACEINIT_STOP_SIGNAL: unknown signal "NOPE"/],
      [[], {}, /^graceinit drill: --target: not given and PORT is not set/],
      [['--target', 'http://10.1.2.3:80/'], {}, /^graceinit drill: --target: .* must be a loopback address/],
      [['--report', 'out.txt'], { PORT: '9' }, /^graceinit drill: --report: .*ending in \.html/],
      [['--no-such-flag'], { PORT: '9' }, /^graceinit drill: unknown option '--no-such-flag'/],
    ];
    for (const [args, env, expected] of cases) {
      const result = spawnSync(process.execPath, [join(ROOT, 'bin', 'graceinit'), 'drill', ...args, '--', 'sh', '-c', `touch ${flagFile}`],
        { cwd: ROOT, encoding: 'utf8', env: { PATH: process.env.PATH, ...env } });
      assert.equal(result.status, 2, `${args.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, expected);
      assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
      assert.equal(result.stdout, '');
    }
    const missing = spawnSync(process.execPath, [join(ROOT, 'bin', 'graceinit'), 'drill'], { cwd: ROOT, encoding: 'utf8', env: { PORT: '9' } });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^graceinit drill: missing command/);
    assert.equal(existsSync(flagFile), false, 'nothing was started');
  });

  test('the PID-1 path loads nothing of the drill (nor signal-exit)', (t) => {
    const dir = tempDir(t, 'drill-load-');
    const hook = join(dir, 'trace.js');
    // Lists every module file loaded, as graceinit exits.
    writeFileSync(hook, "process.on('exit', () => process.stderr.write('\\nLOADED ' + Object.keys(require.cache).join(' ') + '\\n'));\n");
    const result = spawnSync(process.execPath, ['-r', hook, join(ROOT, 'bin', 'graceinit'), '--', 'true'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    const loaded = (/^LOADED (.*)$/m.exec(result.stderr) ?? [])[1]!.split(' ');
    // bin/graceinit runs the start-up bundle (scripts/bundle.mjs), or dist/src module by module without it.
    assert.ok(loaded.some((f) => f.endsWith('graceinit.bundle.js') || f.endsWith('supervisor.js')), 'the trace works');
    const unwanted = [join(ROOT, 'dist', 'src', 'drill'), join(ROOT, 'node_modules', 'signal-exit'), join(ROOT, 'node_modules', 'playwright-core')];
    assert.deepEqual(loaded.filter((f) => unwanted.some((dir) => f.startsWith(dir))), []);
  });

  test('`graceinit -- drill` runs a program called drill; `graceinit drill --help` is the drill\'s help', (t) => {
    const dir = tempDir(t, 'drill-prog-');
    writeFileSync(join(dir, 'drill'), '#!/bin/sh\necho "the drill program: $*"\n');
    chmodSync(join(dir, 'drill'), 0o755);
    const env = { ...process.env, PATH: `${dir}:${process.env.PATH}` };
    const prog = spawnSync(process.execPath, [join(ROOT, 'bin', 'graceinit'), '--', 'drill', '--rps', '5'], { cwd: ROOT, encoding: 'utf8', env });
    assert.equal(prog.status, 0, prog.stderr);
    assert.equal(prog.stdout, 'the drill program: --rps 5\n');
    const help = spawnSync(process.execPath, [join(ROOT, 'bin', 'graceinit'), 'drill', '--help'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: graceinit drill \[drill options\] \[graceinit options\] -- <command>/);
    assert.match(help.stdout, /--lag <duration>/);
    assert.match(help.stdout, /--delay <duration>/);
  });

  test('a port already taken is an error before anything starts; an app that never answers is bounded by --ready-timeout', async (t) => {
    const port = await freePort();
    const squatter = http.createServer((_req, res) => res.end('not the app'));
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    const marker = `drill-ready-${process.pid}-${Date.now()}`;
    try {
      const taken = startDrill(t, ['--', 'sh', '-c', `sleep 30 # ${marker}`], port);
      assert.equal((await taken.exited).code, 1);
      assert.match(taken.stderr, new RegExp(`something already accepts connections on 127.0.0.1:${port}`));
      assert.deepEqual(await strays(marker, 0), []);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
    const started = Date.now();
    const silent = startDrill(t, ['--ready-timeout', '1s', '--', 'sh', '-c', `sleep 30 # ${marker}`], port);
    assert.equal((await silent.exited).code, 1);
    assert.ok(Date.now() - started < 6000, 'bounded by --ready-timeout');
    assert.match(silent.stderr, /the app did not answer on http:\/\/127\.0\.0\.1:\d+\/ within 1s \(--ready-timeout\)/);
    assert.deepEqual(await strays(marker), []);
  });
});
