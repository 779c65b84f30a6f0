// Where the addon is looked for, in which order, and what a user is told when it cannot be loaded.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { describe, test } from 'node:test';
import { loadNative, nativeCandidates } from '../../src/native/index.js';
import { ROOT } from '../helpers/ns.js';

describe('native addon loader', () => {
  test('from the npm package: GRACEINIT_NATIVE, then the node-gyp build, then prebuilds/', () => {
    assert.deepEqual(nativeCandidates({ GRACEINIT_NATIVE: '/opt/own.node' }, false), [
      '/opt/own.node',
      join(ROOT, 'build', 'Release', 'graceinit_native.node'),
      join(ROOT, 'build', 'Debug', 'graceinit_native.node'),
      join(ROOT, 'prebuilds', `linux-${process.arch}`, 'graceinit_native.node'),
    ]);
    assert.equal(nativeCandidates({}, false)[0], join(ROOT, 'build', 'Release', 'graceinit_native.node'));
  });

  test('in the single executable: GRACEINIT_NATIVE, then the embedded copy, then beside the binary', () => {
    const beside = join(dirname(process.execPath), 'graceinit_native.node');
    assert.deepEqual(nativeCandidates({ GRACEINIT_NATIVE: '/opt/own.node' }, true),
      ['/opt/own.node', { seaAsset: 'graceinit_native.node' }, beside]);
    assert.deepEqual(nativeCandidates({ GRACEINIT_NATIVE: '' }, true), [{ seaAsset: 'graceinit_native.node' }, beside]);
  });

  test('nothing found: the detail lists every place it looked', () => {
    const load = loadNative(['/nonexistent/a.node', '/nonexistent/b.node']);
    assert.equal(load.api, undefined);
    assert.equal(load.detail, 'not found: /nonexistent/a.node, /nonexistent/b.node');
  });

  test('a file that is not an addon: its error is named, and the next candidate is still tried', (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'graceinit-loader-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const bad = join(dir, 'bad.node');
    writeFileSync(bad, 'not an ELF file');
    const real = join(ROOT, 'build', 'Release', 'graceinit_native.node');
    const failed = loadNative([bad]);
    assert.equal(failed.api, undefined);
    assert.match(failed.detail, new RegExp(`^${bad.replace(/[.]/g, '\\.')}: .*(invalid ELF header|too short)`));
    const next = loadNative([bad, real]);
    assert.equal(next.detail, real);
    assert.equal(typeof next.api?.reapOrphans, 'function');
  });

  test('outside a single executable the embedded candidate is passed over', () => {
    assert.deepEqual(loadNative([{ seaAsset: 'graceinit_native.node' }]), { detail: 'no candidate to load' });
  });
});
