#!/usr/bin/env node
// Size, start-up time and memory of the single executable, of the npm package (node bin/graceinit)
// and of tini, side by side in one run; prints a Markdown table with the date, machine and command.
//   node scripts/measure-binary.mjs [--runs N] [--variants]
// start-up: wall time of `<init> -- true`, from spawn to exit, median of N runs, interleaved;
// RSS: resident memory of the init process (not its child) while it supervises `sleep`, and its
// anonymous part, median of 5 runs;
// size: what an image needs: the binary; the package's files, its production dependencies and node;
// tini-static (the one-file tini an image COPYs).
// --variants adds binaries built without one reduction each (code cache, strip, minify) to show what
// each buys. Takes about half a minute (a few more seconds to build the variants).
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const argAfter = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : fallback;
};
const runs = Number(argAfter('--runs', '30'));
const variants = process.argv.includes('--variants');
const TINI = '/usr/bin/tini-static';

execFileSync(process.execPath, [join(root, 'scripts', 'build-binary.mjs'), '--quiet'], { stdio: 'inherit' });
execFileSync(join(root, 'scripts', 'ensure-packages.sh'), ['tini'], { stdio: 'inherit' });
const binary = join(root, 'dist', `graceinit-linux-${process.arch}`);

function dirSize(dir) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') total += dirSize(path); // nested packages are listed on their own
    } else if (entry.isFile()) {
      total += statSync(path).size;
    }
  }
  return total;
}

/** The npm package as an image holds it: its files, its production dependencies, and node itself. */
function packageSize() {
  const own = dirSize(join(root, 'dist', 'src')) + dirSize(join(root, 'bin')) + statSync(join(root, 'build', 'Release', 'graceinit_native.node')).size;
  const listed = spawnSync('npm', ['ls', '--omit=dev', '--all', '--parseable'], { cwd: root, encoding: 'utf8' }).stdout;
  const deps = [...new Set(listed.split('\n').filter((p) => p && p !== root))].reduce((n, p) => n + dirSize(p), 0);
  return { total: own + deps + statSync(process.execPath).size, detail: `${mb(own + deps)} + node ${mb(statSync(process.execPath).size)}` };
}

const subjects = [
  { name: 'single executable', argv: [binary], size: { total: statSync(binary).size } },
  { name: 'npm package (`node bin/graceinit`)', argv: [process.execPath, join(root, 'bin', 'graceinit')], size: packageSize() },
  // -s: a subreaper when not PID 1, as graceinit makes itself; without it tini warns on every run.
  { name: 'tini-static 0.19', argv: [TINI, '-s'], size: { total: statSync(TINI).size } },
  // What any node program pays before its first line runs: start-up only (it supervises nothing).
  { name: 'baseline: `node -e 0`', argv: [process.execPath, '-e', '0'], startupOnly: true },
];
if (variants) {
  for (const variant of ['--no-code-cache', '--no-strip', '--no-minify']) {
    const file = join(root, 'dist', 'sea', `graceinit${variant}`);
    execFileSync(process.execPath, [join(root, 'scripts', 'build-binary.mjs'), '--quiet', variant, '--output', file], { stdio: 'inherit' });
    subjects.splice(1, 0, { name: `single executable, ${variant.slice(2)}`, argv: [file], size: { total: statSync(file).size } });
  }
}

function mb(bytes) {
  return bytes >= 1e6 ? `${(bytes / 1e6).toFixed(1)} MB` : `${(bytes / 1e3).toFixed(0)} kB`;
}
const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function startupMs(argv) {
  const started = process.hrtime.bigint();
  const run = spawnSync(argv[0], [...argv.slice(1), '--', 'true'], { stdio: 'ignore' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (run.status !== 0) throw new Error(`${argv.join(' ')} -- true exited ${run.status}`);
  return ms;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * RSS and its anonymous part (kB) of the init while its child runs, read once the child has been
 * running for 500 ms. The file-backed part depends on the page cache (fault-around maps more of a
 * freshly written binary); the anonymous part is what the process itself allocated.
 */
async function rssKb(argv) {
  const init = spawn(argv[0], [...argv.slice(1), '--', 'sleep', '10'], { stdio: 'ignore' });
  const exited = new Promise((r) => init.once('exit', r));
  const children = () => { try { return readFileSync(`/proc/${init.pid}/task/${init.pid}/children`, 'utf8').trim(); } catch { return ''; } };
  for (let i = 0; i < 100 && !children(); i++) await sleep(20);
  await sleep(500);
  const rollup = readFileSync(`/proc/${init.pid}/smaps_rollup`, 'utf8');
  init.kill('SIGTERM');
  await exited;
  const kb = (key) => Number(rollup.match(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm'))[1]);
  return { rss: kb('Rss'), anon: kb('Anonymous') };
}

for (const s of subjects) { startupMs(s.argv); startupMs(s.argv); } // warm the page cache
const times = new Map(subjects.map((s) => [s, []]));
for (let i = 0; i < runs; i++) for (const s of subjects) times.get(s).push(startupMs(s.argv));
const rss = new Map();
for (const s of subjects.filter((x) => !x.startupOnly)) {
  const samples = [];
  for (let i = 0; i < 5; i++) samples.push(await rssKb(s.argv));
  rss.set(s, { rss: median(samples.map((m) => m.rss)), anon: median(samples.map((m) => m.anon)) });
}

const cpu = cpus();
const lines = [
  `Measured ${new Date().toISOString().slice(0, 10)} on ${process.arch}, ${cpu[0]?.model.trim()} × ${cpu.length}, Linux ${release()}, ` +
    `Node ${process.version}, by \`${['node scripts/measure-binary.mjs', ...process.argv.slice(2)].join(' ')}\` ` +
    `(start-up: median of ${runs} runs of \`<init> -- true\`; RSS: the init's resident memory while it supervises \`sleep\`, median of 5; anonymous: the part not mapped from files).`,
  '',
  '| init | size on disk | start-up | RSS | anonymous |',
  '| --- | --- | --- | --- | --- |',
  ...subjects.map((s) => `| ${s.name} | ${s.size ? mb(s.size.total) : ''}${s.size?.detail ? ` (${s.size.detail})` : ''} | ` +
    `${median(times.get(s)).toFixed(1)} ms | ${s.startupOnly ? '' : `${(rss.get(s).rss / 1024).toFixed(1)} MB`} | ` +
    `${s.startupOnly ? '' : `${(rss.get(s).anon / 1024).toFixed(1)} MB`} |`),
];
console.log(lines.join('\n'));
