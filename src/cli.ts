// argv + GRACEINIT_* environment -> raw option values, each remembering where it came from (so an
// error can name the flag or the variable). A flag beats the environment; a repeatable flag replaces
// its variable's list. No validation of values here: that is options.ts.
import { Command, CommanderError, Option } from 'commander';
import { OPTION_SPECS, envName, type OptionSpec } from './option-specs.js';

export interface RawValue {
  value: string | string[] | boolean;
  /** `--delay` or `GRACEINIT_DELAY`: named in error messages. */
  from: string;
  /** For repeatable flags: the position of each entry among all flags, so lists can be interleaved. */
  order?: number[];
}

export interface RawOptions {
  values: Map<string, RawValue>;
  command: string[];
}

export type CliResult =
  | { kind: 'run'; raw: RawOptions }
  | { kind: 'exit'; code: number; output: string };

export class UsageError extends Error {}

const BOOLEAN_WORDS: Record<string, boolean> = { '1': true, true: true, yes: true, '0': false, false: false, no: false };

export function parseBoolean(text: string, from: string): boolean {
  const value = BOOLEAN_WORDS[text.trim().toLowerCase()];
  if (value === undefined) throw new UsageError(`${from}: expected 1/0, true/false or yes/no, got "${text}"`);
  return value;
}

export function buildProgram(version: string, specs: readonly OptionSpec[] = OPTION_SPECS): Command {
  const program = new Command('graceinit')
    .usage('[options] [--] <command> [args...]')
    .description('PID-1 init for containers: forwards signals, reaps zombies, and shuts the app down in order.\n' +
      'Every option can also be set as GRACEINIT_<OPTION> (e.g. GRACEINIT_DELAY=15); a flag wins.\n' +
      'Rehearse a shutdown under load and count lost requests: graceinit drill --help')
    .version(version, '-V, --version')
    .helpOption('-h, --help')
    .argument('[command...]', 'the program to run and its arguments')
    .passThroughOptions()
    .allowExcessArguments()
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
  for (const spec of specs) {
    const flags = spec.arg ? `${spec.flag} ${spec.arg}` : spec.flag;
    const option = new Option(flags, spec.help + (spec.defaultText ? ` (default: ${spec.defaultText})` : ''));
    program.addOption(option);
  }
  return program;
}

export function parseCli(argv: readonly string[], env: NodeJS.ProcessEnv, version: string,
  specs: readonly OptionSpec[] = OPTION_SPECS): CliResult {
  const program = buildProgram(version, specs);
  let output = '';
  program.configureOutput({ writeOut: (s) => { output += s; }, writeErr: () => {} });

  const values = new Map<string, RawValue>();
  let position = 0;
  for (const spec of specs) {
    if (!spec.repeatable) continue;
    // Repeatable flags collect in order; position is shared by all of them so lists interleave.
    program.on(`option:${spec.flag.slice(2)}`, (value: string) => {
      const current = values.get(spec.key);
      const list = current ? (current.value as string[]) : [];
      const order = current?.order ?? [];
      list.push(value);
      order.push(position++);
      values.set(spec.key, { value: list, from: spec.flag, order });
    });
  }

  try {
    program.parse([...argv], { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.exitCode === 0) return { kind: 'exit', code: 0, output };
      throw new UsageError(`${err.message.replace(/^error: /, '')} (see graceinit --help)`);
    }
    throw err;
  }

  const parsed = program.opts<Record<string, string | boolean | undefined>>();
  for (const spec of specs) {
    if (values.has(spec.key)) continue;
    const fromFlag = parsed[spec.key];
    if (fromFlag !== undefined && !spec.repeatable) {
      values.set(spec.key, { value: fromFlag, from: spec.flag });
      continue;
    }
    const name = envName(spec);
    const fromEnv = env[name];
    if (fromEnv === undefined || fromEnv === '') continue;
    if (spec.repeatable) {
      // One entry per line, as a YAML block scalar writes it in a manifest.
      const list = fromEnv.split('\n').map((line) => line.trim()).filter((line) => line !== '');
      values.set(spec.key, { value: list, from: name });
    } else if (!spec.arg) {
      values.set(spec.key, { value: parseBoolean(fromEnv, name), from: name });
    } else {
      values.set(spec.key, { value: fromEnv, from: name });
    }
  }
  return { kind: 'run', raw: { values, command: program.args } };
}
