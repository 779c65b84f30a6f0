// The single executable's side of loading the addon: the binary carries graceinit_native.node as a
// SEA asset (scripts/build-binary.mjs). dlopen needs a file, so the asset is written to a private
// temporary directory, loaded, and removed at once (the loaded mapping outlives the file).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The assets' keys, as scripts/build-binary.mjs names them in sea-config.json. */
export const NATIVE_ASSET = 'graceinit_native.node';
export const EXEC_HELPER_ASSET = 'graceinit-exec';

interface SeaModule {
  isSea(): boolean;
  getAsset(key: string): ArrayBuffer;
}

let cached: SeaModule | null | undefined;

/** node:sea when running as a single executable, else null (plain node, or a Node without node:sea). */
export function seaModule(): SeaModule | null {
  if (cached !== undefined) return cached;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const sea = require('node:sea') as SeaModule;
    cached = sea.isSea() ? sea : null;
  } catch {
    cached = null; // node:sea arrived in 20.12; older Node 20 runs only from the npm package
  }
  return cached;
}

/** An asset written out as a file, until remove() (which never throws). */
export interface AssetFile {
  path: string;
  remove(): void;
}

/**
 * Writes the asset `key` to a new private temporary directory (mode 0500: readable and executable by
 * graceinit's user only). Throws when the asset or the temporary directory is missing.
 */
export function extractAsset(sea: SeaModule, key: string): AssetFile {
  const asset = sea.getAsset(key);
  const dir = mkdtempSync(join(tmpdir(), 'graceinit-'));
  const remove = (): void => rmSync(dir, { recursive: true, force: true });
  try {
    const path = join(dir, key);
    writeFileSync(path, new Uint8Array(asset), { mode: 0o500 });
    return { path, remove };
  } catch (err) {
    remove();
    throw err;
  }
}

/**
 * Writes the asset `key` to a temporary file, calls `use` with its path, and removes the file
 * whatever happens. Throws when the asset or the temporary directory is missing or `use` throws (a
 * temp dir mounted noexec makes dlopen fail: "failed to map segment").
 */
export function withAssetFile<T>(sea: SeaModule, key: string, use: (path: string) => T): T {
  const file = extractAsset(sea, key);
  try {
    return use(file.path);
  } finally {
    file.remove();
  }
}
