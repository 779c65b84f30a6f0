// `graceinit drill [drill options] [graceinit options] -- <command> [args...]`: parse and validate
// everything (bad input is exit 2 before anything starts), run the drill (twice with --compare), print
// the report, write the HTML page. Exit 0 when no request failed and the app exited by itself, else 1.
import { writeFileSync } from 'node:fs';
import { UsageError, buildProgram, parseCli } from '../cli.js';
import { EXIT_USAGE } from '../exit-code.js';
import { OPTION_SPECS } from '../option-specs.js';
import { validateOptions } from '../options.js';
import { renderHtml } from './html.js';
import { DRILL_SPECS, childEnv, planRuns, validateDrillOptions } from './options.js';
import { buildReport, formatJson, formatText, type RunResult } from './report.js';
import { DrillError, runOnce } from './run.js';
import { computeStats } from './stats.js';

/** The drill itself failed (a bug): distinct from a failed verdict (1) and bad input (2). */
const EXIT_INTERNAL = 70;

export function drillHelp(version: string): string {
  const program = buildProgram(version, [...DRILL_SPECS, ...OPTION_SPECS])
    .name('graceinit drill')
    .usage('[drill options] [graceinit options] -- <command> [args...]')
    .description('Rehearse a Kubernetes termination: start <command> under graceinit, load it, send SIGTERM, ' +
      'keep loading for --lag (load balancers are slow to notice), and report every request lost.\n\n' +
      'Exit code: 0 when no request failed and the app exited by itself, 1 otherwise, 2 for bad input.\n\n' +
      'Drill options also come from GRACEINIT_DRILL_<OPTION>, graceinit\'s from GRACEINIT_<OPTION>.');
  return program.helpInformation();
}

export async function runDrill(argv: readonly string[], env: NodeJS.ProcessEnv, version: string): Promise<number> {
  const split = argv.indexOf('--');
  const ours = split === -1 ? argv : argv.slice(0, split);
  if (ours.includes('-h') || ours.includes('--help')) {
    process.stdout.write(drillHelp(version));
    return 0;
  }
  let plan;
  try {
    const cli = parseCli(argv, env, version, [...DRILL_SPECS, ...OPTION_SPECS]);
    if (cli.kind === 'exit') {
      process.stdout.write(cli.output);
      return cli.code;
    }
    validateOptions(cli.raw); // errors name the flag or variable the user wrote
    const drill = validateDrillOptions(cli.raw, env);
    plan = { drill, runs: planRuns(cli.raw, drill) };
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`graceinit drill: ${err.message.replace('(see graceinit --help)', '(see graceinit drill --help)')}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }

  process.on('uncaughtException', (err) => {
    // signal-exit's hook (cleanup.ts) kills what the drill started as the process exits.
    process.stderr.write(`graceinit drill: internal error: ${err.stack ?? err.message}\n`);
    process.exit(EXIT_INTERNAL);
  });

  const say = (line: string): void => { process.stderr.write(line + '\n'); };
  const results: RunResult[] = [];
  try {
    for (const run of plan.runs) {
      const { data, isolation } = await runOnce(run, plan.drill, { env: childEnv(env), say });
      results.push({
        name: run.name, title: run.title, graceinitArgs: run.graceinitArgs, isolation,
        target: plan.drill.target.href, keepalive: plan.drill.keepalive,
        warmupMs: plan.drill.warmupMs, lagMs: plan.drill.lagMs, stats: computeStats(data),
      });
    }
  } catch (err) {
    if (err instanceof DrillError) {
      process.stderr.write(`graceinit drill: ${err.message}\n`);
      return 1;
    }
    throw err;
  }

  const report = buildReport(results);
  process.stdout.write(plan.drill.json ? formatJson(report) : '\n' + formatText(report));
  if (plan.drill.reportFile) {
    writeFileSync(plan.drill.reportFile, renderHtml(report, new Date().toISOString()));
    say(`drill: wrote ${plan.drill.reportFile}`);
  }
  return report.exitCode;
}
