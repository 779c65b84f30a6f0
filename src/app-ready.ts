// Is the app itself ready? --ready-url (a 2xx answer) and --ready-tcp (a connection accepted), checked
// afresh on each /readyz probe with a short timeout, so /readyz never says "ready" for an app that
// stopped answering. Concurrent probes share the check in flight: a burst of probes costs the app one
// request, not one each.
import * as http from 'node:http';
import * as https from 'node:https';
import { connect } from 'node:net';
import type { HostPort } from './readiness-options.js';

/** Resolves undefined when ready, or why not. Never rejects. */
export type ReadyCheck = () => Promise<string | undefined>;

/** Under the kubelet's default probe timeout (1 s), so /readyz answers before the kubelet gives up. */
export const READY_CHECK_TIMEOUT_MS = 800;

export function httpReadyCheck(url: string, timeoutMs = READY_CHECK_TIMEOUT_MS): ReadyCheck {
  const target = new URL(url);
  const get = target.protocol === 'https:' ? https.get : http.get;
  return () => new Promise((resolve) => {
    // Certificates are not verified, as the kubelet does not verify them for an HTTPS probe.
    const request = get(target, { agent: false, timeout: timeoutMs, rejectUnauthorized: false, headers: { 'user-agent': 'graceinit-readyz' } },
      (response) => {
        response.resume(); // the body does not matter
        const status = response.statusCode ?? 0;
        resolve(status >= 200 && status <= 299 ? undefined : `${url} answered ${status}`);
        response.destroy();
      });
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs}ms`)));
    request.on('error', (err: NodeJS.ErrnoException) => resolve(`${url}: ${err.code === 'ECONNREFUSED' ? 'connection refused' : err.message}`));
  });
}

export function tcpReadyCheck(target: HostPort, timeoutMs = READY_CHECK_TIMEOUT_MS): ReadyCheck {
  const where = `${target.host.includes(':') ? `[${target.host}]` : target.host}:${target.port}`;
  return () => new Promise((resolve) => {
    const socket = connect({ host: target.host, port: target.port, timeout: timeoutMs });
    socket.once('connect', () => {
      socket.destroy();
      resolve(undefined);
    });
    socket.once('timeout', () => socket.destroy(new Error(`no connection within ${timeoutMs}ms`)));
    socket.once('error', (err: NodeJS.ErrnoException) => resolve(`${where}: ${err.code === 'ECONNREFUSED' ? 'connection refused' : err.message}`));
  });
}

/** Ready when every check is (run side by side); otherwise the first reason. */
export function allReady(checks: readonly ReadyCheck[]): ReadyCheck {
  return async () => (await Promise.all(checks.map((c) => c()))).find((why) => why !== undefined);
}

/** Callers that arrive while a check runs get its result instead of starting another. */
export function sharedCheck(check: ReadyCheck): ReadyCheck {
  let running: Promise<string | undefined> | undefined;
  return () => {
    running ??= check().finally(() => { running = undefined; });
    return running;
  };
}

/** The app's readiness as --ready-url and --ready-tcp define it; undefined when neither is set. */
export function appReadyCheck(options: { readyUrl: string | undefined; readyTcp: HostPort | undefined }): ReadyCheck | undefined {
  const checks: ReadyCheck[] = [];
  if (options.readyUrl) checks.push(httpReadyCheck(options.readyUrl));
  if (options.readyTcp) checks.push(tcpReadyCheck(options.readyTcp));
  return checks.length === 0 ? undefined : sharedCheck(allReady(checks));
}
