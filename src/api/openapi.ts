/**
 * The OpenAPI 3.0 document of the API and the API Gateway request models, generated from the same
 * Zod schemas that validate requests (`schemas.ts`). `scripts/openapi.ts` writes `docs/openapi.json`.
 */
import { z } from 'zod';
import { SchedulePreviewBody } from './routes/files-estimate-schedule.js';
import { DEFAULT_MAX_BODY_BYTES, MAX_JSON_DEPTH } from './http.js';
import { MAX_PAGE_TOKEN_CHARS } from '../domain/page-token.js';
import { MAX_KEY_BYTES } from '../domain/s3-names.js';
import { ArchiveBody, EstimateBody, RestoreBody } from './schemas.js';
import { RESPONSE_SCHEMAS } from './openapi-responses.js';

type Json = Record<string, unknown>;

function strip(value: unknown, keys: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => strip(v, keys));
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value)) if (!keys.includes(k)) out[k] = strip(v, keys);
    return out;
  }
  return value;
}

/**
 * One self-contained JSON Schema of a Zod schema's INPUT (what clients send): the `$ref` to the
 * named definition is inlined.
 * @param target `draft-04` (API Gateway models) or `openapi-3.0`
 */
export function jsonSchemaOf(schema: z.ZodType, target: 'draft-04' | 'openapi-3.0'): Json {
  const raw = z.toJSONSchema(schema, { target, io: 'input', unrepresentable: 'any' }) as Json;
  const defs = (raw.definitions ?? raw.$defs) as Record<string, Json> | undefined;
  const ref = typeof raw.$ref === 'string' ? raw.$ref.split('/').pop() : undefined;
  const { $ref: _r, definitions: _d, $defs: _dd, ...rest } = raw;
  const body = ref && defs?.[ref] ? { ...rest, ...defs[ref] } : rest;
  return body;
}

/**
 * JSON Schemas (draft-4 compatible: API Gateway REST models use draft 4,
 * https://docs.aws.amazon.com/apigateway/latest/developerguide/models-mappings-models.html) of the
 * request bodies, keyed by route family: `archive` (POST /archive), `restore` (POST /restore),
 * `estimate` (POST /estimate). `example` keys are removed. Cross-field rules (exactly one of
 * prefix/s3_prefix; one restore selector) and bucket-name details beyond the pattern are enforced
 * by the handler only. Note: a body API Gateway refuses with these models never reaches the Lambda,
 * so its 400 is API Gateway's (`BAD_REQUEST_BODY` gateway response), not coldpack's
 * `{code, message, field}`; e.g. malformed JSON then gets no line/column. Customize that gateway
 * response, or leave body validation to the handler.
 */
export function requestModels(): Record<string, object> {
  const model = (s: z.ZodType, title: string): object => {
    const { id: _id, ...schema } = strip(jsonSchemaOf(s, 'draft-04'), ['example']) as Json;
    return { ...schema, $schema: 'http://json-schema.org/draft-04/schema#', title };
  };
  return {
    archive: model(ArchiveBody, 'ArchiveRequest'),
    restore: model(RestoreBody, 'RestoreRequest'),
    estimate: model(EstimateBody, 'EstimateRequest'),
  };
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const jsonContent = (schema: object) => ({ 'application/json': { schema } });
const err = (description: string) => ({ description, content: jsonContent(ref('Error')) });
const COMMON = {
  '400': err('Invalid request: malformed JSON, unknown field, wrong type or value, another region/account, unreadable bucket or prefix.'),
  '401': err('Missing credentials (coldpack serve: no "Authorization: Bearer" header).'),
  '403': err('Credentials not accepted.'),
  '500': err('coldpack failed (INTERNAL, CONFIG_ERROR, INTEGRITY_ERROR, ...): the message gives the request id, the details are logged.'),
  '502': err('An AWS call failed (AWS_ERROR).'),
  '503': err('AWS was unreachable or throttled past the retry budget (AWS_UNREACHABLE, AWS_THROTTLED, UNPROCESSED_ITEMS); retry later.'),
};
const limitParam = { name: 'limit', in: 'query', schema: { type: 'integer', minimum: 1, maximum: 1000, default: 1000 } };
const tokenParam = {
  name: 'nextToken',
  in: 'query',
  schema: { type: 'string', minLength: 1, maxLength: MAX_PAGE_TOKEN_CHARS, pattern: '^[A-Za-z0-9_-]+$' },
  description: 'Token of the next page from the previous answer (opaque; a token this API did not issue is a 400 on nextToken).',
};
/** A path id: the router's rule (PATH_ID_PATTERN), else 400 naming it. */
const idParam = (name: string) => ({
  name,
  in: 'path',
  required: true,
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
  description: 'Id as coldpack returned it (1-255 printable ASCII characters); anything else is a 400.',
});
const keyLimits = { type: 'string', minLength: 1, maxLength: MAX_KEY_BYTES };
const idemHeader = {
  name: 'Idempotency-Key',
  in: 'header',
  schema: { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' },
  description: 'Repeating a POST with the same key returns the same job/restore (same as the body field request_id).',
};

function body(name: string) {
  return { required: true, content: jsonContent(ref(name)) };
}

/**
 * The OpenAPI 3.0.3 document of the API.
 * @param opts `version` of the API; `serverUrl` default `http://127.0.0.1:8080` (coldpack serve)
 */
export function buildOpenApi(opts: { version?: string; serverUrl?: string } = {}): Json {
  const oas = (s: z.ZodType) => jsonSchemaOf(s, 'openapi-3.0');
  return {
    openapi: '3.0.3',
    info: {
      title: 'coldpack API',
      version: opts.version ?? '0.1.0',
      description:
        'Archive S3 folders into zip bundles in Glacier Deep Archive and restore single files. Errors are JSON {code, message, field}. ' +
        `Request bodies are limited to ${DEFAULT_MAX_BODY_BYTES} bytes (1 MiB; 413 above, use keys_manifest for long key lists); ` +
        `bodies nest at most ${MAX_JSON_DEPTH} levels; every string is valid Unicode (a lone UTF-16 surrogate is a 400) within the ` +
        'limit of where it is stored (S3 keys 1,024 UTF-8 bytes, ...); every number has a documented bound (400 past it); ' +
        'responses stay under 6 MB (lists are paged with limit/nextToken). In AWS every route but /health needs IAM (SigV4); ' +
        'coldpack serve needs "Authorization: Bearer <token>".',
    },
    servers: [{ url: opts.serverUrl ?? 'http://127.0.0.1:8080', description: 'coldpack serve (local)' }],
    security: [{ bearer: [] }, { sigv4: [] }],
    paths: {
      '/archive': {
        post: {
          summary: 'Start an archive job',
          description:
            'prefix is the source application\'s folder name WITHOUT a trailing slash: "20240410" archives the keys under "20240410/". ' +
            'Use s3_prefix for a raw S3 prefix. 409 when a job for the same bucket and prefix is RUNNING (body has its job_id). ' +
            '502 JOB_START_FAILED when the job was recorded but could not be started: the body has job_id and status (FAILED: lock released, resumable).',
          parameters: [idemHeader],
          requestBody: body('ArchiveRequest'),
          responses: {
            '202': { description: 'Job accepted (or the job of a repeated idempotency key).', content: jsonContent(ref('ArchiveAccepted')) },
            ...COMMON,
            '409': err('A job for the same bucket and prefix is RUNNING; job_id names it.'),
            '413': err('Body over 1 MiB.'),
          },
        },
      },
      '/archive/{job_id}': {
        get: {
          summary: 'Archive job status',
          parameters: [idParam('job_id')],
          responses: {
            '200': { description: 'The job (`stale: true` when it is QUEUED or RUNNING without a sign of life; resume it).', content: jsonContent(ref('Job')) },
            ...COMMON,
            '404': err('No such job.'),
          },
        },
      },
      '/archive/{job_id}/resume': {
        post: {
          summary: 'Resume a FAILED or stale archive job',
          description:
            'Takes over a FAILED job, or a QUEUED/RUNNING one whose heartbeat is stale (no sign of life for 15 minutes), retakes its source lock and starts it again; ' +
            'work already done (planned shards, committed bundles) is kept. A SUCCEEDED or PARTIAL job is answered as is (200).',
          parameters: [idParam('job_id')],
          responses: {
            '200': { description: 'The job had finished; nothing was done.', content: jsonContent(ref('Job')) },
            '202': { description: 'The job was taken over and started.', content: jsonContent(ref('ArchiveAccepted')) },
            ...COMMON,
            '404': err('No such job.'),
            '409': err('The job is alive (fresh heartbeat), or another job holds its source; job_id names it.'),
            '502': err('The job could not be started (JOB_START_FAILED); the body has job_id and the status it was left in.'),
          },
        },
      },
      '/restore': {
        post: {
          summary: 'Restore archived files',
          parameters: [idemHeader],
          requestBody: body('RestoreRequest'),
          responses: {
            '202': {
              description:
                'Restore recorded (status RESOLVING): the files are looked up, recorded and their bundles restored by the restore worker, so the answer does not wait for the selection.',
              content: jsonContent(ref('RestoreAccepted')),
            },
            ...COMMON,
            '413': err('Body over 1 MiB: put the keys in S3 and send keys_manifest.'),
          },
        },
      },
      '/restore/{restore_id}': {
        get: {
          summary: 'Restore status (files paged)',
          parameters: [idParam('restore_id'), limitParam, tokenParam],
          responses: { '200': { description: 'The restore request.', content: jsonContent(ref('Restore')) }, ...COMMON, '404': err('No such restore.') },
        },
      },
      '/files': {
        get: {
          summary: 'Where a file is archived (every generation)',
          description:
            'Give exactly one of key and name. Percent-encode keys: "+" as %2B, space as %20. With the compact catalog a name lookup reads manifests: ' +
            'over 100 of them it is a 400 TOO_MANY_FILES (restore by name, which is asynchronous, or query the Glue table with Athena).',
          parameters: [
            { name: 'key', in: 'query', schema: keyLimits, description: 'Full source key (at most 1,024 UTF-8 bytes).' },
            { name: 'name', in: 'query', schema: keyLimits, description: 'Base file name (at most 1,024 UTF-8 bytes), e.g. 5000_20240517_003.csv.' },
            {
              name: 'bucket',
              in: 'query',
              schema: { type: 'string', minLength: 3, maxLength: 63 },
              description: 'Source bucket (3-63 characters, S3 bucket naming rules; default: all).',
            },
            limitParam,
            tokenParam,
          ],
          responses: { '200': { description: 'A page of archived files.', content: jsonContent(ref('FilesPage')) }, ...COMMON },
        },
      },
      '/estimate': {
        post: {
          summary: 'Cost estimate',
          requestBody: body('EstimateRequest'),
          responses: { '200': { description: 'The estimate.', content: jsonContent({ type: 'object' }) }, ...COMMON, '501': err('No cost model wired.') },
        },
      },
      '/schedule': {
        get: {
          summary: 'The monthly schedule and its next runs',
          responses: { '200': { description: 'Schedule.', content: jsonContent({ type: 'object' }) }, ...COMMON },
        },
      },
      '/schedule/preview': {
        post: {
          summary: 'Validate a schedule and list its next fire times',
          description: 'day_of_month 29-31 is refused (400): use "L" for the last day of every month.',
          requestBody: body('SchedulePreview'),
          responses: { '200': { description: 'Expression and fire times.', content: jsonContent(ref('ScheduleRuns')) }, ...COMMON },
        },
      },
      '/health': {
        get: { summary: 'Liveness (no auth)', security: [], responses: { '200': { description: 'OK', content: jsonContent(ref('Health')) } } },
      },
    },
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', description: 'coldpack serve: COLDPACK_API_TOKEN, --token-file or .coldpack/api-token.' },
        sigv4: { type: 'apiKey', name: 'Authorization', in: 'header', 'x-amazon-apigateway-authtype': 'awsSigv4' },
      },
      schemas: {
        ArchiveRequest: oas(ArchiveBody),
        RestoreRequest: oas(RestoreBody),
        EstimateRequest: oas(EstimateBody),
        SchedulePreview: oas(SchedulePreviewBody),
        ...RESPONSE_SCHEMAS,
      },
    },
  };
}
