/**
 * `POST /archive` (202 `{job_id, status, status_url}`; with `dry_run: true` 200 and the planned job
 * view, nothing written), `GET /archive/{job_id}` and `POST /archive/{job_id}/resume` (202 when a
 * FAILED or stale job was taken over and started, 200 with the view of a finished job, 409 when
 * the job is alive).
 */
import { NotFoundError } from '../../domain/errors.js';
import type { ApiDeps } from '../handler.js';
import { json, parseJsonBody, validate } from '../http.js';
import { checkDeployment, toArchiveRequest } from '../mapping.js';
import { baseUrl, caller, idempotencyKey } from '../request.js';
import type { Route } from '../router.js';
import { ArchiveBody } from '../schemas.js';

/** The archive routes. */
export function archiveRoutes(deps: ApiDeps): Route[] {
  return [
    {
      method: 'POST',
      path: '/archive',
      async handler({ event }) {
        const body = validate(ArchiveBody, parseJsonBody(event, deps.maxBodyBytes), 'archive request');
        checkDeployment(body, deps.deployment);
        const key = idempotencyKey(event, body.request_id);
        const req = toArchiveRequest(body, { now: deps.now(), timeZone: deps.timeZone, requestedBy: caller(event) });
        const job = await deps.archive.submit(req, key === undefined ? {} : { idempotencyKey: key });
        // A dry run writes nothing and leaves no job to poll: answer with the plan itself.
        if (req.dry_run) return json(200, job);
        const statusUrl = `${baseUrl(event)}/archive/${encodeURIComponent(job.job_id)}`;
        return json(202, { job_id: job.job_id, status: job.status, status_url: statusUrl }, { location: statusUrl });
      },
    },
    {
      method: 'POST',
      path: '/archive/{job_id}/resume',
      async handler({ event, params }) {
        const job = await deps.archive.resume(params.job_id ?? '');
        if (job.status === 'SUCCEEDED' || job.status === 'PARTIAL') return json(200, job);
        const statusUrl = `${baseUrl(event)}/archive/${encodeURIComponent(job.job_id)}`;
        return json(202, { job_id: job.job_id, status: job.status, status_url: statusUrl }, { location: statusUrl });
      },
    },
    {
      method: 'GET',
      path: '/archive/{job_id}',
      async handler({ params }) {
        const id = params.job_id ?? '';
        const job = await deps.archive.get(id);
        if (!job) throw new NotFoundError(`no archive job ${JSON.stringify(id)}`, 'job_id');
        return json(200, job);
      },
    },
  ];
}
