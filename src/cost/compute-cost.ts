import { ValidationError } from '../domain/errors.js';
import { priceOf, type PriceTable } from './price-table.js';
import { costItem, type CostItem } from './cost-items.js';

/**
 * One archive worker (an AWS Batch job on Fargate) and its measured throughput.
 * Throughput defaults are assumptions until `bench/` measures coldpack on real S3: pass measured figures.
 */
export interface ComputeProfile {
  /** Objects fetched and packed per second per worker (request-bound rate). Default 200. */
  readonly objectsPerSecond: number;
  /** Source bytes per second per worker (bandwidth-bound rate). Default 50,000,000 (50 MB/s). */
  readonly bytesPerSecond: number;
  /** vCPUs per worker. Default 1. */
  readonly vcpu: number;
  /** Memory per worker in GB. Default 2. */
  readonly memoryGb: number;
  /** CPU architecture: `x86` or `arm` (Graviton). Default `x86`. */
  readonly arch: 'x86' | 'arm';
  /** Fraction off on-demand when run on Fargate Spot (0 = on-demand; up to 0.7). Default 0. */
  readonly spotDiscount: number;
}

/** Default worker: 1 vCPU, 2 GB, x86, on-demand, 200 objects/s, 50 MB/s (assumed, not measured). */
export const DEFAULT_COMPUTE: ComputeProfile = Object.freeze({
  objectsPerSecond: 200,
  bytesPerSecond: 50_000_000,
  vcpu: 1,
  memoryGb: 2,
  arch: 'x86',
  spotDiscount: 0,
});

/** Fargate bills per second with a one-minute minimum per task (https://www.vantage.sh/blog/fargate-pricing). */
export const FARGATE_MIN_SECONDS = 60;

/**
 * Worker seconds to archive a population: each shard's worker runs for max(objects / objects-per-second,
 * bytes / bytes-per-second), at least 60 s; shards share objects and bytes evenly.
 * @param objects source objects
 * @param bytes source bytes
 * @param shards workers (one per shard); 0 when there is nothing to archive
 * @param profile worker throughput
 * @returns total billed worker seconds
 * @throws ValidationError (field `compute`) when a throughput is not positive
 */
export function workerSeconds(objects: number, bytes: number, shards: number, profile: ComputeProfile): number {
  if (!(profile.objectsPerSecond > 0) || !(profile.bytesPerSecond > 0)) {
    throw new ValidationError(
      `compute: throughput must be > 0, got ${profile.objectsPerSecond} objects/s and ${profile.bytesPerSecond} bytes/s`,
      'compute',
    );
  }
  if (shards === 0) return 0;
  const perShard = Math.max(objects / shards / profile.objectsPerSecond, bytes / shards / profile.bytesPerSecond);
  return shards * Math.max(FARGATE_MIN_SECONDS, perShard);
}

/**
 * USD per hour of one worker: vCPU × per-vCPU-hour + GB × per-GB-hour, × (1 − spot discount).
 * Prices: `fargate.linux_<arch>.per_vcpu_hour`, `fargate.linux_<arch>.per_gb_hour`.
 */
export function fargateHourlyUsd(table: PriceTable, profile: ComputeProfile = DEFAULT_COMPUTE): number {
  const arch = profile.arch === 'arm' ? 'linux_arm' : 'linux_x86';
  return (
    (profile.vcpu * priceOf(table, `fargate.${arch}.per_vcpu_hour`) + profile.memoryGb * priceOf(table, `fargate.${arch}.per_gb_hour`)) *
    (1 - profile.spotDiscount)
  );
}

/**
 * The compute cost line: worker hours × (vCPU × per-vCPU-hour + GB × per-GB-hour) × (1 − spot discount).
 * Prices: `fargate.linux_<arch>.per_vcpu_hour`, `fargate.linux_<arch>.per_gb_hour`; AWS Batch adds nothing
 * (`batch.service_charge`).
 * @returns a {@link CostItem} in task-hours
 */
export function computeCostItem(
  table: PriceTable,
  objects: number,
  bytes: number,
  shards: number,
  profile: ComputeProfile = DEFAULT_COMPUTE,
): CostItem {
  const arch = profile.arch === 'arm' ? 'linux_arm' : 'linux_x86';
  const hourly = fargateHourlyUsd(table, profile);
  const hours = workerSeconds(objects, bytes, shards, profile) / 3600;
  return costItem('compute', hours, 'task-hours', hourly, `fargate.${arch}.per_vcpu_hour, fargate.${arch}.per_gb_hour`,
    `${shards} worker(s) of ${profile.vcpu} vCPU/${profile.memoryGb} GB at ${profile.objectsPerSecond} objects/s, ` +
      `${profile.bytesPerSecond / 1e6} MB/s${profile.spotDiscount > 0 ? `, Spot −${profile.spotDiscount * 100}%` : ''}`);
}
