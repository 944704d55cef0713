import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coldpackCost } from '../../../src/cost/coldpack-cost.js';
import { workerSeconds, jobTaskHours, fargateHourlyUsd, DEFAULT_COMPUTE } from '../../../src/cost/compute-cost.js';
import { indexItemBytes, nameIndexEntryBytes, directoryItemBytes, writeUnits } from '../../../src/cost/index-items.js';
import { populationFromAverage } from '../../../src/cost/population.js';
import { DEFAULT_PRICE_TABLE as prices } from '../../../src/cost/price-table.js';
import { WORKER_DEFAULTS } from '../../../src/cost/stack-defaults.js';
import type { CostItem } from '../../../src/cost/cost-items.js';

const GIB = 2 ** 30;
const close = (actual: number, expected: number, what: string): void =>
  assert.ok(Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} != ${expected}`);
const item = (items: readonly { name: string; usd: number; quantity: number }[], name: string) => {
  const found = items.find((i) => i.name === name);
  assert.ok(found, `no item ${name}`);
  return found;
};
const population = populationFromAverage(1_000_000, 100_000);

test('catalog item sizes for 60-byte keys: per-file item 800 B, keys-only GSI entry 260 B, directory item 540 B; 1 WRU each', () => {
  assert.equal(indexItemBytes(60), 800); // 530 + 3 × 60 + 3 × 30
  assert.equal(nameIndexEntryBytes(60), 260); // 80 + 2 × 60 + 2 × 30
  assert.equal(directoryItemBytes(60), 540); // 300 + 3 × 60 + 2 × 30
  assert.equal(writeUnits(800, 1024), 1);
  assert.equal(writeUnits(1500, 1024), 2);
  assert.equal(writeUnits(0, 1024), 1);
});

test('worker time is bound by objects/s or bytes/s, at least one minute per task; plan and finalize add a minute each', () => {
  assert.equal(workerSeconds(1_000_000, 1e11, 1, DEFAULT_COMPUTE), 5000); // max(1e6 / 200, 1e11 / 5e7 = 2,000)
  assert.equal(workerSeconds(1000, 1e12, 1, DEFAULT_COMPUTE), 20_000); // bandwidth-bound: 1e12 / 5e7
  assert.equal(workerSeconds(10, 10, 2, DEFAULT_COMPUTE), 120); // 2 tasks × 60 s minimum
  assert.equal(jobTaskHours(1_000_000, 1e11, 1, DEFAULT_COMPUTE), 5120 / 3600); // + plan + finalize, 60 s each
  assert.equal(jobTaskHours(0, 0, 0, DEFAULT_COMPUTE), 0);
  assert.throws(() => workerSeconds(1, 1, 1, { ...DEFAULT_COMPUTE, objectsPerSecond: 0 }), /throughput/);
});

test('the default worker is the one the stack deploys: 1 vCPU, 4 GB, x86, Fargate Spot (priced 50% off, an assumption)', () => {
  assert.equal(DEFAULT_COMPUTE.vcpu, Number(WORKER_DEFAULTS.vcpu));
  assert.equal(DEFAULT_COMPUTE.memoryGb, WORKER_DEFAULTS.memoryMiB / 1024);
  assert.equal(DEFAULT_COMPUTE.capacity, WORKER_DEFAULTS.computeType);
  assert.equal(DEFAULT_COMPUTE.arch, WORKER_DEFAULTS.cpuArchitecture === 'ARM64' ? 'arm' : 'x86');
  // (1 × $0.04048 + 4 × $0.004445) × (1 − 0.5) = $0.02913 an hour
  close(fargateHourlyUsd(prices), 0.02913, 'spot hour');
  close(fargateHourlyUsd(prices, { ...DEFAULT_COMPUTE, capacity: 'FARGATE' }), 0.05826, 'on-demand hour');
  close(fargateHourlyUsd(prices, { ...DEFAULT_COMPUTE, spotDiscount: 0.7 }), 0.05826 * 0.3, 'live discount');
});

test('README example: coldpack archives 1,000,000 objects of 100 KB for $0.500 once + $0.0936 a month (variable, compact catalog)', () => {
  const c = coldpackCost({ population, storageClass: 'DEEP_ARCHIVE', months: 12 }, prices);
  // 1 source check + 2 passes × 1,000 LIST = 2,001 × $0.005 / 1,000
  close(item(c.one_time, 'listing').usd, 0.010005, 'LIST');
  // 1,000,000 objects + 1 shard plan + 196 manifests read back = 1,000,197 × $0.0004 / 1,000
  close(item(c.one_time, 'source_gets').usd, 0.4000788, 'GET');
  // 196 CreateMultipartUpload + (195 × 31 + 10) UploadPart = 6,251 at the STANDARD rate: × $0.005 / 1,000 = $0.031255
  // (AWS bills part requests to Deep Archive at Standard rates; the model used $0.05 and said $0.32235 for all uploads)
  const parts = item(c.one_time, 'bundle_part_uploads') as CostItem;
  assert.equal(parts.quantity, 6251);
  close(parts.usd, 0.031255, 'parts');
  close(parts.unit_usd, 0.005 / 1000, 'STANDARD PUT unit price');
  // 196 CompleteMultipartUpload at the Deep Archive PUT rate: × $0.05 / 1,000 = $0.0098
  const commits = item(c.one_time, 'bundle_commits') as CostItem;
  assert.equal(commits.quantity, 196);
  close(commits.usd, 0.0098, 'commits');
  // the verifying HEADs at the Deep Archive GET price: 196 × $0.0004 / 1,000 = $0.0000784
  close(item(c.one_time, 'bundle_verify_heads').usd, 0.0000784, 'heads');
  // 196 manifests + 1 report + shard plan (Create + 3 parts + Complete) = 202 × $0.005 / 1,000
  close(item(c.one_time, 'standard_puts').usd, 0.00101, 'STANDARD PUTs');
  assert.equal(item(c.one_time, 'source_deletes').usd, 0); // DELETE requests are free
  // compact catalog: 196 directory items of 540 B, 1 WRU each into the table and its 2 GSIs: 3 × 196 × $0.625 / 1e6; no per-file index lines
  close(item(c.one_time, 'catalog_directory_writes').usd, 3 * 196 * 0.625e-6, 'directory');
  assert.equal(
    c.one_time.find((i) => i.name === 'index_writes'),
    undefined,
  );
  close(item(c.one_time, 'bookkeeping_writes').usd, 599 * 0.625e-6, 'bookkeeping'); // (8 + 3 + 3 × 196) WRU
  // (5,000 s shard + 2 × 60 s plan/finalize) = 1.4222 h × $0.02913 (1 vCPU + 4 GB, Spot −50%) = $0.0414293
  close(item(c.one_time, 'compute').usd, (5120 / 3600) * 0.02913, 'compute');
  // private network, upper bound: 3 tasks × 0.2 GB worker image × $0.01 through the ECR interface endpoints = $0.006
  close(item(c.one_time, 'endpoint_data_processing').usd, 0.006, 'endpoint processing');
  // 0.010005 + 0.4000788 + 0.031255 + 0.0098 + 0.0000784 + 0.00101 + 0.0001225 + 0.000374375 + 0.0414293 + 0.006 + 0.0000005
  close(c.one_time_usd, 0.5003989083333331, 'one-time'); // + 2 × 196 GSI writes since the by_bucket GSI (was $0.5001539)
  close(item(c.monthly, 'bundle_storage').usd, (100_259_031_360 / GIB) * 0.00099, 'bundles'); // 93.37 GB × $0.00099 = $0.0924
  close(item(c.monthly, 'bundle_archive_overhead').usd, (196 * (8 * 0.023 + 32 * 0.00099) * 1024) / GIB, '40 KB per bundle');
  close(item(c.monthly, 'manifest_storage').usd, (45_000_000 / GIB) * 0.023, 'manifests'); // $0.00096
  close(item(c.monthly, 'catalog_directory_storage').usd, ((3 * 196 * 640) / GIB) * 0.25, 'directory storage'); // (540 + 100) B per bundle, table + 2 GSIs
  close(item(c.monthly, 'catalog_directory_pitr').usd, ((196 * 640) / GIB) * 0.2, 'directory PITR');
  // monthly $0.0935550; total $0.5003989 + 12 × $0.0935550 = $1.6231 (≤ $2.00, the target; was $10.22)
  close(c.monthly_usd, 0.09355498187720775, 'monthly');
  close(c.total_usd, 1.6230586908598261, 'total');
});

test('per-file catalog: Standard-IA table, keys-only GSI, no PITR by default', () => {
  const c = coldpackCost({ population, storageClass: 'DEEP_ARCHIVE', months: 12, catalog: 'per_file' }, prices);
  // 2 WRU per file (800-byte item + 260-byte GSI entry) × 1e6 × $0.78125 / 1e6 = $1.5625
  close(item(c.one_time, 'index_writes').usd, 1.5625, 'IA writes');
  // (800 + 100 + 260 + 100) B × 1e6 = 1.1735 GiB × $0.10 = $0.11735 a month
  close(item(c.monthly, 'index_storage').usd, ((1e6 * 1260) / GIB) * 0.1, 'IA storage');
  assert.equal(
    c.monthly.find((i) => i.name === 'index_pitr'),
    undefined,
  );
  assert.equal(c.requests['DynamoDB:BatchWriteItem'], 195 * 205 + 64);
  const pitr = coldpackCost({ population, storageClass: 'DEEP_ARCHIVE', months: 12, catalog: 'per_file', perFilePitr: true }, prices);
  close(item(pitr.monthly, 'index_pitr').usd, ((1e6 * 900) / GIB) * 0.2, 'PITR on the table size only'); // $0.1676
});

test('network lines: public pays a public IPv4 address per task-hour; existing without gateway endpoints pays NAT processing per S3 GB', () => {
  const base = { population, storageClass: 'DEEP_ARCHIVE', months: 12 } as const;
  const pub = coldpackCost({ ...base, network: 'public' }, prices);
  close(item(pub.one_time, 'public_ipv4').usd, (5120 / 3600) * 0.005, 'public IPv4'); // 1.4222 h × $0.005 = $0.0071
  assert.equal(
    pub.one_time.find((i) => i.name === 'endpoint_data_processing'),
    undefined,
  );
  const existing = coldpackCost({ ...base, network: 'existing' }, prices);
  close(item(existing.one_time, 'nat_data_processing').usd, 0.6 * 0.045, 'image pulls through NAT'); // 3 × 0.2 GB × $0.045
  const noGateway = coldpackCost({ ...base, network: 'existing', gatewayEndpoints: false }, prices);
  // 1e11 source + 100,259,031,360 bundle + 2 × 45,000,000 manifest bytes = 186.7 GiB + 0.6 GiB images, × $0.045 = $8.42
  const s3Gib = (1e11 + 100_259_031_360 + 90_000_000) / GIB;
  close(item(noGateway.one_time, 'nat_data_processing').usd, (s3Gib + 0.6) * 0.045, 'S3 through NAT');
});

test('Fargate on demand and arm change the compute line only', () => {
  const arm = coldpackCost({ population, storageClass: 'DEEP_ARCHIVE', months: 0, compute: { ...DEFAULT_COMPUTE, arch: 'arm', capacity: 'FARGATE' } }, prices);
  close(item(arm.one_time, 'compute').usd, (5120 / 3600) * (0.03238 + 4 * 0.00356), 'arm on demand'); // 1.4222 h × $0.04662
  assert.equal(arm.total_usd, arm.one_time_usd); // months 0: no storage counted
});
