import { ValidationError } from '../domain/errors.js';
import { priceOf, type PriceTable } from './price-table.js';
import { costItem, type CostItem } from './cost-items.js';
import { WORKER_DEFAULTS, type FargateCapacity } from './stack-defaults.js';

/**
 * One archive worker (an AWS Batch job on Fargate): its size and capacity, as the stack deploys it, and its
 * throughput. The throughput figures are ASSUMPTIONS until measured on real S3: `npm run bench` measures
 * objects/s and MB/s per worker (on the emulator it is bound by moto, see BENCHMARKS.md); pass measured figures.
 */
export interface ComputeProfile {
  /** Objects fetched and packed per second per worker (request-bound rate). Default 200 (assumed). */
  readonly objectsPerSecond: number;
  /** Source bytes per second per worker (bandwidth-bound rate). Default 50,000,000 (50 MB/s, assumed). */
  readonly bytesPerSecond: number;
  /** vCPUs per worker. Default: the stack's `JobVcpu` default (1). */
  readonly vcpu: number;
  /** Memory per worker in GB (GiB, as Fargate bills it). Default: the stack's `JobMemoryMiB` default / 1,024 (4). */
  readonly memoryGb: number;
  /** CPU architecture: `x86` or `arm` (Graviton). Default: the stack's job definitions (`x86`). */
  readonly arch: 'x86' | 'arm';
  /** Fargate capacity: `FARGATE_SPOT` or `FARGATE` (on demand). Default: the stack's `ComputeType` default (`FARGATE_SPOT`). */
  readonly capacity: FargateCapacity;
  /**
   * Fraction off on-demand on Fargate Spot (ignored on `FARGATE`). Default: the price table's
   * `fargate.spot.assumed_discount` (0.5, an assumption: the Spot price varies).
   */
  readonly spotDiscount?: number;
}

/**
 * Default worker: the stack's defaults (`WORKER_DEFAULTS` in stack-defaults.ts: 1 vCPU, 4 GB, x86, Fargate Spot)
 * at 200 objects/s and 50 MB/s (assumed, not measured).
 */
export const DEFAULT_COMPUTE: ComputeProfile = Object.freeze({
  objectsPerSecond: 200,
  bytesPerSecond: 50_000_000,
  vcpu: Number(WORKER_DEFAULTS.vcpu),
  memoryGb: WORKER_DEFAULTS.memoryMiB / 1024,
  arch: WORKER_DEFAULTS.cpuArchitecture === 'ARM64' ? 'arm' : 'x86',
  capacity: WORKER_DEFAULTS.computeType,
});

/** Fargate bills per second with a one-minute minimum per task (https://www.vantage.sh/blog/fargate-pricing). */
export const FARGATE_MIN_SECONDS = 60;

/**
 * Tasks of a job besides its shards: the plan job and the finalize job, each billed at least
 * {@link FARGATE_MIN_SECONDS} (assumed to take no longer: listing and deleting are not measured).
 */
export const STEP_TASKS_PER_JOB = 2;

/**
 * Shard worker seconds to archive a population: each shard's worker runs for max(objects / objects-per-second,
 * bytes / bytes-per-second), at least 60 s; shards share objects and bytes evenly.
 * @param objects source objects
 * @param bytes source bytes
 * @param shards workers (one per shard); 0 when there is nothing to archive
 * @param profile worker throughput
 * @returns total billed shard-worker seconds
 * @throws ValidationError (field `compute`) when a throughput is not positive
 */
export function workerSeconds(objects: number, bytes: number, shards: number, profile: ComputeProfile): number {
  if (!(profile.objectsPerSecond > 0) || !(profile.bytesPerSecond > 0)) {
    throw new ValidationError(`compute: throughput must be > 0, got ${profile.objectsPerSecond} objects/s and ${profile.bytesPerSecond} bytes/s`, 'compute');
  }
  if (shards === 0) return 0;
  const perShard = Math.max(objects / shards / profile.objectsPerSecond, bytes / shards / profile.bytesPerSecond);
  return shards * Math.max(FARGATE_MIN_SECONDS, perShard);
}

/**
 * Billed task-hours of a job: the shard workers ({@link workerSeconds}) plus the plan and finalize tasks
 * ({@link STEP_TASKS_PER_JOB} × 60 s); 0 when there are no shards.
 */
export function jobTaskHours(objects: number, bytes: number, shards: number, profile: ComputeProfile): number {
  if (shards === 0) return 0;
  return (workerSeconds(objects, bytes, shards, profile) + STEP_TASKS_PER_JOB * FARGATE_MIN_SECONDS) / 3600;
}

/**
 * The Spot discount applied to a profile: 0 on `FARGATE`; on `FARGATE_SPOT` the profile's `spotDiscount`, else
 * the table's `fargate.spot.assumed_discount`.
 * @throws ValidationError when the discount is outside [0, 0.9]
 */
export function spotDiscountOf(table: PriceTable, profile: ComputeProfile): number {
  if (profile.capacity !== 'FARGATE_SPOT') return 0;
  const d = profile.spotDiscount ?? priceOf(table, 'fargate.spot.assumed_discount');
  if (!(d >= 0 && d <= 0.9)) throw new ValidationError(`compute.spot_discount: expected 0…0.9, got ${d}`, 'compute.spot_discount');
  return d;
}

/**
 * USD per hour of one worker: (vCPU × per-vCPU-hour + GB × per-GB-hour) × (1 − Spot discount).
 * Prices: `fargate.linux_<arch>.per_vcpu_hour`, `fargate.linux_<arch>.per_gb_hour`, `fargate.spot.assumed_discount`.
 */
export function fargateHourlyUsd(table: PriceTable, profile: ComputeProfile = DEFAULT_COMPUTE): number {
  const arch = profile.arch === 'arm' ? 'linux_arm' : 'linux_x86';
  return (
    (profile.vcpu * priceOf(table, `fargate.${arch}.per_vcpu_hour`) + profile.memoryGb * priceOf(table, `fargate.${arch}.per_gb_hour`)) *
    (1 - spotDiscountOf(table, profile))
  );
}

/**
 * The compute cost line: task-hours ({@link jobTaskHours}) × the worker's hourly price ({@link fargateHourlyUsd}).
 * AWS Batch adds nothing (`batch.service_charge`).
 * @returns a {@link CostItem} in task-hours
 */
export function computeCostItem(table: PriceTable, objects: number, bytes: number, shards: number, profile: ComputeProfile = DEFAULT_COMPUTE): CostItem {
  const arch = profile.arch === 'arm' ? 'linux_arm' : 'linux_x86';
  const discount = spotDiscountOf(table, profile);
  const spotKey = profile.capacity === 'FARGATE_SPOT' && profile.spotDiscount === undefined ? ', fargate.spot.assumed_discount' : '';
  return costItem(
    'compute',
    jobTaskHours(objects, bytes, shards, profile),
    'task-hours',
    fargateHourlyUsd(table, profile),
    `fargate.${arch}.per_vcpu_hour, fargate.${arch}.per_gb_hour${spotKey}`,
    `${shards} shard worker(s) + plan + finalize, ${profile.vcpu} vCPU / ${profile.memoryGb} GB ${profile.arch}, ` +
      `${profile.capacity === 'FARGATE_SPOT' ? `Fargate Spot −${Math.round(discount * 100)}%` : 'Fargate on demand'}; ` +
      `ASSUMED ${profile.objectsPerSecond} objects/s, ${profile.bytesPerSecond / 1e6} MB/s per worker (measure with npm run bench)`,
  );
}
