/**
 * Lambda composition root of the monthly scheduled archive (EventBridge Scheduler target, input
 * `{"scheduled_time": "<aws.scheduler.scheduled-time>", ...}`). Logic: `src/schedule/scheduled-archive.ts`.
 *
 * Environment: read once by `readProcessConfig` (`src/entrypoints/config.ts`): the COLDPACK_*
 * and COLDPACK_SCHEDULE_* variables (no COLDPACK_SCHEDULE_REQUEST = nothing to start, the run is skipped).
 */
import { pino } from 'pino';
import type { ArchiveJobs } from '../../domain/archive-jobs.js';
import { createAwsClients } from '../../adapters/aws-clients.js';
import { archiveServiceForLambda } from '../lambda-archive.js';
import { scheduledArchiveRequest, type ScheduleConfig } from '../schedule-env.js';
import { fireTimeOf, runScheduledArchive, type ScheduledRunResult } from '../../schedule/scheduled-archive.js';
import { ENV } from '../../domain/env-names.js';
import { readProcessConfig } from '../config.js';

const log = pino({ name: 'coldpack-schedule' });
let wired: { schedule: ScheduleConfig | undefined; jobs: ArchiveJobs } | undefined;

function wire(): { schedule: ScheduleConfig | undefined; jobs: ArchiveJobs } {
  const settings = readProcessConfig(process.env);
  const config = settings.coldpack;
  const clients = createAwsClients({ region: config.region, ...(config.endpoint ? { endpoint: config.endpoint } : {}) });
  return { schedule: settings.schedule, jobs: archiveServiceForLambda(settings, clients) };
}

/**
 * Lambda entry. Returns what the run did; throws (so Scheduler retries) when the jobs table or the
 * archive service fails.
 */
export async function handler(event: unknown): Promise<ScheduledRunResult | { action: 'skipped'; reason: string }> {
  wired ??= wire();
  const fireTime = fireTimeOf(event, new Date());
  if (!wired.schedule) {
    const r = { action: 'skipped' as const, reason: `no scheduled archive request configured (${ENV.SCHEDULE_REQUEST})` };
    log.warn({ fireTime, ...r }, 'scheduled archive skipped');
    return r;
  }
  const result = await runScheduledArchive({ jobs: wired.jobs, config: wired.schedule, toRequest: scheduledArchiveRequest }, fireTime);
  log.info({ fireTime, result }, 'scheduled archive');
  return result;
}
