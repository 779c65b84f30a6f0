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
  { key: 'preStopHttp', flag: '--pre-stop-http', arg: '<"METHOD URL">', repeatable: true,
    help: 'HTTP request run when shutdown starts, in one ordered list with --pre-stop; ${NAME} expands ' +
      'from the environment and GRACEINIT_POD_IP/HOSTNAME/APP_NAME; repeatable' },
  { key: 'preStopHttpExpect', flag: '--pre-stop-http-expect', arg: '<text>', defaultText: 'any 2xx',
    help: 'the body of every --pre-stop-http answer must contain this (e.g. ok for Nacos v1)' },
  { key: 'preStopHttpHeader', flag: '--pre-stop-http-header', arg: '<"Name: value">', repeatable: true,
    help: 'header sent with every --pre-stop-http request (${NAME} expands); repeatable' },
  { key: 'nacosDeregister', flag: '--nacos-deregister',
    help: 'first pre-stop: disable this instance in Nacos (NACOS_SERVER_ADDR, NACOS_SERVICE_PORT or SERVER_PORT, ...)' },
  { key: 'healthPort', flag: '--health-port', arg: '<port>',
    help: 'serve GET /livez and /readyz on this port (/readyz is 503 from the first SIGTERM on)' },
  { key: 'healthHost', flag: '--health-host', arg: '<address>', defaultText: '0.0.0.0',
    help: 'address the health endpoint listens on' },
  { key: 'readyUrl', flag: '--ready-url', arg: '<url>',
    help: 'the app is ready when this URL answers 2xx (checked on each /readyz probe)' },
  { key: 'readyTcp', flag: '--ready-tcp', arg: '<host:port>',
    help: 'the app is ready when this address accepts connections (checked on each /readyz probe)' },
  { key: 'printPlan', flag: '--print-plan',
    help: 'print the shutdown timeline for these options and exit 0 without starting anything' },
  { key: 'logLevel', flag: '--log-level', arg: '<level>', defaultText: 'info',
    help: 'error, warn, info or debug' },
  { key: 'logFormat', flag: '--log-format', arg: '<format>', defaultText: 'text',
    help: 'text or json (one JSON object per line)' },
];

/** `--pre-stop-timeout` -> `GRACEINIT_PRE_STOP_TIMEOUT`. */
export function envName(spec: OptionSpec): string {
  return spec.env ?? 'GRACEINIT_' + spec.flag.replace(/^--/, '').replace(/-/g, '_').toUpperCase();
}
