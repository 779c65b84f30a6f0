// The exec helper (build/Release/graceinit-exec) on its own, and where graceinit looks for it.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import type { Readable } from 'node:stream';
import { execHelperCandidates, findExecHelper } from '../../src/native/index.js';
import { ROOT } from '../helpers/ns.js';

const HELPER = join(ROOT, 'build', 'Release', 'graceinit-exec');

/** Runs the helper without a terminal, its report on fd 3; resolves with exit code, report and stderr. */
function runHelper(args: string[]): Promise<{ code: number | null; report: string; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(HELPER, args, { stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });
    let report = '';
    let stdout = '';
    let stderr = '';
    (child.stdio[3] as Readable).setEncoding('utf8').on('data', (d: string) => { report += d; });
    child.stdout!.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr!.setEncoding('utf8').on('data', (d: string) => { stderr += d; });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, report, stdout, stderr }));
  });
}

describe('graceinit-exec', () => {
  test('execs the command (same pid, its own process group) and reports nothing', async () => {
    const script = 'echo $$; cut -d" " -f5 /proc/$$/stat; if [ -e /proc/$$/fd/3 ]; then echo open; else echo closed; fi';
    const run = await runHelper(['3', 'sh', '-c', script]);
    assert.equal(run.code, 0);
    const [pid, pgrp, fd3] = run.stdout.trim().split(/\s+/);
    assert.equal(pgrp, pid, 'the command leads a process group of its own');
    assert.equal(fd3, 'closed', 'the report fd is closed on exec');
    assert.equal(run.report, '');
  });

  test('a command that is not found: exit 127, "exec ENOENT" reported, nothing printed', async () => {
    const run = await runHelper(['3', 'no-such-command-graceinit']);
    assert.deepEqual([run.code, run.report, run.stderr], [127, 'exec 2\n', '']);
  });

  test('a file that is not executable: exit 126, "exec EACCES" reported', async () => {
    const run = await runHelper(['3', join(ROOT, 'package.json')]);
    assert.deepEqual([run.code, run.report, run.stderr], [126, 'exec 13\n', '']);
  });

  test('without a report fd it says the same on stderr', async () => {
    const run = await runHelper(['-', 'no-such-command-graceinit']);
    assert.equal(run.code, 127);
    assert.match(run.stderr, /^graceinit-exec: exec: No such file or directory\n$/);
  });

  test('misuse: exit 2 with a usage line', async () => {
    const run = await runHelper([]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /usage: graceinit-exec <report-fd> <file>/);
  });
});

describe('finding the exec helper', () => {
  test('the node-gyp build comes first, then prebuilds/', () => {
    const candidates = execHelperCandidates({}, false);
    assert.equal(candidates[0], HELPER);
    assert.ok(candidates.some((c) => typeof c === 'string' && c.includes(join('prebuilds', `linux-${process.arch}`))));
  });

  test('in the single executable: the embedded copy, then one beside the binary', () => {
    assert.deepEqual(execHelperCandidates({}, true),
      [{ seaAsset: 'graceinit-exec' }, join(dirname(process.execPath), 'graceinit-exec')]);
  });

  test('outside a single executable the embedded candidate is passed over', () => {
    const found = findExecHelper([{ seaAsset: 'graceinit-exec' }, HELPER]);
    assert.equal(found.path, HELPER);
  });

  test('GRACEINIT_EXEC_HELPER is taken alone', () => {
    assert.deepEqual(execHelperCandidates({ GRACEINIT_EXEC_HELPER: '/opt/x' }), ['/opt/x']);
  });

  test('the first executable candidate wins; missing and non-executable files are skipped', () => {
    const found = findExecHelper(['/nonexistent/graceinit-exec', join(ROOT, 'package.json'), HELPER]);
    assert.deepEqual(found, { path: HELPER, detail: HELPER });
  });

  test('none usable: the detail names every place looked at', () => {
    const found = findExecHelper(['/nonexistent/a', join(ROOT, 'package.json')]);
    assert.equal(found.path, undefined);
    assert.equal(found.detail, `no executable graceinit-exec (looked in /nonexistent/a, ${join(ROOT, 'package.json')})`);
  });
});
