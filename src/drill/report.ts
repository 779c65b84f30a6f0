// The drill's report on stdout: text for people (one run, or --compare's runs side by side), JSON for
// machines. Pure: results in, strings out.
import type { PhaseMarker } from './events.js';
import type { Latency, RunStats } from './stats.js';

export interface RunResult {
  name: 'given' | 'plain';
  title: string;
  /** graceinit's command line, as the drill ran it. */
  graceinitArgs: string[];
  isolation: string;
  target: string;
  keepalive: boolean;
  warmupMs: number;
  lagMs: number;
  stats: RunStats;
}

export interface DrillReport {
  verdict: 'pass' | 'fail';
  exitCode: 0 | 1;
  runs: RunResult[];
}

/** The exit code is the verdict of the run with the given options (the first). */
export function buildReport(runs: RunResult[]): DrillReport {
  const pass = runs[0]!.stats.pass;
  return { verdict: pass ? 'pass' : 'fail', exitCode: pass ? 0 : 1, runs };
}

export function formatJson(report: DrillReport): string {
  return JSON.stringify(report, null, 2) + '\n';
}

/** An argument as a shell would need it, for display. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

export const commandLine = (args: readonly string[]): string => args.map(shellQuote).join(' ');

export const seconds = (ms: number): string => `${ms < 0 ? '-' : '+'}${(Math.abs(ms) / 1000).toFixed(3)}s`;

const ms = (v: number | null): string => (v === null ? '-' : `${v} ms`);

function latencyText(l: Latency): string {
  return l.count === 0 ? 'no answered request' : `p50 ${ms(l.p50Ms)}, p99 ${ms(l.p99Ms)} (${l.count} answered)`;
}

function failureText(s: RunStats): string {
  const b = s.byOutcome;
  return `refused ${b.refused}, reset ${b.reset}, timeout ${b.timeout}, 5xx ${b.http5xx}, other ${b.error}`;
}

function windowText(s: RunStats): string {
  return s.failureWindow ? `${seconds(s.failureWindow.fromMs)} to ${seconds(s.failureWindow.toMs)} after SIGTERM` : 'none';
}

function exitText(s: RunStats): string {
  const app = s.appExit
    ? (s.appExit.signal ? `app killed by ${s.appExit.signal}` : `app exited with code ${s.appExit.code}`)
    : 'app exit not seen';
  const init = s.graceinitExit
    ? (s.graceinitExit.signal ? `graceinit ended by ${s.graceinitExit.signal}` : `graceinit exited with ${s.graceinitExit.code}`)
    : 'graceinit was killed by the drill';
  return `${app}${s.killed ? ' (after graceinit\'s SIGKILL)' : ''}; ${init}`;
}

function verdictText(s: RunStats): string {
  return s.pass ? 'PASS: no request failed and the app exited by itself' : `FAIL: ${s.reasons.join('; ')}`;
}

function timeline(s: RunStats, lead: string): string[] {
  const rows: Array<Pick<PhaseMarker, 'tMs' | 'label'>> = [{ tMs: s.loadFromMs, label: 'load starts' }, ...s.markers];
  return rows.sort((a, b) => a.tMs - b.tMs).map((m) => `${lead}${seconds(m.tMs).padStart(9)}  ${m.label}`);
}

export function formatRun(run: RunResult): string {
  const s = run.stats;
  const lines = [
    `graceinit drill (${run.title}): ${s.pass ? 'PASS' : 'FAIL'}`,
    `  command     graceinit ${commandLine(run.graceinitArgs)}`,
    `  isolation   ${run.isolation}`,
    `  load        ${run.target}, ${s.targetRps} req/s asked, ${s.achievedRps} sent, ` +
      `${run.keepalive ? 'keep-alive connections' : 'new connection per request'}; ` +
      `SIGTERM after ${run.warmupMs / 1000}s, load for ${run.lagMs / 1000}s more (lag)`,
    `  requests    sent ${s.sent}, ok ${s.ok}, failed ${s.failed} (${failureText(s)})`,
    `  failures    ${windowText(s)}`,
    `  latency     before SIGTERM: ${latencyText(s.latency.before)}`,
    `              during shutdown: ${latencyText(s.latency.during)}`,
    '  timeline    (time since SIGTERM)',
    ...timeline(s, '            '),
    `  exit        ${exitText(s)}`,
    ...s.warnings.map((w) => `  warning     ${w}`),
    `  verdict     ${verdictText(s)}`,
    ...(s.advice ? [`  advice      ${s.advice}`] : []),
  ];
  return lines.join('\n') + '\n';
}

function at(s: RunStats, phase: string): string {
  const marker = s.markers.find((m) => m.phase === phase);
  return marker ? seconds(marker.tMs) : '-';
}

/** --compare: the runs as columns. */
export function formatCompare(runs: RunResult[]): string {
  const rows: Array<[string, (r: RunResult) => string]> = [
    ['command', (r) => `graceinit ${commandLine(r.graceinitArgs.slice(0, r.graceinitArgs.indexOf('--')).filter((a) => a !== '--log-format' && a !== 'json')) || '(no options)'}`],
    ['verdict', (r) => (r.stats.pass ? 'PASS' : 'FAIL')],
    ['requests sent', (r) => String(r.stats.sent)],
    ['ok', (r) => String(r.stats.ok)],
    ['failed', (r) => String(r.stats.failed)],
    ['  refused', (r) => String(r.stats.byOutcome.refused)],
    ['  reset', (r) => String(r.stats.byOutcome.reset)],
    ['  timeout', (r) => String(r.stats.byOutcome.timeout)],
    ['  5xx', (r) => String(r.stats.byOutcome.http5xx)],
    ['failure window', (r) => (r.stats.failureWindow ? `${seconds(r.stats.failureWindow.fromMs)}..${seconds(r.stats.failureWindow.toMs)}` : 'none')],
    ['p50/p99 before', (r) => `${ms(r.stats.latency.before.p50Ms)} / ${ms(r.stats.latency.before.p99Ms)}`],
    ['p50/p99 during', (r) => `${ms(r.stats.latency.during.p50Ms)} / ${ms(r.stats.latency.during.p99Ms)}`],
    ['rate sent', (r) => `${r.stats.achievedRps} req/s`],
    ['stop signal at', (r) => at(r.stats, 'stopping')],
    ['app exited at', (r) => at(r.stats, 'exited')],
    ['killed', (r) => (r.stats.killed ? 'yes' : 'no')],
    ['graceinit exit', (r) => (r.stats.graceinitExit ? String(r.stats.graceinitExit.code ?? r.stats.graceinitExit.signal) : 'killed by the drill')],
  ];
  const header = ['', ...runs.map((r) => r.title)];
  const table = [header, ...rows.map(([label, cell]) => [label, ...runs.map(cell)])];
  const widths = header.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  const lines = table.map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('   ').trimEnd());
  lines.splice(1, 0, widths.map((w) => '-'.repeat(w)).join('   '));
  const verdict = runs[0]!.stats;
  return ['graceinit drill --compare (times since SIGTERM)', '', ...lines, '',
    ...runs.flatMap((r) => r.stats.warnings.map((w) => `warning (${r.title}): ${w}`)),
    `verdict (${runs[0]!.title}): ${verdictText(verdict)}`, ''].join('\n');
}

export function formatText(report: DrillReport): string {
  if (report.runs.length === 1) return formatRun(report.runs[0]!);
  return report.runs.map(formatRun).join('\n') + '\n' + formatCompare(report.runs);
}
