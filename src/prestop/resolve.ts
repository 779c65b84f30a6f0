// Start-up: the pre-stop list with every ${NAME} expanded and the Nacos target read from the
// environment, or a UsageError (exit 2, nothing started). Pure: the environment and the pod variables
// are passed in. Expanding once at start-up makes a typo fail the rollout's first pod, not its shutdown.
import { UsageError } from '../cli.js';
import { NacosConfigError, nacosTarget } from '../nacos.js';
import { POD_IP_MISSING, podEnv, type PodVariables } from '../pod.js';
import type { PreStopStep } from '../readiness-options.js';
import { TemplateError, expandText, expandUrl, type Vars } from '../template.js';

/** The environment templates and pre-stop commands see: graceinit's own plus the pod variables. */
export function templateVars(env: NodeJS.ProcessEnv, pod: PodVariables): Vars {
  return { ...env, ...podEnv(pod) };
}

export function resolvePreStops(steps: readonly PreStopStep[], env: NodeJS.ProcessEnv, pod: PodVariables): PreStopStep[] {
  const vars = templateVars(env, pod);
  const why: Record<string, string> = pod.GRACEINIT_POD_IP === undefined ? { GRACEINIT_POD_IP: POD_IP_MISSING } : {};
  return steps.map((step) => {
    switch (step.kind) {
      case 'command':
        return step;
      case 'http':
        try {
          return {
            ...step,
            url: expandUrl(step.url, vars, why),
            headers: step.headers.map((h) => ({ name: h.name, value: expandText(h.value, vars, why) })),
          };
        } catch (err) {
          if (err instanceof TemplateError) throw new UsageError(`--pre-stop-http "${step.method} ${step.url}": ${err.message}`);
          throw err;
        }
      case 'nacos':
        try {
          return { ...step, target: nacosTarget(vars) };
        } catch (err) {
          if (err instanceof NacosConfigError) throw new UsageError(`--nacos-deregister: ${err.message}`);
          throw err;
        }
    }
  });
}

/**
 * Values that must never reach a log line: credential headers (Authorization, X-Consul-Token, API
 * keys; the bare token of "Bearer <token>" too) and the Nacos password.
 */
export function secretValues(steps: readonly PreStopStep[]): string[] {
  return steps.flatMap((step) => {
    if (step.kind === 'nacos') return step.target?.credentials ? [step.target.credentials.password] : [];
    if (step.kind !== 'http') return [];
    return step.headers
      .filter((h) => /authorization|token|secret|key|password|cookie/i.test(h.name))
      .flatMap((h) => [h.value, h.value.split(/\s+/).pop()!]);
  });
}
