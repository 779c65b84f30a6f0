#!/usr/bin/env node
// `npm run bench`: graceinit beside tini, dumb-init and catatonit, every init on the same work in one
// run, interleaved; writes docs/benchmarks.md, docs/benchmarks.svg and dist/bench/results.json.
//   node scripts/bench/run.mjs [--quick] [--only startup,memory,latency,reaping,shutdown,drill]
//   node scripts/bench/run.mjs --render-only   report and chart again from the last full run's dist/bench/results.json
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { machine } from './machine.mjs';
import { pidNamespace } from './proc.mjs';
import { chartPanels, displayCommand, renderHeadline, renderMarkdown, replaceBetweenMarkers } from './report.mjs';
import { renderChart } from './svg.mjs';
import { PEER_PACKAGES, subjects as findSubjects } from './subjects.mjs';
import { startup } from './startup.mjs';
import { memory } from './memory.mjs';
import { latency } from './latency.mjs';
import { reaping } from './reaping.mjs';
import { shutdown } from './shutdown.mjs';
import { drill } from './drill.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SECTIONS = ['startup', 'memory', 'latency', 'reaping', 'shutdown', 'drill'];
const PID1_SECTIONS = new Set(['memory', 'latency', 'reaping', 'shutdown']);

function parseArgs(argv) {
  const args = { quick: false, only: SECTIONS, renderOnly: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--quick') args.quick = true;
    else if (argv[i] === '--render-only') args.renderOnly = true;
    else if (argv[i] === '--only' && argv[i + 1]) {
      args.only = argv[++i].split(',').map((s) => s.trim()).filter(Boolean);
      const unknown = args.only.filter((s) => !SECTIONS.includes(s));
      if (unknown.length) fail(`--only: unknown row ${unknown.join(', ')} (rows: ${SECTIONS.join(', ')})`);
    } else fail(`unknown argument ${argv[i]} (usage: run.mjs [--quick] [--only ${SECTIONS.join(',')}] | --render-only)`);
  }
  return args;
}

function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}

const log = (msg) => console.log(`bench: ${msg}`);

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.renderOnly) {
    const file = join(root, 'dist', 'bench', 'results.json');
    if (!existsSync(file)) fail(`--render-only: ${file} is missing: run the bench first`);
    write(JSON.parse(readFileSync(file, 'utf8')));
    return;
  }
  const started = Date.now();
  if (!existsSync(join(root, 'dist', 'src', 'main.js'))) fail('dist/src/main.js is missing: run `npm run build` first (npm run bench does)');
  const ensure = spawnSync('bash', [join(root, 'scripts', 'ensure-packages.sh'), ...PEER_PACKAGES], { stdio: 'inherit' });
  if (ensure.status !== 0) fail(`could not install ${PEER_PACKAGES.join(' ')} (scripts/ensure-packages.sh exited ${ensure.status})`);
  const fixtures = spawnSync(process.execPath, [join(root, 'scripts', 'build-fixtures.mjs')], { stdio: 'inherit' });
  if (fixtures.status !== 0) fail('could not build the C fixtures (scripts/build-fixtures.mjs)');

  const subjects = await findSubjects(root, log);
  const info = machine();
  const ns = pidNamespace();
  const q = args.quick;
  const config = {
    startup: { rounds: q ? 5 : 60 },
    memory: { rounds: q ? 2 : 5 },
    latency: { rounds: q ? 2 : 5, signals: q ? 100 : 1000 },
    reaping: { rounds: q ? 1 : 5, orphans: 10_000 },
    shutdown: { runs: q ? 2 : 20 },
    drill: { rounds: q ? 1 : 3 },
  };
  const runners = { startup, memory, latency, reaping, shutdown, drill };
  const sections = {};
  const errors = {};
  const timings = {};
  for (const name of args.only) {
    if (PID1_SECTIONS.has(name) && !ns.prefix) {
      errors[name] = ns.reason;
      log(`${name}: skipped, ${ns.reason}`);
      continue;
    }
    const t0 = Date.now();
    log(`${name}: running`);
    try {
      sections[name] = await runners[name]({ root, subjects, log, ...config[name] });
    } catch (err) {
      errors[name] = err.message.split('\n')[0];
      log(`${name}: failed: ${err.stack}`);
    }
    timings[name] = (Date.now() - t0) / 1000;
    log(`${name}: ${timings[name].toFixed(1)} s`);
  }

  // Commands as a reader would type them, with the namespace prefix where the row runs as PID 1.
  const node = process.execPath;
  for (const [name, section] of Object.entries(sections)) {
    const prefix = PID1_SECTIONS.has(name) ? ns.prefix : [];
    const show = (argv, id) => {
      const env = subjects.find((s) => s.id === id)?.env?.GRACEINIT_NATIVE;
      const envText = env ? `GRACEINIT_NATIVE=${displayCommand([env], { root, node })} ` : '';
      return envText + displayCommand([...prefix, ...argv], { root, node });
    };
    for (const row of section.rows ?? []) if (row.argv) row.cmd = show(row.argv, row.id);
    if (section.argv) section.cmd = show(section.argv, 'graceinit');
  }

  const results = {
    date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
    durationS: (Date.now() - started) / 1000,
    commandLine: ['npm run bench', ...(process.argv.length > 2 ? ['--', ...process.argv.slice(2)] : [])].join(' '),
    machine: info, config, timings, errors, sections,
    subjects: subjects.map(({ id, label, version, kind }) => ({ id, label, version, kind })),
    // Only a full run replaces the committed report; --quick and --only write beside the raw samples.
    full: args.only.length === SECTIONS.length && !args.quick,
  };
  write(results);
  if (Object.keys(errors).length) {
    log(`rows not measured: ${Object.entries(errors).map(([k, v]) => `${k} (${v})`).join('; ')}`);
    process.exit(1);
  }
}

/** docs/benchmarks.md and .svg (dist/bench/ for partial runs), the raw results, the README headline. */
function write(results) {
  const { full, machine: info } = results;
  const outDir = full ? join(root, 'docs') : join(root, 'dist', 'bench');
  mkdirSync(join(root, 'dist', 'bench'), { recursive: true });
  mkdirSync(outDir, { recursive: true });
  const raw = join(root, 'dist', 'bench', full ? 'results.json' : 'results-partial.json');
  writeFileSync(raw, JSON.stringify(results, null, 1));
  writeFileSync(join(outDir, 'benchmarks.md'), renderMarkdown(results));
  writeFileSync(join(outDir, 'benchmarks.svg'), renderChart({
    title: 'graceinit beside tini, dumb-init and catatonit',
    subtitle: `${results.date.slice(0, 10)} · ${info.cpu}, nproc ${info.nproc} · ${info.kernel} · Node ${info.node} · npm run bench`,
    panels: chartPanels(results.sections),
  }));
  // The README quotes the headline ratios: those of the last full run.
  const readme = join(root, 'README.md');
  if (full) writeFileSync(readme, replaceBetweenMarkers(readFileSync(readme, 'utf8'), renderHeadline(results)));
  const rel = (p) => p.slice(root.length + 1);
  log(`wrote ${rel(join(outDir, 'benchmarks.md'))}, ${rel(join(outDir, 'benchmarks.svg'))}, ${rel(raw)}` +
    `${full ? ', README.md (Benchmarks)' : ''} (a run of ${(results.durationS / 60).toFixed(1)} min)`);
}

main().catch((err) => {
  console.error(`bench: ${err.stack ?? err.message}`);
  process.exit(1);
});
