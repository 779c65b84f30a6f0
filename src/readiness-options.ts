// The options of readiness and HTTP pre-stops: the health endpoint, the app's own readiness checks,
// --pre-stop-http (one ordered list with --pre-stop), Nacos, --print-plan. Raw values -> typed values,
// or a UsageError naming the flag or variable. Pure; templates are only checked for syntax here and
// expanded at start-up (src/prestop/resolve.ts), when the environment and the pod's IP are known.
import { UsageError, type RawOptions, type RawValue } from './cli.js';
import type { NacosTarget } from './nacos.js';
import { list, text } from './raw-values.js';
import { TemplateError, parseTemplate } from './template.js';

export interface PreStopCommand {
  kind: 'command';
  command: string;
}

export interface HttpHeader {
  name: string;
  /** A ${NAME} template until start-up, its expansion after. */
  value: string;
}

export interface PreStopHttp {
  kind: 'http';
  method: string;
  /** A ${NAME} template until start-up, its expansion after. */
  url: string;
  headers: HttpHeader[];
  /** The body must contain this; undefined: any 2xx will do. */
  expect: string | undefined;
}

export interface PreStopNacos {
  kind: 'nacos';
  /** Read from NACOS_* at start-up; undefined until then. */
  target: NacosTarget | undefined;
}

export type PreStopStep = PreStopCommand | PreStopHttp | PreStopNacos;

export interface HostPort {
  host: string;
  port: number;
}

export interface ReadinessOptions {
  /** undefined: no health endpoint. */
  health: HostPort | undefined;
  readyUrl: string | undefined;
  readyTcp: HostPort | undefined;
  printPlan: boolean;
}

export const DEFAULT_HEALTH_HOST = '0.0.0.0';

export function validateReadiness(raw: RawOptions): ReadinessOptions {
  const v = raw.values;
  const port = v.get('healthPort');
  const host = v.get('healthHost');
  if (host && !port) throw new UsageError(`${host.from} needs --health-port (or GRACEINIT_HEALTH_PORT)`);
  for (const key of ['readyUrl', 'readyTcp']) {
    const given = v.get(key);
    if (given && !port) throw new UsageError(`${given.from}: the app's readiness is served on /readyz, which needs --health-port`);
  }
  return {
    health: port ? { host: host ? text(host) : DEFAULT_HEALTH_HOST, port: portNumber(port, text(port), true) } : undefined,
    readyUrl: readyUrl(v.get('readyUrl')),
    readyTcp: v.get('readyTcp') ? hostPort(v.get('readyTcp')!) : undefined,
    printPlan: v.get('printPlan')?.value === true,
  };
}

/**
 * --nacos-deregister first, then --pre-stop and --pre-stop-http in command-line order; entries from
 * the environment (which have no order) come before flags, commands before HTTP requests.
 */
export function preStopSteps(raw: RawOptions): PreStopStep[] {
  const v = raw.values;
  const entries: Array<{ order: number; step: PreStopStep }> = [];
  const commands = v.get('preStop');
  list(commands).forEach((command, i) => {
    entries.push({ order: commands!.order?.[i] ?? -2e9 + i, step: { kind: 'command', command } });
  });

  const requests = v.get('preStopHttp');
  const headers = list(v.get('preStopHttpHeader')).map((h) => header(h, v.get('preStopHttpHeader')!));
  const expectRaw = v.get('preStopHttpExpect');
  const expect = expectRaw ? text(expectRaw) : undefined;
  if (!requests) {
    for (const unused of [v.get('preStopHttpHeader'), expectRaw]) {
      if (unused) throw new UsageError(`${unused.from} applies to --pre-stop-http requests, and none is set`);
    }
  }
  list(requests).forEach((entry, i) => {
    entries.push({ order: requests!.order?.[i] ?? -1e9 + i, step: httpStep(entry, requests!, headers, expect || undefined) });
  });

  entries.sort((a, b) => a.order - b.order);
  const steps = entries.map((e) => e.step);
  if (v.get('nacosDeregister')?.value === true) steps.unshift({ kind: 'nacos', target: undefined });
  return steps;
}

function httpStep(entry: string, raw: RawValue, headers: HttpHeader[], expect: string | undefined): PreStopHttp {
  const match = /^\s*([A-Za-z]+)\s+(\S+)\s*$/.exec(entry);
  if (!match) throw new UsageError(`${raw.from}: expected "<METHOD> <URL>", e.g. "PUT http://nacos:8848/nacos/v1/ns/instance?...", got "${entry}"`);
  const url = match[2]!;
  if (!/^https?:\/\//i.test(url)) throw new UsageError(`${raw.from}: "${url}" is not an http:// or https:// URL`);
  checkTemplate(url, raw);
  return { kind: 'http', method: match[1]!.toUpperCase(), url, headers, expect };
}

const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

function header(entry: string, raw: RawValue): HttpHeader {
  const colon = entry.indexOf(':');
  const name = colon < 0 ? '' : entry.slice(0, colon).trim();
  if (!TOKEN.test(name)) throw new UsageError(`${raw.from}: expected "Name: value", got "${entry}"`);
  const value = entry.slice(colon + 1).trim();
  checkTemplate(value, raw);
  return { name, value };
}

function checkTemplate(template: string, raw: RawValue): void {
  try {
    parseTemplate(template);
  } catch (err) {
    if (err instanceof TemplateError) throw new UsageError(`${raw.from}: ${err.message}`);
    throw err;
  }
}

function readyUrl(raw: RawValue | undefined): string | undefined {
  if (!raw) return undefined;
  const value = text(raw);
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${raw.from}: "${value}" is not a URL (e.g. http://127.0.0.1:8080/health)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UsageError(`${raw.from}: "${value}" is not an http:// or https:// URL`);
  return url.href;
}

/** "host:port", "[::1]:port" or ":port" (127.0.0.1). */
export function hostPort(raw: RawValue): HostPort {
  const value = text(raw).trim();
  const match = /^(?:\[([0-9a-fA-F:.]+)\]|([^:\s[\]]*)):(\d+)$/.exec(value);
  if (!match) throw new UsageError(`${raw.from}: expected host:port, e.g. 127.0.0.1:8080, got "${value}"`);
  return { host: match[1] ?? (match[2] || '127.0.0.1'), port: portNumber(raw, match[3]!, false) };
}

function portNumber(raw: RawValue, value: string, zeroAllowed: boolean): number {
  const port = /^\d{1,5}$/.test(value.trim()) ? Number(value) : NaN;
  if (!(port <= 65535 && port >= (zeroAllowed ? 0 : 1))) {
    throw new UsageError(`${raw.from}: invalid port "${value}" (expected ${zeroAllowed ? '0' : '1'}-65535)`);
  }
  return port;
}

