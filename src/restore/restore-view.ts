/** What callers see of a recorded restore request and its files. Pure. */
import type { RestoreFileView, RestoreView } from '../domain/restore-request.js';
import type { RestoreFileRecord, RestoreRequestRecord } from '../domain/restore-records.js';

/** The view of one file. */
export function fileView(f: RestoreFileRecord): RestoreFileView {
  return {
    key: f.key,
    status: f.status,
    ...(f.bucket ? { bucket: f.bucket } : {}),
    ...(f.bundle_key ? { bundle_key: f.bundle_key } : {}),
    ...(f.storage_class ? { storage_class: f.storage_class } : {}),
    ...(f.size !== undefined ? { size: f.size } : {}),
    ...(f.location ? { location: f.location } : {}),
    ...(f.error_code ? { error_code: f.error_code } : {}),
    ...(f.message ? { message: f.message } : {}),
    ...(f.archived_at ? { archived_at: f.archived_at, job_id: f.job_id } : {}),
    updated_at: f.updated_at,
  };
}

/**
 * The view of a request. Status: the final one once recorded (AVAILABLE, PARTIAL, FAILED), else
 * RESOLVING while its files are looked up, EXTRACTING if a file is being extracted, RESTORING if one
 * waits for its bundle, else PENDING. `errors` holds a refused selection (`resolve_error`, e.g.
 * AMBIGUOUS_NAME with its candidates) and a failed notification.
 */
export function toView(req: RestoreRequestRecord, files: readonly RestoreFileRecord[]): RestoreView {
  const counts = new Map<string, number>();
  for (const f of files) counts.set(f.status, (counts.get(f.status) ?? 0) + 1);
  const count = (s: string): number => counts.get(s) ?? 0;
  const status =
    req.status ?? (req.resolution === 'RESOLVING' ? 'RESOLVING' : count('EXTRACTING') > 0 ? 'EXTRACTING' : count('RESTORING') > 0 ? 'RESTORING' : 'PENDING');
  const errors = [...(req.resolve_error ? [req.resolve_error] : []), ...(req.notify_error ? [{ code: 'NOTIFY_FAILED', message: req.notify_error }] : [])];
  return {
    restore_id: req.restore_id,
    status,
    request: req.request,
    files: files.map(fileView),
    counters: {
      files: files.length,
      bundles: req.bundles,
      files_pending: count('PENDING'),
      files_restoring: count('RESTORING'),
      files_extracting: count('EXTRACTING'),
      files_available: count('AVAILABLE'),
      files_failed: count('FAILED'),
      files_not_found: count('NOT_FOUND'),
      // A list kept apart from the request record is not echoed (`request.selection` shows it empty): its length is.
      ...(req.selection_count !== undefined ? { selection_items: req.selection_count } : {}),
    },
    created_at: req.created_at,
    updated_at: req.updated_at,
    ...(errors.length > 0 ? { errors } : {}),
  };
}
