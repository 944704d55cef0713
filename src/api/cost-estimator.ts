/** {@link CostEstimator} over the cost model's pure `estimate(input, prices)` (`src/cost/`). */
import { estimate } from '../cost/estimate.js';
import { parseEstimateRequest } from '../cost/estimate-input.js';
import { DEFAULT_PRICE_TABLE, type PriceTable } from '../cost/price-table.js';
import type { CostEstimator } from './ports.js';

/**
 * A cost estimator with a price table (default: the bundled us-east-1 table of `src/cost/prices/`).
 * `estimate(body)` takes the raw `POST /estimate` body and throws ValidationError like the schema.
 */
export function costEstimator(prices: PriceTable = DEFAULT_PRICE_TABLE): CostEstimator {
  return {
    async estimate(body) {
      return estimate(parseEstimateRequest(body), prices);
    },
  };
}
