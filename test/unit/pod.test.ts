// Derived pod variables: the pod suffixes Kubernetes generates are removed, hand-picked names stay.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { appNameFromHostname, firstExternalIPv4, podEnv, podVariables, type Interfaces } from '../../src/pod.js';

const interfaces: Interfaces = {
  lo: [{ address: '127.0.0.1', family: 'IPv4', internal: true }, { address: '::1', family: 'IPv6', internal: true }],
  eth0: [{ address: 'fd00::5', family: 'IPv6', internal: false }, { address: '10.244.1.17', family: 'IPv4', internal: false }],
  eth1: [{ address: '10.0.0.9', family: 'IPv4', internal: false }],
};

describe('appNameFromHostname', () => {
  for (const [hostname, app] of [
    ['jdd-parking-cloud-admin-5456f59db7-hcdd7', 'jdd-parking-cloud-admin'], // Deployment
    ['web-7c5ddbdf54-x2b9q', 'web'], // Deployment, 10-char hash
    ['api-7fb96c846b-4vq2z', 'api'],
    ['web-0', 'web'], // StatefulSet
    ['kafka-broker-12', 'kafka-broker'],
    ['backup-x7k2p', 'backup'], // Job
    ['node-exporter-8jvtl', 'node-exporter'], // DaemonSet
    ['payment-proxy', 'payment-proxy'], // "proxy" has vowels: not a generated suffix
    ['cache-redis', 'cache-redis'],
    ['myhost', 'myhost'],
    ['web-01', 'web-01'], // not an ordinal
    ['app-abcde', 'app-abcde'], // vowels: not generated
  ] as const) {
    it(`${hostname} -> ${app}`, () => assert.equal(appNameFromHostname(hostname), app));
  }
});

describe('podVariables', () => {
  it('derives everything from the interfaces and the host name', () => {
    assert.deepEqual(podVariables({}, interfaces, 'orders-6d9f8b7c5d-k2l4m'), {
      GRACEINIT_POD_IP: '10.244.1.17',
      GRACEINIT_HOSTNAME: 'orders-6d9f8b7c5d-k2l4m',
      GRACEINIT_APP_NAME: 'orders',
    });
  });

  it('prefers POD_IP, then PODIP, HOSTNAME and APP_NAME from the environment', () => {
    assert.equal(podVariables({ POD_IP: '1.2.3.4', PODIP: '5.6.7.8' }, interfaces, 'h').GRACEINIT_POD_IP, '1.2.3.4');
    assert.equal(podVariables({ PODIP: '5.6.7.8' }, interfaces, 'h').GRACEINIT_POD_IP, '5.6.7.8');
    const vars = podVariables({ HOSTNAME: 'web-3' }, interfaces, 'system-name');
    assert.equal(vars.GRACEINIT_HOSTNAME, 'web-3');
    assert.equal(vars.GRACEINIT_APP_NAME, 'web');
    assert.equal(podVariables({ HOSTNAME: 'web-3', APP_NAME: 'shop' }, interfaces, 'x').GRACEINIT_APP_NAME, 'shop');
  });

  it('leaves the pod IP unset when there is no non-internal IPv4 address', () => {
    assert.equal(firstExternalIPv4({ lo: interfaces.lo, eth0: [{ address: 'fd00::5', family: 'IPv6', internal: false }] }), undefined);
    const vars = podVariables({}, { lo: interfaces.lo }, 'h');
    assert.equal(vars.GRACEINIT_POD_IP, undefined);
    assert.deepEqual(podEnv(vars), { GRACEINIT_HOSTNAME: 'h', GRACEINIT_APP_NAME: 'h' });
  });

  it('accepts the numeric family of older Node versions', () => {
    assert.equal(firstExternalIPv4({ eth0: [{ address: '10.1.1.1', family: 4, internal: false }] }), '10.1.1.1');
  });
});
