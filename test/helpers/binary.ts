// The single executable under test, system packages, and minimal root filesystems (the binary, its
// shared libraries and a static busybox: no node anywhere) for chroot and runc tests.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ROOT } from './ns.js';

export const BINARY = join(ROOT, 'dist', `graceinit-linux-${process.arch}`);

/**
 * Builds the binary unless the existing one is up to date (build-binary.mjs keeps a stamp of its
 * inputs, so this costs an esbuild run, ~0.3 s, when nothing changed; a real build takes a few s).
 */
export function ensureBinary(): string {
  const build = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build-binary.mjs'), '--quiet'], {
    encoding: 'utf8', timeout: 120_000,
  });
  if (build.status !== 0) throw new Error(`scripts/build-binary.mjs failed (${build.status ?? build.error?.message}): ${build.stderr}`);
  return BINARY;
}

/** Installs missing Debian packages through the project's script (apt-get, root only). */
export function ensurePackages(...packages: string[]): void {
  const run = spawnSync(join(ROOT, 'scripts', 'ensure-packages.sh'), packages, { encoding: 'utf8', timeout: 300_000 });
  if (run.status !== 0) throw new Error(`scripts/ensure-packages.sh ${packages.join(' ')} failed: ${run.stderr}`);
}

/** Shared libraries an ELF file needs, as ldd resolves them (absolute paths, the loader included). */
export function sharedLibraries(file: string): string[] {
  const out = spawnSync('ldd', [file], { encoding: 'utf8' });
  if (out.status !== 0) return []; // "not a dynamic executable": a static binary needs none
  return [...out.stdout.matchAll(/(\/\S+) \(0x[0-9a-f]+\)/g)].map((m) => m[1]!);
}

/** Hard link when on the same file system (an 87 MB copy per test is wasteful), else copy. */
function place(source: string, target: string): void {
  const real = realpathSync(source); // libraries are often symlinks: take the file itself
  mkdirSync(dirname(target), { recursive: true });
  try {
    linkSync(real, target);
  } catch {
    copyFileSync(real, target);
  }
}

const BUSYBOX = '/bin/busybox';
const APPLETS = ['sh', 'sleep', 'cat', 'echo', 'ls', 'ps', 'kill', 'awk', 'grep', 'wc', 'true', 'false', 'env', 'date'];

export interface Rootfs {
  dir: string;
  /** Removes the whole tree. */
  remove(): void;
}

/**
 * A root file system holding only /bin/graceinit (the single executable), the shared libraries it
 * needs, a static busybox as /bin/sh and a few applets, /dev/null, an empty /proc and /tmp, and `files`
 * (path inside -> content, made executable). Needs busybox-static (ensurePackages).
 */
export function buildRootfs(binary: string, files: Record<string, string> = {}, parent = tmpdir()): Rootfs {
  if (!existsSync(BUSYBOX)) throw new Error(`${BUSYBOX} is missing: scripts/ensure-packages.sh busybox-static`);
  const dir = mkdtempSync(join(parent, 'graceinit-rootfs-'));
  for (const sub of ['bin', 'proc', 'dev', 'sys', 'etc']) mkdirSync(join(dir, sub), { recursive: true });
  mkdirSync(join(dir, 'tmp'), { mode: 0o1777 });
  chmodSync(join(dir, 'tmp'), 0o1777);
  place(binary, join(dir, 'bin', 'graceinit'));
  copyFileSync(BUSYBOX, join(dir, 'bin', 'busybox'));
  for (const applet of APPLETS) symlinkSync('busybox', join(dir, 'bin', applet));
  for (const lib of [...sharedLibraries(binary), ...sharedLibraries(BUSYBOX)]) {
    if (!existsSync(join(dir, lib))) place(lib, join(dir, lib));
  }
  // sh opens /dev/null for background jobs; mknod needs root (a user namespace only gets the noise).
  spawnSync('mknod', ['-m', '666', join(dir, 'dev', 'null'), 'c', '1', '3'], { stdio: 'ignore' });
  for (const [path, content] of Object.entries(files)) {
    const target = join(dir, path);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content, { mode: 0o755 });
  }
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
