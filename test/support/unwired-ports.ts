/**
 * Stand-ins for ports whose implementation is not wired into a process yet: every call answers
 * 501 NOT_IMPLEMENTED with a message naming the missing piece, so `/health`, auth and validation
 * work before the archive and restore services are composed in.
 */
import { NotImplementedError } from '../../src/api/http.js';
import type { ArchiveJobs } from '../../src/domain/archive-jobs.js';
import type { FileLookup, RestoreRequests } from '../../src/domain/ports/restore-requests.js';

const fail = (what: string) => async (): Promise<never> => {
  throw new NotImplementedError(`${what} is not wired into this process yet`);
};

/** {@link ArchiveJobs} that answers 501. */
export function unwiredArchiveJobs(): ArchiveJobs {
  return {
    submit: fail('the archive service'),
    get: fail('the archive service'),
    findForPeriod: fail('the archive service'),
    resume: fail('the archive service'),
  };
}

/** {@link RestoreRequests} that answers 501. */
export function unwiredRestoreRequests(): RestoreRequests {
  return { submit: fail('the restore service'), get: fail('the restore service') };
}

/** {@link FileLookup} that answers 501. */
export function unwiredFileLookup(): FileLookup {
  return { byKey: fail('the file index'), byName: fail('the file index') };
}
