// --nacos-deregister: the instance read from NACOS_* variables, the requests, the answers accepted.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deregisterCall, deregistered, loginCall, nacosTarget, readLogin, serverBase } from '../../src/nacos.js';

const pod = { GRACEINIT_POD_IP: '10.244.0.7', GRACEINIT_APP_NAME: 'jdd-parking-cloud-admin' };

describe('nacosTarget', () => {
  it('defaults: DEFAULT_GROUP, DEFAULT cluster, the app name, SERVER_PORT', () => {
    assert.deepEqual(nacosTarget({ ...pod, NACOS_SERVER_ADDR: 'nacos-0.nacos:8848, nacos-1.nacos', SERVER_PORT: '8080' }), {
      servers: ['http://nacos-0.nacos:8848', 'http://nacos-1.nacos:8848'],
      serviceName: 'jdd-parking-cloud-admin', groupName: 'DEFAULT_GROUP', clusterName: 'DEFAULT',
      namespaceId: undefined, ip: '10.244.0.7', port: 8080, credentials: undefined,
    });
  });

  it('every NACOS_* variable is read', () => {
    const t = nacosTarget({ ...pod, NACOS_SERVER_ADDR: 'https://nacos.example:443/', NACOS_NAMESPACE: 'prod', NACOS_GROUP: 'G',
      NACOS_CLUSTER: 'SH', NACOS_SERVICE_NAME: 'parking', NACOS_SERVICE_PORT: '9000', SERVER_PORT: '8080',
      NACOS_USERNAME: 'nacos', NACOS_PASSWORD: 'pw' });
    assert.deepEqual(t.servers, ['https://nacos.example']);
    assert.deepEqual([t.namespaceId, t.groupName, t.clusterName, t.serviceName, t.port], ['prod', 'G', 'SH', 'parking', 9000]);
    assert.deepEqual(t.credentials, { username: 'nacos', password: 'pw' });
  });

  it('names every missing variable in one error', () => {
    assert.throws(() => nacosTarget({ GRACEINIT_APP_NAME: 'a' }),
      /^Error: missing NACOS_SERVER_ADDR, NACOS_SERVICE_PORT \(or SERVER_PORT\), POD_IP .* in the environment$/);
    assert.throws(() => nacosTarget({ ...pod, NACOS_SERVER_ADDR: 'n', SERVER_PORT: '1', NACOS_USERNAME: 'u' }), /missing NACOS_PASSWORD/);
    assert.throws(() => nacosTarget({ ...pod, NACOS_SERVER_ADDR: 'n', NACOS_SERVICE_PORT: 'http' }), /NACOS_SERVICE_PORT: invalid port "http"/);
  });

  it('server addresses: host, host:port, with scheme', () => {
    assert.equal(serverBase('nacos'), 'http://nacos:8848');
    assert.equal(serverBase('10.0.0.1:18848'), 'http://10.0.0.1:18848');
    assert.equal(serverBase('http://nacos'), 'http://nacos');
  });
});

describe('Nacos requests and answers', () => {
  const target = nacosTarget({ ...pod, NACOS_SERVER_ADDR: 'nacos:8848', SERVER_PORT: '8080', NACOS_NAMESPACE: 'dev ns' });

  it('disables the instance with PUT, the token last', () => {
    const call = deregisterCall('http://nacos:8848', target, 'tok');
    assert.equal(call.method, 'PUT');
    assert.equal(call.url, 'http://nacos:8848/nacos/v1/ns/instance?serviceName=jdd-parking-cloud-admin&groupName=DEFAULT_GROUP' +
      '&clusterName=DEFAULT&namespaceId=dev+ns&ip=10.244.0.7&port=8080&enabled=false&accessToken=tok');
    assert.ok(!deregisterCall('http://nacos:8848', target, undefined).url.includes('accessToken'));
  });

  it('logs in with a form body, never the query', () => {
    const call = loginCall('http://nacos:8848', { username: 'nacos', password: 'p&w' });
    assert.equal(call.url, 'http://nacos:8848/nacos/v1/auth/login');
    assert.equal(call.body, 'username=nacos&password=p%26w');
  });

  it('accepts v1 "ok" and the v2 JSON success, nothing else', () => {
    assert.equal(deregistered({ status: 200, body: 'ok' }), true);
    assert.equal(deregistered({ status: 200, body: '{"code":0,"message":"success","data":"ok"}' }), true);
    assert.equal(deregistered({ status: 200, body: '{"code":20004,"message":"instance not found"}' }), false);
    assert.equal(deregistered({ status: 500, body: 'ok' }), false);
    assert.equal(deregistered({ status: 200, body: 'caused: no ip' }), false);
  });

  it('reads the token from the login answer', () => {
    assert.deepEqual(readLogin({ status: 200, body: '{"accessToken":"abc","tokenTtl":18000,"globalAdmin":true}' }), { token: 'abc' });
    assert.deepEqual(readLogin({ status: 403, body: 'unknown user!' }), { error: 'login answered 403' });
    assert.ok('error' in readLogin({ status: 200, body: 'not json' }));
  });
});
