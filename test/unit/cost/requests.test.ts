import { test } from 'node:test';
import assert from 'node:assert/strict';
import { predictRequests } from '../../../src/cost/requests.js';
import { predictRunRequests } from '../../../src/cost/predict.js';
import { priceRequestCounts } from '../../../src/cost/request-pricing.js';
import { DEFAULT_PRICE_TABLE } from '../../../src/cost/price-table.js';
import { ValidationError } from '../../../src/domain/errors.js';

const MIB = 1_048_576;

test('predictRequests for 2,500 listed objects in one 10 MiB bundle (per-file catalog)', () => {
  const bundles = [{ count: 1, entries: 2500, bytes: 10 * MIB }];
  assert.deepEqual(predictRequests({ objects: 2500, bundles, catalog: 'per_file' }), {
    'S3:ListObjectsV2:STANDARD': 7, // 1 source check + 2 passes × ceil(2,500 / 1,000)
    'S3:PutObject:STANDARD': 3, // shard plan (2,500 × 170 × 0.25 = 106 kB < 16 MiB) + manifest + report
    'S3:GetObject:STANDARD': 2502, // one per object + shard plan read back + manifest read back before deleting
    'S3:PutObject:DEEP_ARCHIVE': 1, // 10 MiB < 16 MiB part: one PutObject
    'S3:HeadObject:DEEP_ARCHIVE': 1, // verify size and CRC-32
    'S3:DeleteObjects:STANDARD': 3, // ceil(2,500 / 1,000)
    'DynamoDB:BatchWriteItem': 100, // 2,500 / 25
  });
  // the compact catalog (default) writes no per-file rows: the same S3 requests, no BatchWriteItem
  const compact = predictRequests({ objects: 2500, bundles });
  assert.equal(compact['DynamoDB:BatchWriteItem'], undefined);
  assert.deepEqual(
    compact,
    Object.fromEntries(Object.entries(predictRequests({ objects: 2500, bundles, catalog: 'per_file' })).filter(([k]) => k.startsWith('S3:'))),
  );
});

test('predictRequests for multipart bundles, a CSV source and no deletion', () => {
  const counts = predictRequests({
    objects: 30,
    bundles: [
      { count: 2, entries: 10, bytes: 40 * MIB }, // 40 / 16 -> 3 parts each
      { count: 1, entries: 10, bytes: MIB },
    ],
    storageClass: 'GLACIER',
    listing: 'manifest',
    deleteSource: false,
    shards: 2,
    catalog: 'per_file',
  });
  assert.deepEqual(counts, {
    'S3:HeadObject:STANDARD': 1, // source check of a manifest source (its manifest object)
    'S3:GetObject:STANDARD': 2 + 2 + 30, // CSV read in 2 passes + 2 shard plans + objects
    'S3:PutObject:STANDARD': 2 + 3 + 1, // shard plans + manifests + report
    'S3:CreateMultipartUpload:GLACIER': 2,
    'S3:UploadPart:GLACIER': 6,
    'S3:CompleteMultipartUpload:GLACIER': 2,
    'S3:PutObject:GLACIER': 1,
    'S3:HeadObject:GLACIER': 3,
    'DynamoDB:BatchWriteItem': 3, // ceil(10 / 25) per bundle
  });
  assert.throws(() => predictRequests({ objects: -1, bundles: [] }), ValidationError);
});

test('actual shard-plan sizes and bundle source bytes set the uploads', () => {
  const counts = predictRequests({
    objects: 1,
    bundles: [{ count: 1, entries: 1, bytes: 20 * MIB + 300, sourceBytes: 20 * MIB }], // part 16 MiB -> 2 parts
    shardPlanBytes: [20 * MIB], // 2 parts of 16 MiB
    preflight: false,
    listingPasses: 1,
  });
  assert.equal(counts['S3:UploadPart:DEEP_ARCHIVE'], 2);
  assert.equal(counts['S3:UploadPart:STANDARD'], 2);
  assert.equal(counts['S3:CreateMultipartUpload:STANDARD'], 1);
  assert.equal(counts['S3:ListObjectsV2:STANDARD'], 1);
});

test('priceRequestCounts prices each request type from the table; multipart parts to archive classes at the STANDARD rate', () => {
  const priced = priceRequestCounts(DEFAULT_PRICE_TABLE, {
    'S3:CreateMultipartUpload:DEEP_ARCHIVE': 10, // STANDARD rate: 10 × $0.005/1000 = $0.00005
    'S3:UploadPart:DEEP_ARCHIVE': 1000, // STANDARD rate: 1000 × $0.005/1000 = $0.005 (was $0.05 at the Deep Archive rate)
    'S3:CompleteMultipartUpload:DEEP_ARCHIVE': 10, // Deep Archive PUT rate: 10 × $0.05/1000 = $0.0005
    'S3:UploadPart:GLACIER': 1000, // STANDARD rate too: $0.005
    'S3:UploadPart:STANDARD_IA': 1000, // its own class rate: 1000 × $0.01/1000 = $0.01
    'S3:GetObject:STANDARD': 1000, // $0.0004
    'S3:ListObjectsV2:STANDARD': 2000, // 2 × $0.005 = $0.01
    'S3:DeleteObjects:STANDARD': 5, // free
    'S3:RestoreObject:Bulk': 1000, // Deep Archive bulk: $0.025
    'DynamoDB:BatchWriteItem': 4, // priced per WRU elsewhere: $0
  });
  const expected = 0.00005 + 0.005 + 0.0005 + 0.005 + 0.01 + 0.0004 + 0.01 + 0.025;
  assert.ok(Math.abs(priced.total_usd - expected) < 1e-12, String(priced.total_usd));
  const byKey = Object.fromEntries(priced.lines.map((l) => [l.key, l.usd_per_1000]));
  assert.equal(byKey['S3:UploadPart:DEEP_ARCHIVE'], 0.005);
  assert.equal(byKey['S3:CreateMultipartUpload:DEEP_ARCHIVE'], 0.005);
  assert.equal(byKey['S3:CompleteMultipartUpload:DEEP_ARCHIVE'], 0.05);
  assert.equal(byKey['S3:UploadPart:STANDARD_IA'], 0.01);
  assert.equal(byKey['S3:DeleteObjects:STANDARD'], 0);
  assert.equal(byKey['S3:RestoreObject:Bulk'], 0.025);
  assert.equal(priced.lines.find((l) => l.key === 'DynamoDB:BatchWriteItem')?.note, 'billed per capacity unit, not per request');
  assert.match(String(DEFAULT_PRICE_TABLE.prices['s3.multipart.archive_class_parts_at_standard_rate']?.source), /aws-usage-report-understand\.html$/);
});

test('predictRunRequests plans from totals: 1,000,000 objects, 100 GB -> 196 bundles, 6,055 parts', () => {
  const { plan, requests } = predictRunRequests({ objects: 1_000_000, bytes: 100_000_000_000, catalog: 'per_file' });
  assert.equal(plan.bundles, 196);
  // bundles of 513,326,240 B -> ceil(30.6) = 31 parts of 16 MiB; the last of 160,414,560 B -> 10 parts
  assert.equal(requests['S3:UploadPart:DEEP_ARCHIVE'], 195 * 31 + 10);
  assert.equal(requests['S3:GetObject:STANDARD'], 1_000_000 + 1 + 196); // objects + shard plan + manifests
  assert.equal(requests['DynamoDB:BatchWriteItem'], 195 * 205 + 64); // ceil(5,120 / 25) per full bundle + ceil(1,600 / 25)
  // the shard plan: 1,000,000 × 170 × 0.25 = 42.5 MB -> multipart in STANDARD with 3 parts
  assert.equal(requests['S3:UploadPart:STANDARD'], 3);
  assert.equal(predictRunRequests({ objects: 1_000_000, bytes: 100_000_000_000 }).requests['DynamoDB:BatchWriteItem'], undefined); // compact
});

test('shard plans are counted in closed form: a huge shard count answers at once (issue 12 item 1)', () => {
  const shards = 1e12;
  const counts = predictRequests({ objects: 1e12, bundles: [], shards, deleteSource: false, shardPlanBytes: [20 * MIB] });
  // the one measured plan is multipart (2 parts of 16 MiB); the others are estimated at 1 object × 170 B × 0.25
  assert.equal(counts['S3:PutObject:STANDARD'], shards - 1 + 1); // plans + the report
  assert.equal(counts['S3:UploadPart:STANDARD'], 2);
  assert.equal(counts['S3:GetObject:STANDARD'], 1e12 + shards);
});

test('predictRequests counts what a re-run finds already archived (issue 11 item 2), and nothing extra for a first run', () => {
  const bundles = [{ count: 1, entries: 2, bytes: MIB }];
  assert.deepEqual(predictRequests({ objects: 2, bundles, alreadyArchived: { objects: 6, manifests: 3 } }), {
    'S3:ListObjectsV2:STANDARD': 3, // 1 source check + 2 passes × ceil(8 listed / 1,000)
    'S3:GetObject:STANDARD': 2 + 1 + 3 + 1 + 1, // objects + shard plan + 3 committed manifests + the already-archived list + own manifest before deleting
    'S3:PutObject:STANDARD': 4, // shard plan + already-archived list + manifest + report
    'S3:PutObject:DEEP_ARCHIVE': 1,
    'S3:HeadObject:DEEP_ARCHIVE': 1,
    'S3:DeleteObjects:STANDARD': 1, // the 2 archived and the 6 already archived, one call
  });
  // without delete_source the list is written but not read back
  const kept = predictRequests({ objects: 2, bundles, deleteSource: false, alreadyArchived: { objects: 6, manifests: 3 } });
  assert.equal(kept['S3:GetObject:STANDARD'], 2 + 1 + 3);
  // a first run over a never-archived prefix: no manifest read, no list: the same as without the field
  assert.deepEqual(predictRequests({ objects: 2, bundles, alreadyArchived: { objects: 0, manifests: 0 } }), predictRequests({ objects: 2, bundles }));
});
