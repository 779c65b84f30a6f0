// --print-plan: the resolved timeline on stdout, then a note for anything that would stop graceinit
// from starting here (an unset ${NAME}, missing NACOS_* variables). Pure. Templates are shown as
// written: the plan is usually checked on a laptop, whose IP and host name are not the pod's.
import { UsageError } from './cli.js';
import type { Options } from './options.js';
import { buildPlan, renderPlan } from './plan.js';
import type { PodVariables } from './pod.js';
import { resolvePreStops } from './prestop/resolve.js';
import { redact } from './redact.js';

export function printPlanText(options: Options, env: NodeJS.ProcessEnv, pod: PodVariables): string {
  let text = renderPlan(buildPlan(options));
  for (const step of options.preStops) {
    try {
      resolvePreStops([step], env, pod);
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      text += `note: with this environment graceinit would not start: ${err.message}\n`;
    }
  }
  if (options.command.length > 0) text += `command: ${options.command.join(' ')}\n`;
  return redact(text);
}
