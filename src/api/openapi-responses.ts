/** OpenAPI 3.0 schemas of the API's responses (hand-written; they mirror `ports.ts`). */
import { ERROR_CODES } from '../domain/error-codes.js';

const str = { type: 'string' };
const int = { type: 'integer' };
const counters = { type: 'object', additionalProperties: int };
const jobStatus = { type: 'string', enum: ['QUEUED', 'RUNNING', 'SUCCEEDED', 'PARTIAL', 'FAILED'] };

/** Response schemas keyed by component name. */
export const RESPONSE_SCHEMAS: Record<string, object> = {
  Error: {
    type: 'object',
    required: ['code', 'message'],
    properties: {
      code: {
        ...str,
        enum: Object.keys(ERROR_CODES),
        example: 'VALIDATION_ERROR',
        description: 'Error code; its HTTP status is fixed (src/domain/error-codes.ts).',
      },
      message: { ...str, description: "4xx: what was wrong. 5xx: the code's meaning and the request id only (details are logged)." },
      field: { ...str, description: 'The request field the error is about.' },
      job_id: { ...str, description: '409 only: the RUNNING job.' },
      issues: { type: 'array', items: { type: 'object', properties: { field: str, message: str } } },
    },
  },
  ArchiveAccepted: {
    type: 'object',
    required: ['job_id', 'status', 'status_url'],
    properties: { job_id: str, status: jobStatus, status_url: { ...str, format: 'uri' } },
  },
  Job: {
    type: 'object',
    required: ['job_id', 'status', 'request', 'counters', 'created_at', 'updated_at'],
    properties: {
      job_id: str,
      status: jobStatus,
      request: { type: 'object', description: 'The normalized archive request (source, max_bundle_bytes, storage_class, period...).' },
      counters,
      created_at: { ...str, format: 'date-time' },
      updated_at: { ...str, format: 'date-time' },
      errors: { type: 'array', items: { type: 'object', properties: { code: str, message: str, key: str } } },
      report: { type: 'object' },
      heartbeat_at: { ...str, format: 'date-time', description: 'Last heartbeat of the process running the job.' },
      stale: { type: 'boolean', description: 'QUEUED or RUNNING without a sign of life for 15 minutes: resume it with POST /archive/{job_id}/resume.' },
    },
  },
  RestoreAccepted: {
    type: 'object',
    required: ['restore_id', 'status_url'],
    properties: {
      restore_id: str,
      status: { ...str, description: 'RESOLVING: the request is recorded; its files are looked up by the restore worker (follow status_url).' },
      status_url: { ...str, format: 'uri' },
    },
  },
  Restore: {
    type: 'object',
    required: ['restore_id', 'status', 'files', 'created_at', 'updated_at'],
    properties: {
      restore_id: str,
      status: {
        ...str,
        description: 'RESOLVING (files being looked up), PENDING, RESTORING, EXTRACTING, or the final AVAILABLE, PARTIAL, FAILED.',
      },
      request: { type: 'object' },
      files: {
        type: 'array',
        items: {
          type: 'object',
          properties: {
            key: str,
            status: { type: 'string', enum: ['PENDING', 'RESTORING', 'EXTRACTING', 'AVAILABLE', 'FAILED', 'NOT_FOUND'] },
            bundle_key: str,
            location: str,
            message: str,
          },
        },
      },
      counters,
      errors: {
        type: 'array',
        description:
          'Why the request as a whole failed or could not notify: e.g. AMBIGUOUS_NAME (with every candidate), TOO_MANY_FILES, TIER_NOT_ALLOWED, NOTIFY_FAILED.',
        items: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: str,
            message: str,
            field: str,
            candidates: { type: 'array', items: str, description: 'AMBIGUOUS_NAME: every matching s3://bucket/key (up to 256 KiB of them).' },
            candidates_total: { type: 'integer' },
            candidates_truncated: { type: 'boolean' },
          },
        },
      },
      created_at: { ...str, format: 'date-time' },
      updated_at: { ...str, format: 'date-time' },
      nextToken: { ...str, description: 'Present when more files follow.' },
    },
  },
  FilesPage: {
    type: 'object',
    required: ['items'],
    properties: {
      items: {
        type: 'array',
        items: {
          type: 'object',
          description:
            'Archived file (a manifest row with its bundle): key, bucket, bundle_key, archive_bucket, storage_class, offset, length, size, sha256, crc32, job_id, archived_at...',
        },
      },
      nextToken: str,
    },
  },
  ScheduleRuns: {
    type: 'object',
    properties: {
      expression: { ...str, example: 'cron(0 3 10 * ? *)' },
      time_zone: str,
      next_runs: { type: 'array', items: { type: 'object', properties: { utc: str, local: str } } },
    },
  },
  Health: { type: 'object', properties: { status: str, time: str, region: str, version: str } },
};
