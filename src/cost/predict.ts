import type { ArchiveStorageClass } from '../domain/model.js';
import { planBundles, type BundlePlan, type BundlePlanOptions } from './bundle-plan.js';
import { populationFromAverage, DEFAULT_AVG_KEY_BYTES } from './population.js';
import { predictRequests, type RequestCounts } from './requests.js';
import type { CatalogMode } from './catalog-cost.js';

/** Inputs of {@link predictRunRequests}: a run described by its totals, before it happens. */
export interface RunPredictionInput extends BundlePlanOptions {
  /** Source objects. */
  readonly objects: number;
  /** Source bytes (sum of object sizes). */
  readonly bytes: number;
  /** Average key length in bytes. Default 60. */
  readonly avgKeyBytes?: number;
  /** Bundle storage class. Default DEEP_ARCHIVE. */
  readonly storageClass?: ArchiveStorageClass;
  /** `list` (ListObjectsV2) or `manifest` (CSV/Inventory file). Default `list`. */
  readonly listing?: 'list' | 'manifest';
  /** Delete sources after archiving. Default true. */
  readonly deleteSource?: boolean;
  /** Catalog mode (`compact` or `per_file`). Default `compact`. */
  readonly catalog?: CatalogMode;
}

/**
 * Predict a run's requests from its object count and bytes: plans the bundles (`planBundles`, objects of the
 * average size) and counts their requests (`predictRequests`). To compare with a finished run exactly, call
 * `predictRequests` with the run's actual bundles instead (`{count: 1, entries, bytes}` per bundle).
 * @returns the bundle plan and the request counts keyed like the request meter's snapshot
 * @throws ValidationError for negative or non-integer counts
 */
export function predictRunRequests(input: RunPredictionInput): { plan: BundlePlan; requests: RequestCounts } {
  const population = populationFromAverage(input.objects, input.objects === 0 ? 0 : input.bytes / input.objects, input.avgKeyBytes ?? DEFAULT_AVG_KEY_BYTES);
  const plan = planBundles(population, input);
  const requests = predictRequests({
    objects: input.objects,
    bundles: plan.groups,
    shards: plan.shards,
    ...(input.storageClass === undefined ? {} : { storageClass: input.storageClass }),
    ...(input.listing === undefined ? {} : { listing: input.listing }),
    ...(input.deleteSource === undefined ? {} : { deleteSource: input.deleteSource }),
    ...(input.catalog === undefined ? {} : { catalog: input.catalog }),
  });
  return { plan, requests };
}
