#!/usr/bin/env node
// Part of `npm run build`: bundles the compiled CLI (dist/src, from tsc) and commander into one file,
// dist/src/graceinit.bundle.js, which bin/graceinit loads. One file instead of ~30 modules is what an
// init pays on every container start: measured by `npm run bench` (docs/benchmarks.md, rows 1 and 2).
// Left out of the bundle and loaded from dist/src at run time, only when used: the drill (a separate
// tool, `graceinit drill`) and execa (ESM, imported at the first pre-stop command).
// Without esbuild (an install without devDependencies) it says so and bin/graceinit runs dist/src.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
let esbuild;
try {
  esbuild = createRequire(join(root, 'package.json'))('esbuild');
} catch {
  console.error('bundle: esbuild is not installed; bin/graceinit will load dist/src module by module');
  process.exit(0);
}
await esbuild.build({
  entryPoints: [join(root, 'dist', 'src', 'main.js')],
  outfile: join(root, 'dist', 'src', 'graceinit.bundle.js'),
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Same folder as main.js, so the drill's relative require still finds dist/src/drill/cli.js.
  external: ['./drill/cli.js', 'execa'],
  legalComments: 'none',
  logLevel: 'warning',
});
