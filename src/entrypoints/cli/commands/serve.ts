/**
 * `coldpack serve`: the HTTP API on a local port (the same handler Lambda runs, adapted by
 * `src/api/local-server.ts`), bearer-token auth, the monthly schedule run locally with croner,
 * and a periodic reconcile hook.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { pino } from 'pino';
import { bearerAuthorizer } from '../../../api/auth.js';
import { costEstimator } from '../../../api/cost-estimator.js';
import { createApiHandler } from '../../../api/handler.js';
import { startLocalServer } from '../../../api/local-server.js';
import type { ArchiveJobs } from '../../../domain/archive-jobs.js';
import type { Logger } from '../../../domain/ports/logger.js';
import type { FileLookup, RestoreRequests } from '../../../domain/ports/restore-requests.js';
import { resolveToken } from '../../../api/token.js';
import { ValidationError } from '../../../domain/errors.js';
import { createRestoreService } from '../../restore-composition.js';
import { startLocalSchedule } from '../../../schedule/local-schedule.js';
import { eventBridgeExpression } from '../../../schedule/schedule-config.js';
import { parseScheduleConfig, scheduledArchiveRequest, type ScheduleConfig } from '../../schedule-env.js';
import { ENV } from '../../../domain/env-names.js';
import { runScheduledArchive } from '../../../schedule/scheduled-archive.js';
import { composeArchive } from '../../archive-composition.js';
import { restoreOptionsOf } from '../../config.js';
import type { CliContext } from '../context.js';
import type { RegisterCommand } from './index.js';

interface ServeOptions {
  port: string;
  host: string;
  tokenFile?: string;
  scheduleFile?: string;
  reconcileInterval: string;
}

/** The services `serve` exposes. */
interface ServeServices {
  readonly archive: ArchiveJobs;
  readonly restore: RestoreRequests;
  readonly files: FileLookup;
  /** Restore reconciler (HeadObject `x-amz-restore` of pending bundles), run periodically. */
  readonly reconcile?: () => Promise<unknown>;
}

function wireServices(ctx: CliContext, log: Logger): ServeServices {
  // POST /restore answers at once (RESOLVING); the files are looked up in this process in the background.
  const restore = createRestoreService(ctx.config, ctx.clients, { ...restoreOptionsOf(ctx.settings), resolution: 'background', logger: log });
  // Archive jobs run in this process, in the background (the engine resumes a job re-run after a crash).
  const archive = composeArchive(ctx.config, ctx.clients, { logger: log });
  return { archive: archive.service, restore, files: restore, reconcile: () => restore.reconcile() };
}

function intOption(text: string, name: string, min: number, max: number): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < min || n > max)
    throw new ValidationError(`--${name} must be an integer ${min}-${max}, got ${JSON.stringify(text)}`, `--${name}`);
  return n;
}

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function loadSchedule(ctx: CliContext, file: string | undefined): ScheduleConfig | undefined {
  if (file !== undefined) return parseScheduleConfig(readFileSync(file, 'utf8'), file);
  return ctx.settings.schedule;
}

async function serve(ctx: CliContext, o: ServeOptions): Promise<void> {
  const port = intOption(o.port, 'port', 0, 65535);
  const reconcileSeconds = intOption(o.reconcileInterval, 'reconcile-interval', 1, 86_400);
  const log = pino({ name: 'coldpack-serve' });
  const token = resolveToken({ ...(o.tokenFile ? { tokenFile: o.tokenFile } : {}), ...(ctx.settings.apiToken ? { envToken: ctx.settings.apiToken } : {}) });
  const schedule = loadSchedule(ctx, o.scheduleFile);
  const services = wireServices(ctx, log);
  const handler = createApiHandler({
    archive: services.archive,
    restore: services.restore,
    files: services.files,
    estimator: costEstimator(),
    deployment: { region: ctx.config.region, ...(ctx.config.account ? { account: ctx.config.account } : {}) },
    timeZone: schedule?.time_zone ?? ctx.settings.scheduleTimeZone,
    ...(schedule ? { schedule } : {}),
    authorize: bearerAuthorizer(token.token),
    log,
    version: packageVersion(),
  });
  const server = await startLocalServer({
    handler,
    port,
    host: o.host,
    ...(services.reconcile ? { reconcile: services.reconcile } : {}),
    reconcileIntervalMs: reconcileSeconds * 1000,
    log,
  });
  const local = schedule?.enabled
    ? startLocalSchedule(
        schedule,
        async (fireTime) =>
          log.info(
            { result: await runScheduledArchive({ jobs: services.archive, config: schedule, toRequest: scheduledArchiveRequest }, fireTime) },
            'scheduled archive',
          ),
        (err) => log.error({ err }, 'scheduled archive failed'),
      )
    : undefined;
  const lines = [
    `coldpack API listening on ${server.url}`,
    token.source === 'generated'
      ? `API token (new, saved to ${token.path}): ${token.token}`
      : `API token from ${token.source === 'env' ? ENV.API_TOKEN : token.path}`,
    `  curl -H "Authorization: Bearer ${token.path ? `$(cat ${token.path})` : '$COLDPACK_API_TOKEN'}" ${server.url}/schedule`,
    local
      ? `monthly schedule ${eventBridgeExpression(schedule!)} ${schedule!.time_zone}; next run ${local.next()?.toISOString()}`
      : 'no monthly schedule configured',
    services.reconcile ? `reconciler every ${reconcileSeconds} s` : 'no reconciler wired',
  ];
  ctx.print(
    {
      url: server.url,
      token_source: token.source,
      token_file: token.path,
      ...(token.source === 'generated' ? { token: token.token } : {}),
      next_scheduled_run: local ? local.next()?.toISOString() : null,
    },
    lines.join('\n'),
  );
  await new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      local?.stop();
      void server.close().then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}

/** Register `coldpack serve`. */
export const registerServe: RegisterCommand = (program: Command, ctx, setExit) => {
  program
    .command('serve')
    .description('Serve the HTTP API locally (same handlers as Lambda), run the monthly schedule and the restore reconciler')
    .option('--port <n>', 'TCP port (0 = any free port)', '8080')
    .option('--host <address>', 'bind address', '127.0.0.1')
    .option('--token-file <path>', 'file holding the bearer token (else COLDPACK_API_TOKEN, else .coldpack/api-token, generated if missing)')
    .option('--schedule-file <path>', 'monthly schedule configuration (JSON; else the COLDPACK_SCHEDULE* variables)')
    .option('--reconcile-interval <seconds>', 'seconds between reconciler runs', '60')
    .action(async (o: ServeOptions) => {
      await serve(ctx(), o);
      setExit(0);
    });
};
