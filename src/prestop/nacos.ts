// The --nacos-deregister pre-stop: log in when credentials are set, then disable this instance. Both
// requests share one --pre-stop-timeout; tries go round the servers of NACOS_SERVER_ADDR.
import type { Logger } from '../log.js';
import { deregisterCall, deregistered, describeTarget, loginCall, readLogin, type NacosTarget } from '../nacos.js';
import type { PreStopRun } from '../shutdown.js';
import { defaultVerdict, excerpt, logOutcome, withTries } from './http.js';

export interface NacosPreStopContext {
  label: string;
  target: NacosTarget;
  timeoutMs: number;
  log: Logger;
}

export function runNacosPreStop(ctx: NacosPreStopContext): PreStopRun {
  const { label, target, log } = ctx;
  const abort = new AbortController();
  const started = performance.now();
  const deadline = started + ctx.timeoutMs;
  const server = (attempt: number): string => target.servers[(attempt - 1) % target.servers.length]!;
  log.info('pre-stop-start', `${label} started: Nacos deregistration of ${describeTarget(target)}`);

  const done = (async () => {
    let token: string | undefined;
    if (target.credentials) {
      const credentials = target.credentials;
      const login = await withTries({
        label: `${label} (login)`, log, deadline, signal: abort.signal,
        call: (attempt) => loginCall(server(attempt), credentials),
        verdict: (answer) => {
          const read = readLogin(answer);
          if ('token' in read) return { ok: true };
          return answer.status === 200 ? { ok: false, why: read.error, retry: false } : defaultVerdict(answer, undefined);
        },
      });
      if (!login.ok) {
        logOutcome(ctx, 'Nacos login', login, abort.signal.aborted, performance.now() - started);
        return;
      }
      token = (readLogin(login.answer) as { token: string }).token;
      log.addSecret(token);
    }
    const result = await withTries({
      label, log, deadline, signal: abort.signal,
      call: (attempt) => deregisterCall(server(attempt), target, token),
      verdict: (answer) => deregistered(answer) ? { ok: true }
        : answer.status >= 200 && answer.status <= 299
          ? { ok: false, why: `answered ${answer.status} but neither "ok" nor a v2 success: ${excerpt(answer.body)}`, retry: false }
          : defaultVerdict(answer, undefined),
    });
    logOutcome(ctx, `Nacos PUT /nacos/v1/ns/instance (${target.serviceName} ${target.ip}:${target.port} enabled=false)`,
      result, abort.signal.aborted, performance.now() - started);
  })().catch((err: unknown) => log.error('pre-stop-error', `${label} Nacos deregistration failed: ${(err as Error).message}`));
  return { done, cancel: () => abort.abort() };
}
