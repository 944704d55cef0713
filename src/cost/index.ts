/**
 * coldpack's cost model: what archiving costs with coldpack against the S3 lifecycle rule it replaces,
 * predicted before a run (`estimate`, `predictRunRequests`) and measured after it (`priceMeterSnapshot` on a
 * `RequestMeter` snapshot from src/adapters/request-meter.ts). Pure functions; prices come from a table
 * (`loadPriceTable`). See docs/cost-model.md.
 */
export { estimate, type EstimateResult, type ChartPoint } from './estimate.js';
export { parseEstimateRequest, estimateRequestSchema, type EstimateInput, type EstimateRequest } from './estimate-input.js';
export { loadPriceTable, mergePriceOverride, parsePriceTable, priceOf, DEFAULT_PRICE_TABLE, type PriceTable, type PriceEntry } from './price-table.js';
export { predictRequests, requestKey, type RequestCounts, type RequestPredictionInput } from './requests.js';
export { predictRunRequests, type RunPredictionInput } from './predict.js';
export { priceRequestCounts, type PricedRequestLine } from './request-pricing.js';
export { jobCostReport, type JobCostInput, type JobCostReport } from './job-cost-report.js';
export { priceMeterSnapshot, type MeteredUsage, type PricedUsage, type MeterPricingOptions } from './meter-pricing.js';
export { lifecycleCost, DEFAULT_MIN_TRANSITION_BYTES, type LifecycleCostInput } from './lifecycle-cost.js';
export { coldpackCost, type ColdpackCost, type ColdpackCostInput } from './coldpack-cost.js';
export { catalogCost, CATALOG_MODES, DEFAULT_CATALOG_MODE, type CatalogMode, type CatalogCost } from './catalog-cost.js';
export { deploymentCost, stackFixedResources, type DeploymentCost, type DeploymentOptions, type StackFixedResources } from './deployment-cost.js';
export { networkCostItems, type NetworkTrafficInput } from './network-cost.js';
export { NETWORK_MODES, DEFAULT_NETWORK_MODE, DEFAULT_MAX_AZS, INTERFACE_ENDPOINTS_BY_MODE, WORKER_DEFAULTS, type NetworkMode } from './stack-defaults.js';
export { restoreCosts, type RestoreComparison, type RestoreCostInput } from './restore-cost.js';
export { breakEvenObjectBytes, savingPerObjectUsd } from './break-even.js';
export { planBundles, multipartPartSize, bundleUploadRequests, type BundlePlan, type BundleGroup } from './bundle-plan.js';
export { PopulationBuilder, populationFromAverage, type Population, type SizeBucket } from './population.js';
export { renderEstimateText } from './report-text.js';
export { renderEstimateHtml } from './report-html.js';
export type { CostItem, CostBreakdown } from './cost-items.js';
