/**
 * Job runner port: how an archive job's work is executed. Two adapters:
 * - in-process (`src/archive/in-process-runner.ts`): plan, shards and finalize in this process
 *   (CLI, `coldpack serve`, tests);
 * - AWS Batch (`src/adapters/batch-job-runner.ts`): one array job over the shards plus a finalize
 *   job that `dependsOn` it.
 */
export interface JobRunner {
  /**
   * Run (or submit) the shards and the finalize step of a planned archive job.
   * @param jobId archive job id whose plan (shard manifests) is already stored
   * @param shardCount number of shards in the plan (≥ 1)
   * @returns a runner-specific reference (e.g. Batch job ids), for status
   */
  runPlannedJob(jobId: string, shardCount: number): Promise<{ runner: string; refs: string[] }>;
}
