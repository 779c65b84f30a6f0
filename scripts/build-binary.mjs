#!/usr/bin/env node
// Builds the single executable dist/graceinit-linux-<arch> with Node's own SEA support, offline:
//   1. esbuild bundles the compiled CLI (dist/src, from `npm run build`) with its dependencies into
//      one CommonJS file (a SEA's require() only knows built-in modules);
//   2. `node --experimental-sea-config` turns it into a blob, with V8's code cache and the reaping
//      addon (build/Release/graceinit_native.node) and the exec helper for terminals
//      (build/Release/graceinit-exec) as assets;
//   3. a stripped copy of this node binary gets the blob injected by postject.
// It skips everything after step 1 when the bundle, the addon, node and this script are the same as
// for the existing binary (a stamp beside it), so tests can call it on every run.
//   node scripts/build-binary.mjs [--force] [--quiet] [--output FILE] [--no-code-cache] [--no-strip] [--no-minify]
// The --no-* switches exist to measure what each reduction buys (scripts/measure-binary.mjs --variants).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const flag = (name) => process.argv.includes(name);
const force = flag('--force');
const quiet = flag('--quiet');
const codeCache = !flag('--no-code-cache');
const strip = !flag('--no-strip');
const minify = !flag('--no-minify');
const outputArg = process.argv.indexOf('--output');
const say = (line) => { if (!quiet) console.error(`build-binary: ${line}`); };

// Names shared with src/native/sea.ts (NATIVE_ASSET, EXEC_HELPER_ASSET) and with the tests (binaryPath()).
const ASSET = 'graceinit_native.node';
const EXEC_HELPER = 'graceinit-exec';
const SENTINEL = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';
const output = outputArg > 0 ? resolve(process.argv[outputArg + 1]) : join(root, 'dist', `graceinit-linux-${process.arch}`);
const work = join(root, 'dist', 'sea');
const bundleFile = join(work, 'graceinit.cjs');
const blobFile = join(work, 'sea-prep.blob');
const configFile = join(work, 'sea-config.json');
const stampFile = `${output}.stamp`;
const addon = join(root, 'build', 'Release', ASSET);
// The exec helper for terminals (README, Interactive use): extracted and run when stdin is a terminal.
const execHelper = join(root, 'build', 'Release', EXEC_HELPER);

function fail(message) {
  console.error(`build-binary: ${message}`);
  process.exit(1);
}

if (process.platform !== 'linux') fail(`only Linux is supported (this is ${process.platform})`);
if (!existsSync(join(root, 'dist', 'src', 'main.js'))) fail('dist/src/main.js is missing: run `npm run build` first');
for (const built of [addon, execHelper]) {
  if (!existsSync(built)) fail(`${relative(root, built)} is missing: run \`npm install\` (node-gyp builds it)`);
}

const started = performance.now();
const esbuild = require('esbuild');
// The entry is bin/graceinit's one line: the binary and the npm package start the same main().
// In a SEA process.argv is [binary, binary, ...args], so slice(2) holds there too.
const bundle = await esbuild.build({
  stdin: { contents: "require('./main.js').main(process.argv.slice(2));", resolveDir: join(root, 'dist', 'src'), loader: 'js' },
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  // Whitespace and syntax only: identifiers stay, so an internal error's stack (logged by main.ts)
  // still names graceinit's functions.
  minifyWhitespace: minify,
  minifySyntax: minify,
  legalComments: 'none',
  write: false,
  logLevel: 'warning',
});
const code = bundle.outputFiles[0].contents;

const stamp = createHash('sha256')
  .update(code)
  .update(readFileSync(addon))
  .update(readFileSync(execHelper))
  .update(readFileSync(fileURLToPath(import.meta.url)))
  .update(`${process.execPath} ${process.version} ${statSync(process.execPath).mtimeMs} ${codeCache} ${strip}`)
  .digest('hex');
if (!force && existsSync(output) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) {
  say(`${relative(root, output)} is up to date`);
  process.exit(0);
}

mkdirSync(work, { recursive: true });
writeFileSync(bundleFile, code);
writeFileSync(configFile, JSON.stringify({
  main: bundleFile,
  output: blobFile,
  disableExperimentalSEAWarning: true,
  useCodeCache: codeCache,
  assets: { [ASSET]: addon, [EXEC_HELPER]: execHelper },
}, null, 2));
execFileSync(process.execPath, ['--experimental-sea-config', configFile], { stdio: quiet ? 'ignore' : 'inherit' });

const tmp = `${output}.tmp`;
rmSync(tmp, { force: true });
copyFileSync(process.execPath, tmp);
chmodSync(tmp, 0o755);
// Debug info and the static symbol table are most of node's size; addons link against the dynamic
// symbol table, which strip keeps. Before injecting: postject's note must survive untouched.
if (strip) {
  try {
    execFileSync('strip', ['--strip-all', tmp], { stdio: 'ignore' });
  } catch {
    say('strip is not available (binutils): the binary stays unstripped');
  }
}
const { inject } = require('postject');
// postject's LIEF warns once per note section of node ("Can't find string offset"): harmless noise.
const warn = console.warn;
console.warn = (...args) => { if (!/string offset for section name/.test(String(args[0]))) warn(...args); };
try {
  await inject(tmp, 'NODE_SEA_BLOB', readFileSync(blobFile), { sentinelFuse: SENTINEL });
} finally {
  console.warn = warn;
}
renameSync(tmp, output);
writeFileSync(stampFile, stamp);
const mb = (statSync(output).size / 1e6).toFixed(1);
say(`${relative(root, output)}: ${mb} MB (bundle ${(code.length / 1e3).toFixed(0)} kB) in ${((performance.now() - started) / 1000).toFixed(1)}s`);
