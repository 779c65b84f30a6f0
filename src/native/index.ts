// Loads the N-API addon (src/native/graceinit_native.c, built by node-gyp on npm install, or carried
// inside the single executable). Returns no api when it is missing, so graceinit still supervises
// (without reaping orphans) and says so, rather than refusing to start the app.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { NATIVE_ASSET, seaModule, withAssetFile } from './sea.js';

export interface NativeApi {
  setChildSubreaper(): boolean;
  isChildSubreaper(): boolean;
  reapOrphans(ours: Int32Array): number;
}

export interface NativeLoad {
  api?: NativeApi;
  /** Where it was loaded from, or why it could not be. */
  detail: string;
}

/** A file to dlopen, or the single executable's embedded copy (written to a temp file first). */
export type NativeCandidate = string | { seaAsset: string };

/**
 * Candidates, most specific first: GRACEINIT_NATIVE; then, in the single executable, its embedded
 * addon and a graceinit_native.node beside the binary (for a temp dir mounted noexec or read-only);
 * otherwise the node-gyp build of this package and its prebuilds/.
 */
export function nativeCandidates(env: NodeJS.ProcessEnv = process.env, sea = seaModule() !== null): NativeCandidate[] {
  const candidates: NativeCandidate[] = [];
  if (env.GRACEINIT_NATIVE) candidates.push(env.GRACEINIT_NATIVE);
  if (sea) {
    candidates.push({ seaAsset: NATIVE_ASSET }, join(dirname(process.execPath), 'graceinit_native.node'));
    return candidates;
  }
  const root = join(__dirname, '..', '..', '..');
  candidates.push(
    join(root, 'build', 'Release', 'graceinit_native.node'),
    join(root, 'build', 'Debug', 'graceinit_native.node'),
    join(root, 'prebuilds', `linux-${process.arch}`, 'graceinit_native.node'),
  );
  return candidates;
}

function dlopen(path: string): NativeApi {
  const module = { exports: {} as NativeApi };
  process.dlopen(module, path);
  return module.exports;
}

export function loadNative(candidates: NativeCandidate[] = nativeCandidates()): NativeLoad {
  const errors: string[] = [];
  const missing: string[] = [];
  for (const candidate of candidates) {
    if (typeof candidate !== 'string') {
      const sea = seaModule();
      if (!sea) continue;
      try {
        return { api: withAssetFile(sea, candidate.seaAsset, dlopen), detail: `embedded ${candidate.seaAsset}` };
      } catch (err) {
        errors.push(`embedded ${candidate.seaAsset}: ${(err as Error).message}`);
      }
      continue;
    }
    if (!existsSync(candidate)) {
      missing.push(candidate);
      continue;
    }
    try {
      return { api: dlopen(candidate), detail: candidate };
    } catch (err) {
      errors.push(`${candidate}: ${(err as Error).message}`);
    }
  }
  if (missing.length) errors.push(`not found: ${missing.join(', ')}`);
  return { detail: errors.join('; ') || 'no candidate to load' };
}
