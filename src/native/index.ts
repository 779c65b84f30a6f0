// Loads the N-API addon (src/native/graceinit_native.c, built by node-gyp on npm install), and finds
// the exec helper built beside it (src/native/graceinit_exec.c). Returns undefined when the addon is
// missing, so graceinit still supervises (without reaping orphans) and says so, rather than refusing
// to start the app.
import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';

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

/** Candidate paths, most specific first: GRACEINIT_NATIVE, then the node-gyp build of this package. */
export function nativeCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const root = join(__dirname, '..', '..', '..');
  const candidates = [
    join(root, 'build', 'Release', 'graceinit_native.node'),
    join(root, 'build', 'Debug', 'graceinit_native.node'),
    join(root, 'prebuilds', `linux-${process.arch}`, 'graceinit_native.node'),
  ];
  if (env.GRACEINIT_NATIVE) candidates.unshift(env.GRACEINIT_NATIVE);
  return candidates;
}

export function loadNative(candidates: string[] = nativeCandidates()): NativeLoad {
  const errors: string[] = [];
  for (const path of candidates) {
    if (!existsSync(path)) continue;
    try {
      const module = { exports: {} as NativeApi };
      process.dlopen(module, path);
      return { api: module.exports, detail: path };
    } catch (err) {
      errors.push(`${path}: ${(err as Error).message}`);
    }
  }
  return { detail: errors.length ? errors.join('; ') : `not found (looked in ${candidates.join(', ')})` };
}

export const EXEC_HELPER_NAME = 'graceinit-exec';

/**
 * Where the exec helper (src/native/graceinit_exec.c, a second node-gyp target) may be, most specific
 * first. GRACEINIT_EXEC_HELPER is taken alone: a path someone chose is not silently replaced by another.
 * The one place that knows where the helper lives, so a build that ships it elsewhere (e.g. extracted
 * from the single executable) changes only this.
 */
export function execHelperCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.GRACEINIT_EXEC_HELPER) return [env.GRACEINIT_EXEC_HELPER];
  const root = join(__dirname, '..', '..', '..');
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
}

/** The first candidate this process may execute (X_OK also fails on a noexec mount). */
export function findExecHelper(candidates: string[] = execHelperCandidates()): ExecHelperLookup {
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return { path, detail: path };
    } catch {
      // not there or not executable: try the next
    }
  }
  return { detail: `no executable ${EXEC_HELPER_NAME} (looked in ${candidates.join(', ')})` };
}
