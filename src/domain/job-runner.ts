/**
 * Job runner port: how the shards and the finalize step of a planned archive job are executed
 * outside this process. Implemented by `BatchJobRunner` (`src/adapters/batch-job-runner.ts`): one
 * AWS Batch array job over the shards plus a finalize job that `dependsOn` it; the plan step
 * (`coldpack worker plan`, `src/entrypoints/cli/commands/worker.ts`) calls it once the plan exists.
 *
 * In-process runs (CLI, `coldpack serve`, tests) need no runner: `ArchiveEngine.run`
 * (`src/archive/archive-engine.ts`) plans, packs every shard and finalizes in this process, started
 * by the in-process `JobStarter` of `src/entrypoints/archive-composition.ts`.
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
