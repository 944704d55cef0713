import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { buildOpenApi, requestModels } from '../../../src/api/openapi.js';

describe('OpenAPI and request models', () => {
  it('docs/openapi.json is what the schemas generate (run scripts/openapi.ts after changing them)', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
    const onDisk = JSON.parse(readFileSync(new URL('../../../docs/openapi.json', import.meta.url), 'utf8')) as unknown;
    assert.deepEqual(onDisk, buildOpenApi({ version: pkg.version }));
  });

  it('documents the source application prefix meaning and every route', () => {
    const doc = buildOpenApi() as {
      paths: Record<string, unknown>;
      components: { schemas: Record<string, { properties: Record<string, { description?: string }> }> };
    };
    assert.deepEqual(Object.keys(doc.paths).sort(), [
      '/archive',
      '/archive/{job_id}',
      '/archive/{job_id}/resume',
      '/estimate',
      '/files',
      '/health',
      '/restore',
      '/restore/{restore_id}',
      '/schedule',
      '/schedule/preview',
    ]);
    assert.match(doc.components.schemas.ArchiveRequest!.properties.prefix!.description!, /WITHOUT a trailing slash.*"20240410\/"/);
  });

  it('request models are self-contained draft-04 schemas that reject unknown fields', () => {
    const models = requestModels() as Record<
      string,
      { $schema: string; type: string; additionalProperties: boolean; properties: Record<string, unknown>; $ref?: string }
    >;
    assert.deepEqual(Object.keys(models).sort(), ['archive', 'estimate', 'restore']);
    for (const [name, m] of Object.entries(models)) {
      assert.equal(m.$schema, 'http://json-schema.org/draft-04/schema#', name);
      assert.equal(m.type, 'object', name);
      assert.equal(m.additionalProperties, false, name);
      assert.equal(m.$ref, undefined, name);
      assert.doesNotMatch(JSON.stringify(m), /"\$ref"|"example"/, name);
    }
    assert.ok('bucket_name' in models.archive!.properties);
    assert.ok('retrieval_tier' in models.restore!.properties);
  });
});
