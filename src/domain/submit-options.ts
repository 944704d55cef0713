/** Options of a submit call, shared by the archive and restore request ports. */
export interface SubmitOptions {
  /**
   * Client-chosen idempotency key (`Idempotency-Key` header or `request_id` field; the schedule
   * uses `PERIOD#<project>#<yyyy-mm>`). A repeated key returns the job or restore it created first
   * instead of creating another one.
   */
  readonly idempotencyKey?: string;
}
