import type { ArchiveRequest } from '../../src/domain/archive-request.js';

/** A request archiving `s3://src/<prefix>` with small bundles (1 MB); override any field. */
export function listRequest(prefix: string, over: Partial<ArchiveRequest> = {}): ArchiveRequest {
  return {
    project: 'test',
    source: { kind: 'list', bucket: 'src', prefix },
    max_bundle_bytes: 1_000_000,
    max_files_per_bundle: 100_000,
    storage_class: 'DEEP_ARCHIVE',
    allow_mismatch: false,
    delete_source: true,
    dry_run: false,
    requested_by: 'test',
    shard_max_files: 1_000_000,
    shard_max_bytes: 100 * 1024 ** 3,
    ...over,
  };
}
