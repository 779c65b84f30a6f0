// The inits compared, and how each one is invoked. graceinit runs from this checkout
// (node bin/graceinit); the peers are Debian's packages. Optional graceinit variants join when
// present: the single executable (npm run build:binary) and an esbuild bundle of dist/src.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

export const PEER_PACKAGES = ['tini', 'dumb-init', 'catatonit'];

function debVersion(pkg) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Version}', pkg], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

/**
 * Each subject: id, label, kind (graceinit | peer), argv prefix to put before the command. `pid1`
 * says how it is run as PID 1 of a namespace; `plain` how it is run as an ordinary process (start-up):
 * there tini gets -s (become a subreaper, as graceinit and catatonit do on their own, and no warning).
 */
export async function subjects(root, log) {
  const node = process.execPath;
  const list = [{
    id: 'graceinit', label: 'graceinit', kind: 'graceinit',
    pid1: [node, join(root, 'bin', 'graceinit'), '--'], plain: [node, join(root, 'bin', 'graceinit'), '--'],
    version: JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version,
  }];
  const binary = process.env.GRACEINIT_BENCH_BINARY || join(root, 'dist', `graceinit-linux-${process.arch}`);
  if (existsSync(binary)) {
    list.push({ id: 'graceinit-sea', label: 'graceinit (single executable)', kind: 'graceinit', pid1: [binary, '--'], plain: [binary, '--'], version: 'checkout' });
  } else {
    log(`single executable not found at ${binary}: its rows are left out (npm run build:binary adds them)`);
  }
  const bundle = await buildBundle(root, log);
  if (bundle) list.push(bundle);
  const peers = [
    { id: 'tini', pid1: ['tini', '--'], plain: ['tini', '-s', '--'] },
    { id: 'dumb-init', pid1: ['dumb-init', '--'], plain: ['dumb-init', '--'] },
    { id: 'catatonit', pid1: ['catatonit', '--'], plain: ['catatonit', '--'] },
  ];
  for (const peer of peers) {
    const version = debVersion(peer.id);
    if (!version) throw new Error(`${peer.id} is not installed: run scripts/ensure-packages.sh ${PEER_PACKAGES.join(' ')}`);
    list.push({ ...peer, label: peer.id, kind: 'peer', version });
  }
  return list;
}

/**
 * An experiment, not a shipped form: dist/src and commander in one file by esbuild (when installed),
 * run by node. Shows what one file instead of ~20 modules saves at start-up. The addon is found
 * through GRACEINIT_NATIVE because the bundle does not live beside build/.
 */
async function buildBundle(root, log) {
  let esbuild;
  try {
    esbuild = createRequire(join(root, 'package.json'))('esbuild');
  } catch {
    log('esbuild not installed: the bundle experiment rows are left out');
    return undefined;
  }
  const outDir = join(root, 'dist', 'bench');
  mkdirSync(outDir, { recursive: true });
  const outfile = join(outDir, 'graceinit-bundle.js');
  await esbuild.build({
    entryPoints: [join(root, 'dist', 'src', 'main.js')],
    bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'warning',
    external: ['execa'], // loaded at shutdown only; stays a runtime import
    footer: { js: 'module.exports.main(process.argv.slice(2));' },
  });
  const env = { ...process.env, GRACEINIT_NATIVE: join(root, 'build', 'Release', 'graceinit_native.node') };
  return {
    id: 'graceinit-bundle', label: 'graceinit (esbuild bundle, experiment)', kind: 'graceinit', env,
    pid1: [process.execPath, outfile, '--'], plain: [process.execPath, outfile, '--'], version: 'checkout',
  };
}
