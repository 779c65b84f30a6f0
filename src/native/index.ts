// Loads the N-API addon (src/native/graceinit_native.c, built by node-gyp on npm install).
// Returns undefined when it is missing, so graceinit still supervises (without reaping orphans) and
// says so, rather than refusing to start the app.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

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
