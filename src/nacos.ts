// --nacos-deregister: which instance to take out of Nacos, read from the variables a Spring Cloud
// Alibaba pod usually has, and the requests and answers of Nacos' open API. Pure: the requests are
// sent by src/prestop/nacos.ts.
//
// The instance is disabled (PUT .../instance?...&enabled=false), not deleted: a deleted ephemeral
// instance is registered again by the client's next heartbeat, a disabled one stays out of the
// instance lists until the pod is gone.
import type { HttpCall, HttpAnswer } from './prestop/http.js';
import type { Vars } from './template.js';

export interface NacosCredentials {
  username: string;
  password: string;
}

export interface NacosTarget {
  /** Base URLs, e.g. http://nacos:8848; tries go round them. */
  servers: string[];
  serviceName: string;
  groupName: string;
  clusterName: string;
  namespaceId: string | undefined;
  ip: string;
  port: number;
  credentials: NacosCredentials | undefined;
}

export class NacosConfigError extends Error {}

const DEFAULT_NACOS_PORT = 8848;

/** Reads NACOS_* (and the pod variables) from `env`; every missing variable is named in one error. */
export function nacosTarget(env: Vars): NacosTarget {
  const missing: string[] = [];
  const addr = env.NACOS_SERVER_ADDR?.trim();
  if (!addr) missing.push('NACOS_SERVER_ADDR');
  const portText = env.NACOS_SERVICE_PORT || env.SERVER_PORT;
  if (!portText) missing.push('NACOS_SERVICE_PORT (or SERVER_PORT)');
  const ip = env.GRACEINIT_POD_IP;
  if (!ip) missing.push('POD_IP (no non-internal IPv4 address was found either)');
  const username = env.NACOS_USERNAME;
  const password = env.NACOS_PASSWORD;
  if (username && !password) missing.push('NACOS_PASSWORD (NACOS_USERNAME is set)');
  if (password && !username) missing.push('NACOS_USERNAME (NACOS_PASSWORD is set)');
  if (missing.length > 0) throw new NacosConfigError(`missing ${missing.join(', ')} in the environment`);

  const port = Number(portText);
  if (!/^\d{1,5}$/.test(portText!) || port < 1 || port > 65535) {
    throw new NacosConfigError(`${env.NACOS_SERVICE_PORT ? 'NACOS_SERVICE_PORT' : 'SERVER_PORT'}: invalid port "${portText}"`);
  }
  const serviceName = env.NACOS_SERVICE_NAME || env.GRACEINIT_APP_NAME;
  if (!serviceName) throw new NacosConfigError('missing NACOS_SERVICE_NAME in the environment');
  return {
    servers: addr!.split(',').map((s) => s.trim()).filter((s) => s !== '').map(serverBase),
    serviceName,
    groupName: env.NACOS_GROUP || 'DEFAULT_GROUP',
    clusterName: env.NACOS_CLUSTER || 'DEFAULT',
    namespaceId: env.NACOS_NAMESPACE || undefined,
    ip: ip!,
    port,
    credentials: username ? { username, password: password! } : undefined,
  };
}

/** "nacos", "nacos:8848", "http://nacos:8848/" -> "http://nacos:8848" (8848 when no port and no scheme). */
export function serverBase(entry: string): string {
  const hasScheme = /^https?:\/\//i.test(entry);
  let url: URL;
  try {
    url = new URL(hasScheme ? entry : `http://${entry}`);
  } catch {
    throw new NacosConfigError(`NACOS_SERVER_ADDR: "${entry}" is not host:port`);
  }
  if (!hasScheme && url.port === '') url.port = String(DEFAULT_NACOS_PORT);
  return url.origin;
}

export function loginCall(server: string, credentials: NacosCredentials): HttpCall {
  return {
    method: 'POST',
    url: `${server}/nacos/v1/auth/login`,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    // In the body, not the query: URLs end up in access logs.
    body: new URLSearchParams({ username: credentials.username, password: credentials.password }).toString(),
  };
}

export function deregisterCall(server: string, target: NacosTarget, accessToken: string | undefined): HttpCall {
  const query = new URLSearchParams({ serviceName: target.serviceName, groupName: target.groupName, clusterName: target.clusterName });
  if (target.namespaceId) query.set('namespaceId', target.namespaceId);
  query.set('ip', target.ip);
  query.set('port', String(target.port));
  query.set('enabled', 'false');
  if (accessToken) query.set('accessToken', accessToken);
  return { method: 'PUT', url: `${server}/nacos/v1/ns/instance?${query}`, headers: {} };
}

/** The access token from a login answer, or why there is none. */
export function readLogin(answer: HttpAnswer): { token: string } | { error: string } {
  if (answer.status !== 200) return { error: `login answered ${answer.status}` };
  try {
    const token = (JSON.parse(answer.body) as { accessToken?: unknown }).accessToken;
    if (typeof token === 'string' && token !== '') return { token };
  } catch {
    // falls through: not JSON
  }
  return { error: 'login answered 200 without an accessToken' };
}

/** Nacos v1 answers "ok"; v2 answers {"code":0,"message":"success","data":"ok"}. */
export function deregistered(answer: HttpAnswer): boolean {
  if (answer.status < 200 || answer.status > 299) return false;
  const body = answer.body.trim();
  if (body === 'ok') return true;
  try {
    return (JSON.parse(body) as { code?: unknown }).code === 0;
  } catch {
    return false;
  }
}

/** For logs and --print-plan: what will be disabled, without secrets. */
export function describeTarget(target: NacosTarget): string {
  return `${target.serviceName} ${target.ip}:${target.port} (group ${target.groupName}, cluster ${target.clusterName}` +
    `${target.namespaceId ? `, namespace ${target.namespaceId}` : ''}) on ${target.servers.join(', ')}` +
    `${target.credentials ? ` as ${target.credentials.username}` : ''}`;
}
