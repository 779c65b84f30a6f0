// Secrets are masked in every log line: known values and what looks like a credential.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redact } from '../../src/redact.js';

describe('redact', () => {
  it('masks accessToken= and password= in URLs, bodies and plain text', () => {
    assert.equal(redact('PUT http://n:8848/nacos/v1/ns/instance?ip=1.2.3.4&accessToken=eyJhbGc.x-y'),
      'PUT http://n:8848/nacos/v1/ns/instance?ip=1.2.3.4&accessToken=***');
    assert.equal(redact('username=nacos&password=s3cret'), 'username=nacos&password=***');
    assert.equal(redact('echo password=hunter2'), 'echo password=***');
  });

  it('masks token headers of registries and API keys', () => {
    assert.equal(redact('X-Consul-Token: 6f1c-22aa'), 'X-Consul-Token: ***');
    assert.equal(redact('x-api-key: abc123, next'), 'x-api-key: ***, next');
    assert.equal(redact('Authorization: Bearer abc.def'), 'Authorization: ***');
  });

  it('masks accessToken in a JSON body (a Nacos login answer)', () => {
    assert.equal(redact('{"accessToken":"eyJ0eXAi.abc","tokenTtl":18000}'), '{"accessToken":"***","tokenTtl":18000}');
  });

  it('masks known secret values wherever they appear, but not short ones', () => {
    assert.equal(redact('body says tok-123456 twice tok-123456', ['tok-123456']), 'body says *** twice ***');
    assert.equal(redact('an abc', ['abc']), 'an abc');
  });

  it('keeps a JSON log line valid JSON while masking inside it', () => {
    const token = 'eyJhbGciOi.x-y_z';
    const line = JSON.stringify({ msg: `login answered 500: "{"accessToken":"${token}"}" for PUT /x?ip=1&accessToken=${token}`,
      pw: 'say "p\\w0rd!"' });
    const masked = redact(line, ['p\\w0rd!']);
    const parsed = JSON.parse(masked) as { msg: string; pw: string };
    assert.equal(parsed.msg, 'login answered 500: "{"accessToken":"***"}" for PUT /x?ip=1&accessToken=***');
    assert.equal(parsed.pw, 'say "***"');
    assert.ok(!masked.includes(token));
  });

  it('leaves ordinary text alone', () => {
    const line = 'pre-stop 1/1 PUT http://consul:8500/v1/agent/service/maintenance/web?enable=true answered 200';
    assert.equal(redact(line), line);
  });
});
