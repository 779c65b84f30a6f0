// GRACEINIT_DEBUG_RESOURCES_MS parsing and the resource summary (src/resource-report.ts). Pure.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { UsageError } from '../../src/cli.js';
import { resourceReportInterval, summarizeResources } from '../../src/resource-report.js';

describe('resource report', () => {
  test('off unless GRACEINIT_DEBUG_RESOURCES_MS is set', () => {
    assert.equal(resourceReportInterval({}), undefined);
    assert.equal(resourceReportInterval({ GRACEINIT_DEBUG_RESOURCES_MS: '' }), undefined);
  });

  test('milliseconds, at least 100', () => {
    assert.equal(resourceReportInterval({ GRACEINIT_DEBUG_RESOURCES_MS: '1000' }), 1000);
    assert.equal(resourceReportInterval({ GRACEINIT_DEBUG_RESOURCES_MS: ' 100 ' }), 100);
    for (const bad of ['99', '0', '1s', 'often', '-5', '1.5']) {
      assert.throws(() => resourceReportInterval({ GRACEINIT_DEBUG_RESOURCES_MS: bad }),
        (err: unknown) => err instanceof UsageError && /^GRACEINIT_DEBUG_RESOURCES_MS: expected milliseconds/.test(err.message), bad);
    }
  });

  test('summary counts by type, sorted, so lines compare across samples', () => {
    assert.deepEqual(summarizeResources(['Timeout', 'PipeWrap', 'Timeout', 'FSReqCallback']),
      { total: 4, summary: 'FSReqCallback=1 PipeWrap=1 Timeout=2' });
    assert.deepEqual(summarizeResources([]), { total: 0, summary: '' });
  });
});
