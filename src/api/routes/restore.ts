/** `POST /restore` and `GET /restore/{restore_id}` (files paged with `limit`/`nextToken`). */
import { z } from 'zod';
import { NotFoundError } from '../../domain/errors.js';
import type { ApiDeps } from '../handler.js';
import { json, parseJsonBody, validate } from '../http.js';
import { checkDeployment, toRestoreInput } from '../mapping.js';
import { LimitParam, baseUrl, caller, idempotencyKey, pageOf, queryParams } from '../request.js';
import type { Route } from '../router.js';
import { RestoreBody } from '../schemas.js';
import { PageToken } from '../fields.js';

/** Hint in 413 answers: where long key lists go instead. */
export const RESTORE_BULK_HINT = 'For long key lists, upload them to S3 (one key per line) and send {"keys_manifest": "s3://bucket/key"} instead.';

const RestoreQuery = z.strictObject({ limit: LimitParam, nextToken: PageToken.optional() });

/** The restore routes. */
export function restoreRoutes(deps: ApiDeps): Route[] {
  return [
    {
      method: 'POST',
      path: '/restore',
      async handler({ event }) {
        const body = validate(RestoreBody, parseJsonBody(event, deps.maxBodyBytes, RESTORE_BULK_HINT), 'restore request');
        checkDeployment(body, deps.deployment);
        const key = idempotencyKey(event, body.request_id);
        const view = await deps.restore.submit(toRestoreInput(body, caller(event)), key === undefined ? {} : { idempotencyKey: key });
        const statusUrl = `${baseUrl(event)}/restore/${encodeURIComponent(view.restore_id)}`;
        return json(202, { restore_id: view.restore_id, status: view.status, status_url: statusUrl }, { location: statusUrl });
      },
    },
    {
      method: 'GET',
      path: '/restore/{restore_id}',
      async handler({ event, params }) {
        const q = queryParams(event, RestoreQuery);
        const id = params.restore_id ?? '';
        const view = await deps.restore.get(id);
        if (!view) throw new NotFoundError(`no restore request ${JSON.stringify(id)}`, 'restore_id');
        const page = pageOf(view.files, q.limit ?? 1000, q.nextToken);
        return json(200, { ...view, files: page.items, ...(page.nextToken ? { nextToken: page.nextToken } : {}) });
      },
    },
  ];
}
