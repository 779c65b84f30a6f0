// graceinit's entry: parse and validate options -> supervise the child -> exit with its code.
import { releaseSignals } from './early-signals.js'; // first: listeners for every signal before anything else loads
import { hostname, networkInterfaces } from 'node:os';
import { parseCli, UsageError } from './cli.js';
import { EXIT_USAGE } from './exit-code.js';
import { Logger } from './log.js';
import { loadNative } from './native/index.js';
import { validateOptions, type Options } from './options.js';
import { buildPlan } from './plan.js';
import { podEnv, podVariables } from './pod.js';
import { resolvePreStops, secretValues } from './prestop/resolve.js';
import { printPlanText } from './print-plan.js';
import { Reaper } from './reaper.js';
import { resourceReportInterval, startResourceReport } from './resource-report.js';
import { Supervisor } from './supervisor.js';

/** graceinit's own failure (an uncaught error): distinct from any code the app is likely to use. */
export const EXIT_INTERNAL = 70;

export function version(): string {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('../../package.json') as { version: string }).version;
}

function usageError(message: string): never {
  process.stderr.write(`graceinit: ${message}\n`);
  process.exit(EXIT_USAGE);
}

export function configure(argv: readonly string[], env: NodeJS.ProcessEnv): Options {
  const cli = startupStep(() => parseCli(argv, env, version()));
  if (cli.kind === 'exit') {
    process.stdout.write(cli.output);
    process.exit(cli.code);
  }
  return startupStep(() => validateOptions(cli.raw));
}

/** A start-up step whose UsageError means exit 2, nothing started. */
function startupStep<T>(step: () => T): T {
  try {
    return step();
  } catch (err) {
    if (err instanceof UsageError) usageError(err.message);
    throw err;
  }
}

export async function main(argv: readonly string[]): Promise<void> {
  // A subcommand only as the very first argument (`graceinit -- drill` runs a program called drill);
  // loaded on demand so the PID-1 path never pays for it.
  if (argv[0] === 'drill') {
    releaseSignals();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const drill = require('./drill/cli.js') as typeof import('./drill/cli.js');
    process.exit(await drill.runDrill(argv.slice(1), process.env, version()));
  }
  const configured = configure(argv, process.env);
  const pod = podVariables(process.env, networkInterfaces(), hostname());
  if (configured.printPlan) {
    process.stdout.write(printPlanText(configured, process.env, pod));
    process.exit(0);
  }
  const options = { ...configured, preStops: startupStep(() => resolvePreStops(configured.preStops, process.env, pod)) };
  const resourcesEveryMs = startupStep(() => resourceReportInterval(process.env));
  const log = new Logger(options.logLevel, options.logFormat);
  for (const secret of secretValues(options.preStops)) log.addSecret(secret);
  for (const warning of buildPlan(options).warnings) log.warn('plan-overrun', warning);

  const native = loadNative();
  const reaper = new Reaper(native.api);
  if (!native.api) {
    log.warn('no-reaper', `the native addon is not available, orphans will not be reaped: ${native.detail}`);
  } else {
    log.debug('native', `reaper addon loaded from ${native.detail}`);
    // Not PID 1 (a local run, or docker run without --init): become the reaper of our descendants.
    if (process.pid !== 1) reaper.becomeSubreaper();
  }

  // Pre-stop commands see the pod variables; the app's environment stays what it was given.
  const supervisor = new Supervisor({ options, log, reaper, env: { ...process.env, ...podEnv(pod) }, native: native.api });
  process.on('uncaughtException', (err) => {
    log.error('internal-error', `graceinit failed: ${err.stack ?? err.message}; killing the child's process group`);
    supervisor.killEverything();
    process.exit(EXIT_INTERNAL);
  });
  if (options.health) {
    // Loaded only when asked for: node:http is a noticeable part of start-up (docs/benchmarks.md).
    /* eslint-disable @typescript-eslint/no-require-imports */
    const { listenErrorText, startHealthServer } = require('./health.js') as typeof import('./health.js');
    const { appReadyCheck } = require('./app-ready.js') as typeof import('./app-ready.js');
    /* eslint-enable @typescript-eslint/no-require-imports */
    // Listening first: a port that is taken is a start-up error, with nothing started.
    const where = options.health;
    await startHealthServer(where, supervisor, appReadyCheck(options), log).catch((err: NodeJS.ErrnoException) => {
      log.error('health-listen-failed', listenErrorText(err, where));
      process.exit(EXIT_USAGE);
    });
  }
  injectTestFault(process.env.GRACEINIT_TEST_FAULT);
  startResourceReport(resourcesEveryMs, log);
  await holdStartForTest(process.env.GRACEINIT_TEST_FAULT, log);
  const code = await supervisor.start();
  process.exit(code);
}

/** Test-only fault switch (documented in the README): inert unless GRACEINIT_TEST_FAULT is set. */
function injectTestFault(fault: string | undefined): void {
  if (fault === 'throw-after-start') {
    setTimeout(() => { throw new Error('injected fault (GRACEINIT_TEST_FAULT=throw-after-start)'); }, 300);
  }
}

/** Test-only, inert unless set: `slow-start[:<ms>]` (default 1000) holds the child's start, so a test can
 * send TERM in the window where graceinit runs but the child does not (signals queue meanwhile). */
async function holdStartForTest(fault: string | undefined, log: Logger): Promise<void> {
  const match = /^slow-start(?::(\d+))?$/.exec(fault ?? '');
  if (!match) return;
  const ms = Number(match[1] ?? 1000);
  log.info('test-fault', `GRACEINIT_TEST_FAULT=${fault}: holding the child's start for ${ms}ms`);
  await new Promise((resolve) => setTimeout(resolve, ms));
}
