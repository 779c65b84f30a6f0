#!/usr/bin/env node
// Soak: graceinit (PID 1 of a PID namespace when the machine allows it, else a subreaper) supervises a
// child that makes short-lived orphans all the time while signals keep arriving; graceinit's RSS, open
// fds and active Node resources are sampled every second. Fails when, after the warm-up, RSS grows by
// more than 5 MB or the fd count (or the count of active resources) grows at all.
//
//   npm run soak -- --minutes N [--warmup S] [--signals-per-second R] [--orphans-per-second R] [--json FILE]
//
// Defaults: --minutes 10, --warmup 60, 200 signals/s (USR1, USR2, HUP, WINCH in turn), 50 orphans/s.
// Sampling from outside can catch graceinit while a reap holds /proc directories open (a transient fd or
// two), so fds and resources compare the minimum of a 10-sample window after the warm-up with the
// minimum of the last 10 samples: a leak raises the floor, a transient does not. RSS compares medians.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '60' },
    'signals-per-second': { type: 'string', default: '200' },
    'orphans-per-second': { type: 'string', default: '50' },
    json: { type: 'string' },
  },
});
const durationS = Number(args.minutes) * 60;
const warmupS = Number(args.warmup);
const signalRate = Number(args['signals-per-second']);
const orphanRate = Number(args['orphans-per-second']);
const WINDOW = 10;
const MAX_RSS_GROWTH_KB = 5 * 1024;
if (!(durationS > 0) || !(warmupS >= 0) || !(signalRate >= 0) || !(orphanRate >= 0)) {
  console.error('soak: --minutes, --warmup, --signals-per-second and --orphans-per-second take numbers');
  process.exit(2);
}
if (durationS < warmupS + 2 * WINDOW) {
  console.error(`soak: --minutes must leave at least ${2 * WINDOW}s after the ${warmupS}s warm-up`);
  process.exit(2);
}
if (!existsSync(join(root, 'dist', 'src', 'main.js'))) {
  console.error('soak: build first (npm run build; `npm run soak` does it for you)');
  process.exit(2);
}
await new Promise((resolve) => spawn(process.execPath, [join(root, 'scripts', 'build-fixtures.mjs')], { stdio: 'inherit' }).on('exit', resolve));

const require = createRequire(import.meta.url);
const { namespaceMode } = require(join(root, 'dist', 'test', 'helpers', 'ns.js'));
const mode = namespaceMode();
const prefix = mode.kind === 'none' ? [] : mode.prefix;
const argv = [...prefix, process.execPath, join(root, 'bin', 'graceinit'), '--log-format', 'json', '--',
  join(root, 'dist', 'fixtures', 'stormchild'), `orphan-rate:${orphanRate}`, 'check-zombies'];
console.log(`soak: ${args.minutes} min (warm-up ${warmupS}s), ${signalRate} signals/s, ${orphanRate} orphans/s; ` +
  `graceinit ${mode.kind === 'none' ? `as a subreaper (${mode.reason})` : 'as PID 1 of a PID namespace'}; load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

const child = spawn(argv[0], argv.slice(1), {
  stdio: ['ignore', 'pipe', 'pipe'],
  env: { ...process.env, GRACEINIT_DEBUG_RESOURCES_MS: '1000' },
});
let childOut = '';
child.stdout.setEncoding('utf8').on('data', (d) => { childOut += d; });
let resources; // the latest `resources` line from graceinit
const problems = [];
let pending = '';
child.stderr.setEncoding('utf8').on('data', (d) => {
  pending += d;
  const lines = pending.split('\n');
  pending = lines.pop();
  for (const line of lines) {
    let entry;
    try { entry = JSON.parse(line); } catch { entry = undefined; }
    if (entry?.event === 'resources') resources = entry;
    else if (entry?.level === 'warn' || entry?.level === 'error' || !entry) problems.push(line);
  }
});
const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function graceinitPid() {
  if (prefix.length === 0) return child.pid;
  for (let i = 0; i < 200; i++) {
    try {
      const kids = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim();
      if (kids) return Number(kids.split(/\s+/)[0]);
    } catch { /* not yet */ }
    await sleep(25);
  }
  throw new Error('graceinit did not start inside the namespace');
}
const pid = await graceinitPid();
while (!/^ready /m.test(childOut)) {
  if (child.exitCode !== null) throw new Error(`graceinit exited early: ${problems.join('\n')}`);
  await sleep(20);
}

const KINDS = ['SIGUSR1', 'SIGUSR2', 'SIGHUP', 'SIGWINCH'];
let sent = 0;
const startedAt = performance.now();
// graceinit's pid is signalled only while it is still ours: a freed pid can be reused at once
const stillOurs = () => {
  if (prefix.length === 0) return child.exitCode === null;
  try {
    return Number(/^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]) === child.pid;
  } catch {
    return false;
  }
};
const sender = setInterval(() => {
  if (!stillOurs()) return;
  const due = Math.floor(((performance.now() - startedAt) / 1000) * signalRate) - sent;
  for (let i = 0; i < due; i++) {
    try { process.kill(pid, KINDS[sent % KINDS.length]); } catch { return; }
    sent++;
  }
}, 10);

const rssKb = () => Number(/^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
const fds = () => readdirSync(`/proc/${pid}/fd`).length;
const samples = [];
for (let s = 1; s <= durationS; s++) {
  await sleep(startedAt + s * 1000 - performance.now());
  if (!stillOurs()) break;
  let rss, fdCount;
  try { rss = rssKb(); fdCount = fds(); } catch { break; } // graceinit is gone: reported below
  const sample = { t: s, rss_kb: rss, fds: fdCount, resources: resources?.resources ?? null, heap_used_kb: resources?.heap_used_kb ?? null };
  samples.push(sample);
  if (s % 10 === 0 || s === 1) {
    console.log(`  t=${String(s).padStart(4)}s rss=${sample.rss_kb}kB fds=${sample.fds} resources=${sample.resources} ` +
      `heap=${sample.heap_used_kb}kB signals=${sent}${s === warmupS ? '  <- end of warm-up' : ''}`);
  }
}
clearInterval(sender);
const finalResources = resources;
if (stillOurs()) process.kill(pid, 'SIGTERM');
const exit = await exited;

const after = samples.filter((x) => x.t > warmupS);
const first = after.slice(0, WINDOW);
const last = after.slice(-WINDOW);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const min = (xs) => Math.min(...xs);
const max = (xs) => Math.max(...xs);
const summary = {
  minutes: Number(args.minutes), warmup_s: warmupS, samples: samples.length, pid1: mode.kind !== 'none',
  signals_sent: sent, orphans_made: Number((/^orphans total=(\d+)$/m.exec(childOut) ?? [])[1] ?? NaN),
  zombies_left: Number((/^zombies_left=(\d+)/m.exec(childOut) ?? [])[1] ?? NaN),
  exit_code: exit.code,
  rss_kb: { warmup_end: median(first.map((x) => x.rss_kb)), end: median(last.map((x) => x.rss_kb)), max_after_warmup: max(after.map((x) => x.rss_kb)) },
  fds: { warmup_end: min(first.map((x) => x.fds)), end: min(last.map((x) => x.fds)), max_after_warmup: max(after.map((x) => x.fds)) },
  resources: first[0]?.resources === null ? null : {
    warmup_end: min(first.map((x) => x.resources)), end: min(last.map((x) => x.resources)),
    detail_end: finalResources?.msg,
  },
  load_average_end: loadavg().map((l) => Number(l.toFixed(2))),
};
summary.rss_kb.growth = summary.rss_kb.end - summary.rss_kb.warmup_end;
const failures = [];
if (samples.length < durationS) failures.push(`graceinit ended early, after ${samples.length}s`);
if (summary.rss_kb.growth > MAX_RSS_GROWTH_KB) failures.push(`RSS grew by ${summary.rss_kb.growth} kB after the warm-up (limit ${MAX_RSS_GROWTH_KB})`);
if (summary.fds.end > summary.fds.warmup_end) failures.push(`open fds grew from ${summary.fds.warmup_end} to ${summary.fds.end}`);
if (summary.resources && summary.resources.end > summary.resources.warmup_end) {
  failures.push(`active resources grew from ${summary.resources.warmup_end} to ${summary.resources.end}`);
}
if (exit.code !== 0) failures.push(`graceinit exited with ${exit.code ?? exit.signal}, expected the child's 0`);
if (summary.zombies_left !== 0) failures.push(`zombies left at the end: ${summary.zombies_left}`);
if (problems.length) failures.push(`graceinit logged ${problems.length} warning/error line(s): ${problems.slice(0, 3).join(' | ')}`);

console.log(JSON.stringify(summary, null, 2));
if (args.json) writeFileSync(args.json, JSON.stringify({ summary, samples }, null, 2));
console.log(failures.length ? `soak: FAIL\n  ${failures.join('\n  ')}` : 'soak: PASS');
process.exit(failures.length ? 1 : 0);
