// The drill's own options, next to graceinit's: one table (the same shape as src/option-specs.ts, so
// one commander program parses both and every option also comes from GRACEINIT_DRILL_*), validation
// into DrillOptions, and the graceinit command line each run gets. Pure.
import { UsageError, parseCli, type RawOptions, type RawValue } from '../cli.js';
import { OPTION_SPECS, envName, type OptionSpec } from '../option-specs.js';
import { validateOptions, type Options } from '../options.js';
import { duration, text } from '../raw-values.js';

// Keys are the flags in camelCase (commander's attribute names), distinct from graceinit's keys.
const drillSpec = (spec: Omit<OptionSpec, 'env'>): OptionSpec =>
  ({ ...spec, env: 'GRACEINIT_DRILL_' + spec.flag.replace(/^--/, '').replace(/-/g, '_').toUpperCase() });

export const DRILL_SPECS: readonly OptionSpec[] = [
  drillSpec({ key: 'target', flag: '--target', arg: '<url>', defaultText: 'http://127.0.0.1:$PORT/',
    help: 'URL the load goes to (a loopback address: the drill starts the app here)' }),
  drillSpec({ key: 'readyTimeout', flag: '--ready-timeout', arg: '<duration>', defaultText: '15s',
    help: 'how long the app may take to answer its first request' }),
  drillSpec({ key: 'rps', flag: '--rps', arg: '<n>', defaultText: '200',
    help: 'requests per second, sent on a fixed schedule whatever the app does (open loop)' }),
  drillSpec({ key: 'concurrency', flag: '--concurrency', arg: '<n>', defaultText: '16',
    help: 'at most this many requests in flight; a due request waits for a free slot (those still waiting at the end are counted)' }),
  drillSpec({ key: 'requestTimeout', flag: '--request-timeout', arg: '<duration>', defaultText: '2s',
    help: 'a request without a full answer by then counts as a timeout' }),
  drillSpec({ key: 'keepalive', flag: '--keepalive',
    help: 'reuse connections as an ingress does (default: a new connection per request, as kube-proxy sees them)' }),
  drillSpec({ key: 'warmup', flag: '--warmup', arg: '<duration>', defaultText: '2s',
    help: 'load before the SIGTERM' }),
  drillSpec({ key: 'lag', flag: '--lag', arg: '<duration>', defaultText: '2s',
    help: 'load after the SIGTERM: how long load balancers keep routing to the pod' }),
  drillSpec({ key: 'subreaper', flag: '--subreaper',
    help: 'run graceinit as a child subreaper, not as PID 1 of its own PID namespace' }),
  drillSpec({ key: 'json', flag: '--json', help: 'print the report as JSON' }),
  drillSpec({ key: 'report', flag: '--report', arg: '<file.html>',
    help: 'also write a self-contained HTML report with a timeline chart' }),
  drillSpec({ key: 'compare', flag: '--compare',
    help: 'run twice, with the given options and as a plain init (no delay, no pre-stop), side by side' }),
];

export interface DrillOptions {
  target: URL;
  readyTimeoutMs: number;
  rps: number;
  concurrency: number;
  requestTimeoutMs: number;
  keepalive: boolean;
  warmupMs: number;
  lagMs: number;
  subreaper: boolean;
  json: boolean;
  reportFile: string | undefined;
  compare: boolean;
}

export const DRILL_DEFAULTS = {
  readyTimeoutMs: 15_000,
  rps: 200,
  concurrency: 16,
  requestTimeoutMs: 2_000,
  warmupMs: 2_000,
  lagMs: 2_000,
} as const;

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i;

export function validateDrillOptions(raw: RawOptions, env: NodeJS.ProcessEnv): DrillOptions {
  const v = raw.values;
  return {
    target: target(v.get('target'), env.PORT),
    readyTimeoutMs: positiveDuration(v.get('readyTimeout')) ?? DRILL_DEFAULTS.readyTimeoutMs,
    rps: integer(v.get('rps'), 1, 100_000) ?? DRILL_DEFAULTS.rps,
    concurrency: integer(v.get('concurrency'), 1, 10_000) ?? DRILL_DEFAULTS.concurrency,
    requestTimeoutMs: positiveDuration(v.get('requestTimeout')) ?? DRILL_DEFAULTS.requestTimeoutMs,
    keepalive: flag(v.get('keepalive')),
    warmupMs: duration(v.get('warmup')) ?? DRILL_DEFAULTS.warmupMs,
    lagMs: duration(v.get('lag')) ?? DRILL_DEFAULTS.lagMs,
    subreaper: flag(v.get('subreaper')),
    json: flag(v.get('json')),
    reportFile: reportFile(v.get('report')),
    compare: flag(v.get('compare')),
  };
}

function flag(raw: RawValue | undefined): boolean {
  return raw?.value === true;
}

function positiveDuration(raw: RawValue | undefined): number | undefined {
  const ms = duration(raw);
  if (ms === 0) throw new UsageError(`${raw!.from}: must be more than 0`);
  return ms;
}

function integer(raw: RawValue | undefined, min: number, max: number): number | undefined {
  if (!raw) return undefined;
  const value = text(raw).trim();
  const num = Number(value);
  if (!/^\d+$/.test(value) || num < min || num > max) {
    throw new UsageError(`${raw.from}: expected a whole number from ${min} to ${max}, got "${raw.value}"`);
  }
  return num;
}

function target(raw: RawValue | undefined, port: string | undefined): URL {
  if (!raw) {
    if (port === undefined || port === '') {
      throw new UsageError('--target: not given and PORT is not set (pass --target http://127.0.0.1:<port>/ or set PORT)');
    }
    if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
      throw new UsageError(`PORT: expected a port number 1-65535 for the default --target, got "${port}"`);
    }
    return new URL(`http://127.0.0.1:${Number(port)}/`);
  }
  let url: URL;
  try {
    url = new URL(text(raw));
  } catch {
    throw new UsageError(`${raw.from}: invalid URL "${raw.value}" (e.g. http://127.0.0.1:8080/health)`);
  }
  if (url.protocol !== 'http:') throw new UsageError(`${raw.from}: only http:// targets are supported, got "${raw.value}"`);
  if (!LOOPBACK.test(url.hostname)) {
    throw new UsageError(`${raw.from}: the drill starts the app on this machine, so the target must be a loopback address ` +
      `(127.0.0.1, localhost, [::1]), got "${url.hostname}"`);
  }
  return url;
}

function reportFile(raw: RawValue | undefined): string | undefined {
  if (!raw) return undefined;
  const file = text(raw);
  if (!/\.html?$/i.test(file)) throw new UsageError(`${raw.from}: the report is an HTML page: give a file name ending in .html, got "${file}"`);
  return file;
}

/** One run of the drill: graceinit's arguments (its own options, then `--` and the command). */
export interface RunSpec {
  name: 'given' | 'plain';
  title: string;
  graceinitArgs: string[];
  options: Options;
  /** graceinit's /readyz when the run has a --health-port: the drill reports when it turned 503. */
  readyz: URL | undefined;
}

/** The readiness endpoint of graceinit's --health-port (the readiness feature), when one is set. */
export function readyzOf(raw: RawOptions): URL | undefined {
  const port = raw.values.get('healthPort')?.value;
  return typeof port === 'string' && /^\d{1,5}$/.test(port.trim()) ? new URL(`http://127.0.0.1:${Number(port)}/readyz`) : undefined;
}

/** The options that make graceinit more than a plain init: dropped for --compare's baseline. */
const isShutdownAid = (key: string): boolean => key === 'delay' || key.startsWith('preStop') || key.startsWith('nacos');

/**
 * The graceinit command line for a run, rebuilt from the parsed values so flags and GRACEINIT_*
 * variables count alike (the child's environment loses those variables; see childEnv). JSON logs at
 * info level or more are forced: the drill reads the phases from them.
 */
export function graceinitArgs(raw: RawOptions, plain: boolean): string[] {
  const specs = OPTION_SPECS.filter((spec) => raw.values.has(spec.key) && !(plain && isShutdownAid(spec.key)));
  const repeated: Array<{ flag: string; value: string; order: number }> = [];
  const args: string[] = [];
  let fallbackOrder = 1e9;
  // `--flag=value` when the value looks like a flag itself (`--pre-stop -x` would not parse).
  const pair = (flag: string, value: string): string[] => (value.startsWith('-') ? [`${flag}=${value}`] : [flag, value]);
  for (const spec of specs) {
    const raw_ = raw.values.get(spec.key)!;
    if (spec.key === 'logFormat') continue;
    if (spec.key === 'logLevel' && (raw_.value === 'error' || raw_.value === 'warn')) continue;
    if (spec.repeatable) {
      const list = Array.isArray(raw_.value) ? raw_.value : [String(raw_.value)];
      list.forEach((value, i) => repeated.push({ flag: spec.flag, value, order: raw_.order?.[i] ?? fallbackOrder++ }));
    } else if (!spec.arg) {
      if (raw_.value === true) args.push(spec.flag);
    } else {
      args.push(...pair(spec.flag, String(raw_.value)));
    }
  }
  // Repeatable flags of different kinds (e.g. --pre-stop and --pre-stop-http) keep their interleaving.
  for (const entry of repeated.sort((a, b) => a.order - b.order)) args.push(...pair(entry.flag, entry.value));
  return [...args, '--log-format', 'json', '--', ...raw.command];
}

/** graceinit's options as the variables it would read: gone from the child's environment, the flags say it all. */
export function childEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const names = new Set(OPTION_SPECS.map(envName));
  return Object.fromEntries(Object.entries(env).filter(([name]) => !names.has(name)));
}

/** The runs to do: the given options, and with --compare the plain-init baseline too. */
export function planRuns(raw: RawOptions, drill: DrillOptions): RunSpec[] {
  const given = graceinitArgs(raw, false);
  const readyz = readyzOf(raw);
  const runs: RunSpec[] = [{ name: 'given', title: 'with your options', graceinitArgs: given, options: validated(given), readyz }];
  if (drill.compare) {
    const plain = graceinitArgs(raw, true);
    runs.push({ name: 'plain', title: 'plain init (no delay, no pre-stop)', graceinitArgs: plain, options: validated(plain), readyz });
  }
  return runs;
}

function validated(args: string[]): Options {
  // The rebuilt command line goes through graceinit's own parsing and validation: no surprise later.
  const cli = parseCli(args, {}, 'drill');
  if (cli.kind !== 'run') throw new UsageError(`internal: graceinit's rebuilt command line did not parse: ${args.join(' ')}`);
  return validateOptions(cli.raw);
}
