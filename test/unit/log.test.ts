// Log lines: one per event, phase and elapsed time, JSON when asked, secrets never printed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { Logger } from '../../src/log.js';
import { redact } from '../../src/redact.js';

describe('redact', () => {
  test('passwords in URLs, token-like query values, auth headers, bearer tokens', () => {
    assert.equal(redact('PUT http://nacos:s3cret@10.0.0.1:8848/x'), 'PUT http://nacos:***@10.0.0.1:8848/x');
    assert.equal(redact('/v1/ns/instance?ip=1.2.3.4&accessToken=abc.def&x=1'), '/v1/ns/instance?ip=1.2.3.4&accessToken=***&x=1');
    assert.equal(redact('?password=hunter2&user=a'), '?password=***&user=a');
    assert.equal(redact('Authorization: Basic dXNlcjpwYXNz'), 'Authorization: ***');
    assert.equal(redact('X-Consul-Token: abc Bearer eyJhbGciOi'), 'X-Consul-Token: abc Bearer ***');
    assert.equal(redact('{"accessToken":"eyJ0","tokenTtl":18000}'), '{"accessToken":"***","tokenTtl":18000}');
  });
  test('known secret values anywhere', () => {
    assert.equal(redact('body contains topsecretvalue here', ['topsecretvalue']), 'body contains *** here');
  });
});

describe('logger', () => {
  test('text: phase, elapsed since shutdown, level tag for non-info, one line', () => {
    const lines: string[] = [];
    const log = new Logger('info', 'text', (l) => lines.push(l));
    log.info('x', 'before');
    log.setContext({ phase: () => 'delaying', elapsed: () => 1502.4 });
    log.warn('y', 'two\nlines');
    log.debug('z', 'hidden at info');
    assert.deepEqual(lines, ['graceinit[starting] before\n', 'graceinit[delaying +1.502s] warn: two lines\n']);
  });
  test('json: one object per line with phase, elapsed_ms, event and fields; secrets masked', () => {
    const lines: string[] = [];
    const log = new Logger('debug', 'json', (l) => lines.push(l));
    log.addSecret('p4ssw0rd');
    log.setContext({ phase: () => 'stopping', elapsed: () => 20 });
    log.info('pre-stop-exit', 'login with p4ssw0rd', { code: 0 });
    const entry = JSON.parse(lines[0]!) as Record<string, unknown>;
    assert.equal(entry.phase, 'stopping');
    assert.equal(entry.elapsed_ms, 20);
    assert.equal(entry.event, 'pre-stop-exit');
    assert.equal(entry.code, 0);
    assert.equal(entry.msg, 'login with ***');
  });
});
