// The inits compared, and how each one is invoked. graceinit runs from this checkout
// (node bin/graceinit); the peers are Debian's packages. Optional graceinit variants join when
// present: the single executable (npm run build:binary); and, for comparison, dist/src unbundled.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
  list.push(unbundled(root));
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
 * For comparison, not a shipped form: the same CLI from tsc's output, module by module (dist/src), as
 * bin/graceinit ran it before it loaded the bundle (scripts/bundle.mjs). The difference from the
 * `graceinit` row is what the bundle saves at every start.
 */
function unbundled(root) {
  const main = join(root, 'dist', 'src', 'main.js');
  const argv = [process.execPath, '-e', 'require(process.argv[1]).main(process.argv.slice(2))', main, '--'];
  return { id: 'graceinit-unbundled', label: 'graceinit (dist/src, unbundled)', kind: 'graceinit', pid1: argv, plain: argv, version: 'checkout' };
}
