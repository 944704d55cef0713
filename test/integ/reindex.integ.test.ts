/**
 * Archive and restore round trips on moto in both catalog modes, then the catalog is lost: the
 * tables are deleted and created again, one manifest object is deleted too, and `coldpack reindex`
 * (the CLI, in a child process) rebuilds the directory, the scopes and (per_file) the index from the
 * manifests, and the lost manifest from its bundle's own manifest entry. Every restore (by key, by
 * prefix, by name) works again, byte-exact.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, RestoreObjectCommand } from '@aws-sdk/client-s3';
import { DeleteTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ensureTables } from '../../src/adapters/dynamo/tables.js';
import type { CatalogMode } from '../../src/domain/catalog.js';
import { tableNames } from '../../src/domain/config.js';
import type { RestoreRequestInput, RestoreView } from '../../src/domain/restore-request.js';
import { composeArchive } from '../../src/entrypoints/archive-composition.js';
import { composeRestoreService } from '../../src/entrypoints/restore-composition.js';
import { catalogFiles, directoryEntries } from '../support/catalog-files.js';
import { listRequest, seed, startArchiveFixture, type ArchiveFixture } from '../support/archive-fixture.js';

let fx: ArchiveFixture;
before(async () => {
  fx = await startArchiveFixture('ri-');
});
after(async () => fx.close());

/** Run `coldpack --json reindex` against the emulator. */
function reindexCli(
  prefix: string,
  catalog: CatalogMode,
): Promise<{ bundles_indexed: number; manifests_restored: number; scopes: number; skipped: unknown[] }> {
  const bin = fileURLToPath(new URL('../../bin/coldpack.js', import.meta.url));
  const env = {
    ...process.env,
    AWS_ENDPOINT_URL: fx.moto.endpoint,
    AWS_REGION: fx.region,
    COLDPACK_TABLE_PREFIX: prefix,
    COLDPACK_ARCHIVE_BUCKET: 'archive',
    COLDPACK_RESTORE_BUCKET: 'restore',
    COLDPACK_CATALOG: catalog,
  };
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [bin, '--json', 'reindex'], { env, timeout: 120_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${error.message}\n${stderr}\n${stdout}`));
      else resolve(JSON.parse(stdout) as never);
    });
  });
}

async function restoreAll(prefix: string, catalog: CatalogMode, selection: RestoreRequestInput['selection']): Promise<RestoreView> {
  const svc = composeRestoreService(fx.clients, { tables: tableNames(prefix), catalog, archiveBucket: 'archive', restoreBucket: 'restore' });
  let view = await svc.submit({ selection, bucket: 'src', tier: 'Bulk', days: 1, all_matches: false, requested_by: 'test' }, {});
  for (let i = 0; i < 5 && !['AVAILABLE', 'PARTIAL', 'FAILED'].includes(view.status); i++) {
    await svc.reconcile(view.restore_id);
    view = (await svc.get(view.restore_id))!;
  }
  return view;
}

async function restoredBody(location: string): Promise<string> {
  const m = /^s3:\/\/([^/]+)\/(.+)$/s.exec(location)!;
  const got = await fx.clients.s3.send(new GetObjectCommand({ Bucket: m[1], Key: m[2] }));
  return got.Body!.transformToString();
}

for (const catalog of ['compact', 'per_file'] as const) {
  describe(`catalog ${catalog}: archive, restore, lose the catalog, reindex, restore again`, () => {
    const prefix = `ri-${catalog.replace('_', '')}-`;
    const dir = `${catalog}/`;
    const contents: Record<string, string> = {};
    for (let i = 0; i < 24; i++) contents[`${dir}${String(i).padStart(3, '0')}/report_${i % 4}.csv`] = `${catalog} file ${i}\n`.repeat(50);
    contents[`${dir}unique-${catalog}.txt`] = `the one ${catalog}`;

    const restoresWork = async (): Promise<void> => {
      const byKey = await restoreAll(prefix, catalog, { kind: 'keys', keys: [`${dir}007/report_3.csv`] });
      assert.equal(byKey.status, 'AVAILABLE', JSON.stringify(byKey));
      assert.equal(await restoredBody(String(byKey.files[0]!.location)), contents[`${dir}007/report_3.csv`]);
      const byPrefix = await restoreAll(prefix, catalog, { kind: 'prefix', prefix: `${dir}01` });
      assert.equal(byPrefix.status, 'AVAILABLE');
      assert.deepEqual(
        byPrefix.files.map((f) => f.key).sort(),
        Object.keys(contents)
          .filter((k) => k.startsWith(`${dir}01`))
          .sort(),
      );
      for (const f of byPrefix.files) assert.equal(await restoredBody(String(f.location)), contents[f.key]);
      const byName = await restoreAll(prefix, catalog, { kind: 'names', names: [`unique-${catalog}.txt`] });
      assert.equal(byName.status, 'AVAILABLE');
      assert.equal(await restoredBody(String(byName.files[0]!.location)), contents[`${dir}unique-${catalog}.txt`]);
    };

    it('archives and restores', async () => {
      const tables = tableNames(prefix);
      await ensureTables(fx.clients.dynamo, tables, catalog);
      await seed(fx.clients.s3, 'src', contents);
      const archive = composeArchive({ ...fx.config, tablePrefix: prefix, catalog }, fx.clients, { starter: { start: async () => undefined } });
      const view = await archive.service.submit(listRequest(dir, { max_bundle_bytes: 5000, delete_source: true }), {});
      const report = await archive.engine.run(view.job_id);
      assert.equal(report.status, 'SUCCEEDED', JSON.stringify(report.problems));
      assert.ok(report.bundles >= 4);
      assert.equal((await catalogFiles(fx.clients, tables.bundles, dir)).length, 25);
      await restoresWork();
    });

    it('after the tables are dropped and a manifest is lost, reindex brings every restore back', async () => {
      const tables = tableNames(prefix);
      const entries = await directoryEntries(fx.clients.dynamo, tables.bundles);
      const lost = entries.find((e) => e.min_key?.startsWith(`${dir}007`) || e.max_key?.startsWith(`${dir}007`)) ?? entries[0]!;
      await fx.clients.s3.send(new DeleteObjectCommand({ Bucket: 'archive', Key: lost.manifest_key! }));
      // The fallback reads the bundle's own manifest entry: an archived bundle needs its restored copy (moto completes it at once).
      await fx.clients.s3
        .send(new RestoreObjectCommand({ Bucket: 'archive', Key: lost.bundle_key, RestoreRequest: { Days: 1, GlacierJobParameters: { Tier: 'Bulk' } } }))
        .catch(() => undefined);
      const names = (await fx.clients.dynamo.send(new ListTablesCommand({}))).TableNames ?? [];
      for (const t of [tables.jobs, tables.bundles, tables.files])
        if (names.includes(t)) await fx.clients.dynamo.send(new DeleteTableCommand({ TableName: t }));
      await ensureTables(fx.clients.dynamo, tables, catalog);
      assert.deepEqual(await directoryEntries(fx.clients.dynamo, tables.bundles), []);

      // The archive bucket also holds the bundles of the other mode's run: reindex rebuilds every bundle it finds.
      const report = await reindexCli(prefix, catalog);
      assert.ok(report.bundles_indexed >= entries.length);
      assert.equal(report.manifests_restored, 1);
      assert.ok(report.scopes >= 1);
      assert.deepEqual(report.skipped, []);
      const head = await fx.clients.s3.send(new HeadObjectCommand({ Bucket: 'archive', Key: lost.manifest_key! }));
      assert.equal(head.ContentEncoding, 'gzip', 'the lost manifest is back');
      const jobs = new Set(entries.map((e) => e.job_id));
      const rebuilt = (await directoryEntries(fx.clients.dynamo, tables.bundles)).filter((e) => jobs.has(e.job_id));
      const fields = (b: (typeof entries)[number]) => [
        b.bundle_key,
        b.source_bucket,
        b.job_id,
        b.generation,
        b.min_key,
        b.max_key,
        b.entry_count,
        b.bytes,
        b.source_bytes,
        b.storage_class,
      ];
      assert.deepEqual(rebuilt.map(fields).sort(), entries.map(fields).sort());
      await restoresWork();
    });
  });
}
