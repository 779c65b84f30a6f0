// The pod's identity as pre-stop actions need it: its IP, its host name and the app's name, derived
// from what a container sees (environment, network interfaces, host name). Pure: the caller passes
// os.networkInterfaces() and os.hostname() in.

export interface PodVariables {
  /** Undefined when neither POD_IP/PODIP nor a non-internal IPv4 address exists. */
  GRACEINIT_POD_IP: string | undefined;
  GRACEINIT_HOSTNAME: string;
  GRACEINIT_APP_NAME: string;
}

/** The shape of os.networkInterfaces(), reduced to what is read. */
export type Interfaces = Record<string, ReadonlyArray<{ address: string; family: string | number; internal: boolean }> | undefined>;

// Kubernetes names generated suffixes with this alphabet (no vowels, no 0/1/3, so no words appear).
// Matching only it keeps a hand-picked name such as "payment-proxy" or "cache-redis" whole.
const K = '[bcdfghjklmnpqrstvwxz2456789]';
const SUFFIXES: ReadonlyArray<[kind: string, pattern: RegExp]> = [
  // Deployment: <deployment>-<pod-template-hash>-<random 5>
  ['Deployment', new RegExp(`^(.+)-${K}{6,10}-${K}{5}$`)],
  // StatefulSet: <statefulset>-<ordinal>
  ['StatefulSet', /^(.+)-(?:0|[1-9]\d*)$/],
  // Job, DaemonSet (and a bare ReplicaSet): <name>-<random 5>
  ['Job/DaemonSet', new RegExp(`^(.+)-${K}{5}$`)],
];

/** `jdd-parking-cloud-admin-5456f59db7-hcdd7` -> `jdd-parking-cloud-admin`; a name matching no pod suffix stays. */
export function appNameFromHostname(hostname: string): string {
  for (const [, pattern] of SUFFIXES) {
    const match = pattern.exec(hostname);
    if (match) return match[1]!;
  }
  return hostname;
}

export function firstExternalIPv4(interfaces: Interfaces): string | undefined {
  for (const name of Object.keys(interfaces)) {
    for (const address of interfaces[name] ?? []) {
      // Node 18.0-18.3 reported family as a number; accept both.
      if (!address.internal && (address.family === 'IPv4' || address.family === 4)) return address.address;
    }
  }
  return undefined;
}

export function podVariables(env: NodeJS.ProcessEnv, interfaces: Interfaces, systemHostname: string): PodVariables {
  const hostname = env.HOSTNAME || systemHostname;
  return {
    GRACEINIT_POD_IP: env.POD_IP || env.PODIP || firstExternalIPv4(interfaces),
    GRACEINIT_HOSTNAME: hostname,
    GRACEINIT_APP_NAME: env.APP_NAME || appNameFromHostname(hostname),
  };
}

/** Why a derived variable has no value, for the start-up error that names it. */
export const POD_IP_MISSING = 'no POD_IP or PODIP in the environment and no non-internal IPv4 address: ' +
  'set POD_IP (in Kubernetes: env POD_IP from fieldRef status.podIP)';

/** The pod variables as environment entries (unset ones left out). */
export function podEnv(vars: PodVariables): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(vars)) if (value !== undefined) out[name] = value;
  return out;
}
