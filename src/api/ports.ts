/**
 * Ports of the HTTP API that are the API's own: the cost estimator and the logger. The archive and
 * restore contracts the route handlers use live in the domain (`src/domain/archive-jobs.ts`,
 * `src/domain/ports/restore-requests.ts`); the composition roots (`src/entrypoints/lambda/api.ts`,
 * `coldpack serve`) pass implementations.
 */

/** Cost estimate port (`POST /estimate`): wraps the cost model's pure `estimate(input, prices)`. */
export interface CostEstimator {
  /**
   * @param input the raw `POST /estimate` body, already checked against `EstimateBody` (`schemas.ts`)
   * @returns a JSON-serializable estimate
   */
  estimate(input: Readonly<Record<string, unknown>>): Promise<unknown>;
}

/** Minimal structured logger (pino-compatible). */
export interface ApiLogger {
  error(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
}
