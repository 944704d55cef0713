/**
 * CloudWatch metrics as embedded-metric-format log lines (stdout of Lambda and Batch tasks is
 * shipped to CloudWatch Logs, which extracts the metric; no PutMetricData call, no extra IAM).
 * Format: https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html
 * The alarm on `Coldpack/JobsFailed` lives in `infra/constructs/alarms.ts`.
 */

/** Namespace and name of the failed-jobs metric (unit Count, no dimensions). */
export const JOBS_FAILED_METRIC = { namespace: 'Coldpack', name: 'JobsFailed' } as const;

/**
 * The EMF log line counting one archive job or restore request that ended FAILED or PARTIAL.
 * @param kind `archive` or `restore`; @param id job or restore id; @param status final status
 * @param now timestamp (default now)
 */
export function jobsFailedLine(kind: 'archive' | 'restore', id: string, status: string, now = new Date()): string {
  return JSON.stringify({
    _aws: {
      Timestamp: now.getTime(),
      CloudWatchMetrics: [{ Namespace: JOBS_FAILED_METRIC.namespace, Dimensions: [[]], Metrics: [{ Name: JOBS_FAILED_METRIC.name, Unit: 'Count' }] }],
    },
    [JOBS_FAILED_METRIC.name]: 1,
    kind,
    id,
    status,
  });
}

/** Write {@link jobsFailedLine} to `write` (default stdout) when `status` is FAILED or PARTIAL. */
export function reportJobOutcome(
  kind: 'archive' | 'restore',
  id: string,
  status: string,
  write: (line: string) => void = (l) => process.stdout.write(l + '\n'),
): void {
  if (status === 'FAILED' || status === 'PARTIAL') write(jobsFailedLine(kind, id, status));
}
