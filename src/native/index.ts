// Loads the N-API addon (src/native/graceinit_native.c, built by node-gyp on npm install, or carried
// inside the single executable), and finds the exec helper built beside it (src/native/graceinit_exec.c).
// Returns no api when the addon is missing, so graceinit still supervises (without reaping orphans) and
// says so, rather than refusing to start the app.
import { accessSync, constants, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { EXEC_HELPER_ASSET, NATIVE_ASSET, extractAsset, seaModule, withAssetFile, type AssetFile } from './sea.js';

export interface NativeApi {
  setChildSubreaper(): boolean;
  isChildSubreaper(): boolean;
  reapOrphans(ours: Int32Array): number;
  /** Blocks the signal in the calling thread only (see graceinit_native.c). Optional: an addon built
   * before it existed may be loaded from prebuilds/. */
  blockSignalInThread?(signal: number): boolean;
}

export interface NativeLoad {
  api?: NativeApi;
  /** Where it was loaded from, or why it could not be. */
  detail: string;
}

/** A file to dlopen, or the single executable's embedded copy (written to a temp file first). */
export type NativeCandidate = string | { seaAsset: string };

/**
 * The package's root folder: the nearest one above this code that holds binding.gyp. The tsc output
 * (dist/src/native/index.js) and the start-up bundle (dist/src/graceinit.bundle.js) sit at different
 * depths, so a fixed number of '..' would be wrong for one of them.
 */
export function packageRoot(from: string = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'binding.gyp'))) return dir;
    if (dirname(dir) === dir) return join(from, '..', '..', '..');
  }
}

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
  const root = packageRoot();
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

export const EXEC_HELPER_NAME = 'graceinit-exec';

/**
 * Where the exec helper (src/native/graceinit_exec.c, a second node-gyp target) may be, most specific
 * first. GRACEINIT_EXEC_HELPER is taken alone: a path someone chose is not silently replaced by another.
 * In the single executable: its embedded copy, then a graceinit-exec beside the binary (for a temp dir
 * mounted noexec); otherwise the node-gyp build of this package and its prebuilds/.
 */
export function execHelperCandidates(env: NodeJS.ProcessEnv = process.env, sea = seaModule() !== null): NativeCandidate[] {
  if (env.GRACEINIT_EXEC_HELPER) return [env.GRACEINIT_EXEC_HELPER];
  if (sea) return [{ seaAsset: EXEC_HELPER_ASSET }, join(dirname(process.execPath), EXEC_HELPER_NAME)];
  const root = packageRoot();
  return [
    join(root, 'build', 'Release', EXEC_HELPER_NAME),
    join(root, 'build', 'Debug', EXEC_HELPER_NAME),
    join(root, 'prebuilds', `linux-${process.arch}`, EXEC_HELPER_NAME),
  ];
}

export interface ExecHelperLookup {
  path?: string;
  /** Why it could not be used, when it could not. */
  detail: string;
  /** Call once the helper has been spawned (spawn returns after its exec): removes an extracted copy. */
  release?: () => void;
}

/** The first candidate this process may execute (X_OK also fails on a noexec mount). */
export function findExecHelper(candidates: NativeCandidate[] = execHelperCandidates()): ExecHelperLookup {
  const problems: string[] = [];
  for (const candidate of candidates) {
    if (typeof candidate !== 'string') {
      const sea = seaModule();
      if (!sea) continue;
      let file: AssetFile | undefined;
      try {
        file = extractAsset(sea, candidate.seaAsset);
        accessSync(file.path, constants.X_OK);
        return { path: file.path, detail: `embedded ${candidate.seaAsset}`, release: file.remove };
      } catch (err) {
        file?.remove();
        problems.push(`embedded ${candidate.seaAsset}: ${(err as Error).message}`);
      }
      continue;
    }
    try {
      accessSync(candidate, constants.X_OK);
      return { path: candidate, detail: candidate };
    } catch {
      problems.push(candidate);
    }
  }
  return { detail: `no executable ${EXEC_HELPER_NAME} (looked in ${problems.join(', ')})` };
}
