// The command-line contract in one table: flags, their GRACEINIT_* variables, defaults and help.
// cli.ts builds commander from it; options.ts validates what it produced. Pure data.

export interface OptionSpec {
  /** Key in RawOptions and Options, camelCase of the flag. */
  key: string;
  flag: string;
  /** Placeholder for the value; absent for booleans. */
  arg?: string;
  repeatable?: boolean;
  /** Shown in --help; the real default is applied in options.ts. */
  defaultText?: string;
  help: string;
  /** The environment variable, when not GRACEINIT_<FLAG> (the drill's own options). */
  env?: string;
}

export const OPTION_SPECS: readonly OptionSpec[] = [
  { key: 'preStop', flag: '--pre-stop', arg: '<command>', repeatable: true,
    help: 'shell command run (/bin/sh -c) when shutdown starts, in order; repeatable' },
  { key: 'preStopTimeout', flag: '--pre-stop-timeout', arg: '<duration>', defaultText: '10s',
    help: 'bound for each pre-stop action; on timeout its process group gets SIGKILL' },
  { key: 'delay', flag: '--delay', arg: '<duration>', defaultText: '0',
    help: 'wait after the pre-stop actions, while the app keeps serving, before the stop signal' },
  { key: 'stopSignal', flag: '--stop-signal', arg: '<signal>', defaultText: 'TERM',
    help: 'signal that asks the app to stop (QUIT for nginx, TERM for most)' },
  { key: 'timeout', flag: '--timeout', arg: '<duration>',
    defaultText: 'what remains of --grace-period less 2s',
    help: 'how long the app may take to exit after the stop signal before its group gets SIGKILL' },
  { key: 'gracePeriod', flag: '--grace-period', arg: '<duration>', defaultText: '30s',
    help: 'the whole budget from the first SIGTERM (terminationGracePeriodSeconds)' },
  { key: 'forwardTo', flag: '--forward-to', arg: '<group|child>', defaultText: 'group',
    help: 'send forwarded signals to the child\'s whole process group, or to the child alone' },
  { key: 'rewrite', flag: '--rewrite', arg: '<FROM:TO>', repeatable: true,
    help: 'forward signal FROM as TO (TO=0 drops it); repeatable' },
  { key: 'exitCodeMap', flag: '--exit-code-map', arg: '<FROM:TO>', repeatable: true,
    help: 'rewrite graceinit\'s exit code FROM to TO (143:0 for the JVM); repeatable' },
  { key: 'logLevel', flag: '--log-level', arg: '<level>', defaultText: 'info',
    help: 'error, warn, info or debug' },
  { key: 'logFormat', flag: '--log-format', arg: '<format>', defaultText: 'text',
    help: 'text or json (one JSON object per line)' },
];

/** `--pre-stop-timeout` -> `GRACEINIT_PRE_STOP_TIMEOUT`. */
export function envName(spec: OptionSpec): string {
  return spec.env ?? 'GRACEINIT_' + spec.flag.replace(/^--/, '').replace(/-/g, '_').toUpperCase();
}
