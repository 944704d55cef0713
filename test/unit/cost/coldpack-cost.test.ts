import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coldpackCost } from '../../../src/cost/coldpack-cost.js';
import { workerSeconds, DEFAULT_COMPUTE } from '../../../src/cost/compute-cost.js';
import { indexItemBytes, writeUnitsPerItem, storedBytesPerItem } from '../../../src/cost/index-items.js';
import { populationFromAverage } from '../../../src/cost/population.js';
import { DEFAULT_PRICE_TABLE as prices } from '../../../src/cost/price-table.js';
import type { CostItem } from '../../../src/cost/cost-items.js';

const GIB = 2 ** 30;
const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);
const item = (items: readonly { name: string; usd: number; quantity: number }[], name: string) => {
  const found = items.find((i) => i.name === name);
  assert.ok(found, `no item ${name}`);
  return found;
};

test('index item: 800 bytes for 60-byte keys; 2 WRU (table + by_name GSI); 1,800 stored bytes', () => {
  assert.equal(indexItemBytes(60), 800); // 530 + 3 × 60 + 3 × 30
  assert.equal(writeUnitsPerItem(800, 1024), 2); // ceil(800 / 1024) = 1, on the table and on the GSI
  assert.equal(writeUnitsPerItem(1500, 1024), 4); // 2 + 2
  assert.equal(storedBytesPerItem(800, 100), 1800); // (800 + 100) × 2
});

test('worker time is bound by objects/s or bytes/s, at least one minute per task', () => {
  assert.equal(workerSeconds(1_000_000, 1e11, 1, DEFAULT_COMPUTE), 5000); // max(1e6 / 200, 1e11 / 5e7 = 2,000)
  assert.equal(workerSeconds(1000, 1e12, 1, DEFAULT_COMPUTE), 20_000); // bandwidth-bound: 1e12 / 5e7
  assert.equal(workerSeconds(10, 10, 2, DEFAULT_COMPUTE), 120); // 2 tasks × 60 s minimum
  assert.throws(() => workerSeconds(1, 1, 1, { ...DEFAULT_COMPUTE, objectsPerSecond: 0 }), /throughput/);
});

test('README example: coldpack archives 1,000,000 objects of 100 KB for $2.05 once + $0.680 a month (variable)', () => {
  const c = coldpackCost({ population: populationFromAverage(1_000_000, 100_000), storageClass: 'DEEP_ARCHIVE', months: 12 }, prices);
  // 1 source check + 2 passes × 1,000 LIST = 2,001 × $0.005 / 1,000
  close(item(c.one_time, 'listing').usd, 0.010005, 'LIST');
  // 1,000,000 objects + 1 shard plan + 196 manifests read back = 1,000,197 × $0.0004 / 1,000
  close(item(c.one_time, 'source_gets').usd, 0.4000788, 'GET');
  // PUT class only: 196 CreateMultipartUpload + (195 × 31 + 10) UploadPart + 196 Complete = 6,447 × $0.05 / 1,000 = $0.32235
  // (was 6,643 with the 196 HEADs mixed in, so count × unit price did not give the cost)
  const uploads = item(c.one_time, 'bundle_uploads') as CostItem;
  assert.equal(uploads.quantity, 6447);
  close(uploads.usd, 0.32235, 'uploads');
  close(uploads.quantity * uploads.unit_usd, uploads.usd, 'uploads: count × unit price');
  close(uploads.unit_usd, 0.05 / 1000, 'PUT unit price');
  // the verifying HEADs at the Deep Archive GET price: 196 × $0.0004 / 1,000 = $0.0000784
  const heads = item(c.one_time, 'bundle_verify_heads') as CostItem;
  assert.equal(heads.quantity, 196);
  close(heads.usd, 0.0000784, 'heads');
  close(heads.unit_usd, 0.0004 / 1000, 'GET unit price');
  // 196 manifests + 1 report + shard plan (Create + 3 parts + Complete) = 202 × $0.005 / 1,000
  close(item(c.one_time, 'standard_puts').usd, 0.00101, 'STANDARD PUTs');
  assert.equal(item(c.one_time, 'source_deletes').usd, 0); // DELETE requests are free
  close(item(c.one_time, 'index_writes').usd, 1.25, 'index'); // 2,000,000 WRU × $0.625 / 1e6
  close(item(c.one_time, 'bookkeeping_writes').usd, 599 * 0.625e-6, 'bookkeeping'); // (8 + 3 + 3 × 196) WRU
  close(item(c.one_time, 'compute').usd, (5000 / 3600) * (0.04048 + 2 * 0.004445), 'compute'); // 1.389 h × $0.04937 = $0.0686
  // interface-endpoint processing, upper bound: 1 shard × 0.2 GB worker image × $0.01 = $0.002
  close(item(c.one_time, 'endpoint_data_processing').usd, 0.002, 'endpoint processing');
  // 0.010005 + 0.4000788 + 0.3224284 + 0.00101 + 1.25 + 0.000374375 + 0.0685694444 + 0.0000005 (SNS) + 0.002 = $2.0544665
  close(c.one_time_usd, 2.0544665194444, 'one-time');
  close(item(c.monthly, 'bundle_storage').usd, (100_259_031_360 / GIB) * 0.00099, 'bundles'); // 93.37 GB × $0.00099 = $0.0924
  close(item(c.monthly, 'bundle_archive_overhead').usd, (196 * (8 * 0.023 + 32 * 0.00099) * 1024) / GIB, '40 KB per bundle');
  close(item(c.monthly, 'manifest_storage').usd, (45_000_000 / GIB) * 0.023, 'manifests'); // $0.00096
  close(item(c.monthly, 'index_storage').usd, ((1e6 * 1800) / GIB) * 0.25, 'index storage'); // 1.676 GB × $0.25 = $0.4191
  // PITR on the files table only (GSI not counted): 1e6 × 900 B = 0.83819 GiB × $0.20 = $0.1676381 (was missing)
  close(item(c.monthly, 'index_pitr').usd, ((1e6 * 900) / GIB) * 0.2, 'PITR');
  close(c.total_usd, c.one_time_usd + 12 * c.monthly_usd, 'total');
  // monthly: $0.0924398 + $0.0000403 + $0.0009639 + $0.4190952 + $0.1676381 = $0.6801772;
  // total $2.0544665 + 12 × $0.6801772 = $10.2166 (variable only; the stack's fixed cost is added by estimate())
  assert.ok(Math.abs(c.monthly_usd - 0.6801772) < 1e-6, `monthly ${c.monthly_usd}`);
  assert.ok(Math.abs(c.total_usd - 10.2166) < 0.0001, `total ${c.total_usd}`);
});

test('Fargate Spot and arm change the compute line only', () => {
  const population = populationFromAverage(1_000_000, 100_000);
  const arm = coldpackCost({ population, storageClass: 'DEEP_ARCHIVE', months: 0, compute: { ...DEFAULT_COMPUTE, arch: 'arm', spotDiscount: 0.5 } }, prices);
  close(item(arm.one_time, 'compute').usd, (5000 / 3600) * (0.03238 + 2 * 0.00356) * 0.5, 'arm spot'); // 1.389 h × $0.0395 × 0.5
  assert.equal(arm.total_usd, arm.one_time_usd); // months 0: no storage counted
});

test('no interface endpoints: no endpoint data processing line', () => {
  const c = coldpackCost({ population: populationFromAverage(1000, 1000), storageClass: 'DEEP_ARCHIVE', months: 1, interfaceEndpoints: 0 }, prices);
  assert.equal(c.one_time.find((i) => i.name === 'endpoint_data_processing'), undefined);
});
