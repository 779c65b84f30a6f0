// ${NAME} templating: percent-encoded in path and query, as it is in host:port, unknown names refused.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TemplateError, expandText, expandUrl, parseTemplate, templateNames } from '../../src/template.js';

const vars = { NACOS: 'nacos.ns.svc:8848', APP: 'order service/v2', IP: '10.0.0.7', AMP: 'a&b=c', EMPTY: '', TOKEN: 'Bearer abc' };

describe('expandUrl', () => {
  it('inserts host:port as it is and percent-encodes path and query values', () => {
    assert.equal(
      expandUrl('http://${NACOS}/nacos/v1/ns/instance?serviceName=${APP}&ip=${IP}&enabled=false', vars),
      'http://nacos.ns.svc:8848/nacos/v1/ns/instance?serviceName=order%20service%2Fv2&ip=10.0.0.7&enabled=false');
  });

  it('keeps a value one path segment and one query parameter', () => {
    assert.equal(expandUrl('https://h/apps/${APP}/x?q=${AMP}#${APP}', vars),
      'https://h/apps/order%20service%2Fv2/x?q=a%26b%3Dc#order%20service%2Fv2');
  });

  it('a value never moves the URL to the next part: only literal / ? # do', () => {
    assert.equal(expandUrl('http://h:1${EMPTY}/p', vars), 'http://h:1/p');
    assert.throws(() => expandUrl('http://${APP}/p', vars), /host:port part.*contains/);
  });

  it('an unknown name is an error naming it, with the reason when known', () => {
    assert.throws(() => expandUrl('http://h/${NOPE}', vars), (err: Error) =>
      err instanceof TemplateError && err.message === 'unknown variable ${NOPE} (not in the environment)');
    assert.throws(() => expandUrl('http://h/?ip=${GRACEINIT_POD_IP}', vars, { GRACEINIT_POD_IP: 'set POD_IP' }),
      /unknown variable \$\{GRACEINIT_POD_IP\}: set POD_IP/);
  });

  it('an empty value is a value', () => {
    assert.equal(expandUrl('http://h/?ns=${EMPTY}', vars), 'http://h/?ns=');
  });

  it('refuses malformed templates and non-http URLs', () => {
    assert.throws(() => parseTemplate('http://h/${APP'), /malformed "\$\{APP"/);
    assert.throws(() => parseTemplate('http://h/${1A}'), /malformed "\$\{1A\}"/);
    assert.throws(() => expandUrl('ftp://h/', vars), /not an http/);
    assert.throws(() => expandUrl('http://${EMPTY}/', vars), /does not expand to a valid URL/);
  });

  it('lists the names a template uses', () => {
    assert.deepEqual(templateNames('http://${A}/${B}?x=${A}'), ['A', 'B']);
    assert.deepEqual(templateNames('plain $HOME text'), []);
  });
});

describe('expandText (headers)', () => {
  it('inserts values as they are', () => {
    assert.equal(expandText('${TOKEN}', vars), 'Bearer abc');
    assert.equal(expandText('app=${APP}', vars), 'app=order service/v2');
  });

  it('refuses values that would break the header', () => {
    assert.throws(() => expandText('${X}', { X: 'a\r\nInjected: 1' }), /line break/);
  });
});
