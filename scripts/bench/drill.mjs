// Row 6, a rolling stop under load (`graceinit drill`, when this checkout has it): the example server
// gets steady load, SIGTERM, and a 1 s load-balancer lag during which requests keep coming. The peers
// cannot run the drill themselves, so for each of them the drill's command is `<peer> -- node
// examples/server.js` under graceinit --delay 0, which passes the SIGTERM on at once: the peer then
// stops the app exactly as it would as PID 1. Beside them, graceinit --delay 0 (a plain init) and
// graceinit --delay 1.5 (its point: keep serving past the lag).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { summarize, roundOrder } from './stats.mjs';
import { track } from './proc.mjs';

export const LAG = '1s';

/** Why the drill cannot run here, or undefined when it can. */
export function drillUnavailable(root) {
  if (!existsSync(join(root, 'dist', 'src', 'drill'))) return 'graceinit drill not available in this checkout';
  const probe = spawnSync(process.execPath, [join(root, 'bin', 'graceinit'), 'drill', '--help'], { encoding: 'utf8', timeout: 20_000 });
  if (probe.status !== 0 || !/lag/.test(probe.stdout)) return `graceinit drill --help failed (exit ${probe.status}): graceinit drill not available in this checkout`;
  return undefined;
}

/**
 * sent / ok / failed from the drill's JSON report: the run with the given options (`runs[]`, which
 * --compare makes two of), its `stats`; older or flatter shapes are looked up too.
 */
export function drillCounts(input) {
  const run = Array.isArray(input?.runs) ? (input.runs.find((r) => r.name === 'given') ?? input.runs[0]) : input;
  const report = run?.stats ?? run;
  const pick = (obj, ...keys) => {
    for (const key of keys) {
      const v = key.split('.').reduce((o, k) => (o == null ? undefined : o[k]), obj);
      if (typeof v === 'number') return v;
      if (v && typeof v === 'object' && typeof v.total === 'number') return v.total;
    }
    return NaN;
  };
  return {
    sent: pick(report, 'sent', 'requests.sent', 'summary.sent', 'stats.sent'),
    ok: pick(report, 'ok', 'succeeded', 'requests.ok', 'summary.ok', 'stats.ok'),
    failed: pick(report, 'failed', 'requests.failed', 'summary.failed', 'stats.failed'),
  };
}

function lastJson(text) {
  try { return JSON.parse(text); } catch { /* not one document: try line by line */ }
  for (const line of text.trim().split('\n').reverse()) {
    try { return JSON.parse(line); } catch { /* next */ }
  }
  return undefined;
}

export async function drill({ root, subjects, rounds, log }) {
  const reason = drillUnavailable(root);
  if (reason) {
    log(`row 6 skipped: ${reason}`);
    return { skipped: reason };
  }
  const bin = [process.execPath, join(root, 'bin', 'graceinit'), 'drill', '--json', '--lag', LAG];
  const app = [process.execPath, join(root, 'examples', 'server.js')];
  const entries = [
    { id: 'graceinit-delay', label: 'graceinit --delay 1.5', kind: 'graceinit', args: ['--delay', '1.5', '--', ...app] },
    { id: 'graceinit-0', label: 'graceinit --delay 0', kind: 'graceinit', args: ['--delay', '0', '--', ...app] },
    ...subjects.filter((s) => s.kind === 'peer').map((s) => ({
      // Not PID 1 here, so as run plainly (tini -s: the subreaper of the app, as it would be as PID 1).
      id: s.id, label: s.label, kind: 'peer', args: ['--delay', '0', '--', ...s.plain, ...app],
    })),
  ];
  const samples = Object.fromEntries(entries.map((e) => [e.id, []]));
  let port = 18_400;
  for (let round = 0; round < rounds; round++) {
    for (const entry of roundOrder(entries, round)) {
      port++;
      const target = `http://127.0.0.1:${port}/`;
      const argv = [...bin, '--target', target, ...entry.args];
      entry.argv = argv;
      const result = await runDrill(argv, { ...process.env, PORT: String(port) });
      const report = lastJson(result.stdout);
      if (!report) throw new Error(`${argv.join(' ')} printed no JSON report (exit ${result.code}): ${result.stderr.slice(-500)}`);
      samples[entry.id].push({ ...drillCounts(report), exitCode: result.code });
    }
  }
  log(`drill: ${rounds} rounds of ${entries.length} configurations`);
  const rows = entries.map((e) => {
    const list = samples[e.id];
    return { id: e.id, label: e.label, kind: e.kind, argv: e.argv, failed: summarize(list.map((s) => s.failed)),
      sent: summarize(list.map((s) => s.sent)), failedTotal: list.reduce((a, s) => a + s.failed, 0),
      sentTotal: list.reduce((a, s) => a + s.sent, 0) };
  });
  return { rounds, lag: LAG, rows, samples };
}

function runDrill(argv, env) {
  return new Promise((resolve, reject) => {
    // SIGTERM, not SIGKILL, if the bench stops early: the drill cleans up what it started on SIGTERM.
    const child = track(spawn(argv[0], argv.slice(1), { env, stdio: ['ignore', 'pipe', 'pipe'] }), 'SIGTERM');
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d) => { stderr += d; });
    const timer = setTimeout(() => child.kill('SIGTERM'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}
