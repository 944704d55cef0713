/** Options of a submit call, shared by the archive and restore request ports. */
export interface SubmitOptions {
  /**
   * Client-chosen idempotency key (`Idempotency-Key` header or `request_id` field; the schedule
   * uses `PERIOD#<project>#<yyyy-mm>`). A repeated key returns the job or restore it created first
   * instead of creating another one.
   */
  readonly idempotencyKey?: string;
  /**
   * Called with the id once the request is recorded, before the work starts (the CLI prints it at
   * once, so an interrupted `restore --wait` can be followed). Not called for an earlier request
   * returned by its idempotency key.
   */
  readonly onRecorded?: (id: string) => void;
}
