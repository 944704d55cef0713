/**
 * Reusable Zod field schemas of the HTTP API (bucket names, keys, sizes, ids). Each carries an
 * OpenAPI description; `schemas.ts` composes them into request bodies.
 */
import { z } from 'zod';
import { PERIOD_PATTERN, PROJECT_NAME_PATTERN } from '../domain/archive-request-builder.js';
import { MAX_PAGE_TOKEN_CHARS } from '../domain/page-token.js';
import { MAX_KEY_BYTES, bucketNameProblem } from '../domain/s3-names.js';

/** Largest safe JSON integer we accept for byte counts (2^53 - 1). */
const MAX_SAFE = Number.MAX_SAFE_INTEGER;

/** Why a bucket name is invalid (the rule lives in `src/domain/s3-names.ts`). */
export { bucketNameProblem };

const BUCKET_PATTERN = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** An S3 general purpose bucket name (see {@link bucketNameProblem}). */
export const BucketName = z
  .string()
  .regex(BUCKET_PATTERN, {
    error: (iss) => `not a valid S3 bucket name: ${bucketNameProblem(String(iss.input)) ?? 'invalid'}`,
  })
  .superRefine((name, ctx) => {
    if (!BUCKET_PATTERN.test(name)) return; // already reported by the pattern check
    const problem = bucketNameProblem(name);
    if (problem) ctx.addIssue({ code: 'custom', message: `not a valid S3 bucket name: ${problem}`, input: name });
  })
  .meta({
    description:
      'S3 bucket name (general purpose bucket naming rules: 3-63 characters, lowercase letters, digits, dots, hyphens; ' +
      'https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html).',
    example: 'amazon-1234567890-us-east-1-src',
  });

/** A project name: used in bundle keys and idempotency keys. */
export const ProjectName = z
  .string()
  .regex(PROJECT_NAME_PATTERN, {
    error: 'must be 1-64 characters: letters, digits, ".", "_", "-", starting with a letter or digit',
  })
  .meta({ description: 'Project name (1-64 characters: letters, digits, ".", "_", "-").', example: 'amazon' });

/** Length of a string in UTF-8 bytes (S3 and DynamoDB limits count bytes, not UTF-16 units). */
export function utf8Bytes(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

const LONE_SURROGATE = /\p{Surrogate}/u;

/**
 * Whether `s` holds a lone UTF-16 surrogate (U+D800-U+DFFF not in a pair): such a string has no
 * UTF-8 encoding, so S3 and DynamoDB cannot store it (Node would silently replace it by U+FFFD).
 * In `u` mode a well-formed pair is one code point, so only a lone half matches.
 */
export function hasLoneSurrogate(s: string): boolean {
  return LONE_SURROGATE.test(s);
}

/**
 * A string quoted for an error message, cut to at most `max` characters (default 80) with "..."
 * so a message never carries unbounded input.
 */
export function quote(s: string, max = 80): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, max - 3)}...` : s);
}

/** Message of the shared string rule for a lone surrogate. */
export const LONE_SURROGATE_MESSAGE = 'must be valid Unicode: a lone UTF-16 surrogate (\\ud800-\\udfff) has no UTF-8 encoding';

/**
 * DynamoDB key attribute limits (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/ServiceQuotas.html#limits-partition-sort-keys):
 * a partition key value is at most 2,048 bytes, a sort key value at most 1,024 bytes.
 */
export const DYNAMODB_PARTITION_KEY_BYTES = 2048;
/** Largest DynamoDB sort key value: 1,024 bytes (see {@link DYNAMODB_PARTITION_KEY_BYTES}). */
export const DYNAMODB_SORT_KEY_BYTES = 1024;

/**
 * The one string rule of the API: `min`-`maxBytes` UTF-8 bytes and valid Unicode (no lone
 * surrogate). Every free-text field is built with it, so every string has the limit of where it
 * ends up (an S3 key, a DynamoDB key attribute, a job record). The OpenAPI document shows
 * `maxLength` = `maxBytes` (characters ≤ bytes) and the description states the byte limit.
 * @param maxBytes most UTF-8 bytes
 * @param min fewest characters (default 1)
 */
export function text(maxBytes: number, min = 1) {
  return z
    .string()
    .min(min)
    .max(maxBytes)
    .refine((s) => !hasLoneSurrogate(s), { error: LONE_SURROGATE_MESSAGE })
    .refine((s) => utf8Bytes(s) <= maxBytes, { error: `at most ${maxBytes.toLocaleString('en-US')} UTF-8 bytes` });
}

/** A full S3 object key: 1-1,024 UTF-8 bytes of valid Unicode. */
export const ObjectKey = text(MAX_KEY_BYTES).meta({
  description: 'Full S3 object key (1-1,024 UTF-8 bytes, https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html), exactly as stored.',
});

/** A raw S3 key prefix: 1-1,024 UTF-8 bytes (no key is longer, so no useful prefix is). */
export const KeyPrefix = text(MAX_KEY_BYTES);

/**
 * A page token (`nextToken`) as this API issues it: 1-{@link MAX_PAGE_TOKEN_CHARS} characters of
 * base64url (its content is checked by the one page-token codec, `src/domain/page-token.ts`).
 */
export const PageToken = z
  .string()
  .min(1)
  .max(MAX_PAGE_TOKEN_CHARS)
  .regex(/^[A-Za-z0-9_-]+$/, { error: 'is not a token this API issued (base64url)' })
  .meta({ description: `Token of the next page from the previous answer (opaque base64url, at most ${MAX_PAGE_TOKEN_CHARS} characters).` });

/**
 * An id in a path (`job_id`, `restore_id`): 1-255 printable ASCII characters, no spaces; every id
 * coldpack issues has this form, and it stays under DynamoDB's key limits.
 */
export const PATH_ID_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** An `s3://bucket/key` URI: at most 5 + 63 + 1 + 1,024 bytes. */
export const S3Uri = text(5 + 63 + 1 + MAX_KEY_BYTES)
  .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/.+$/, { error: 'must be an s3://bucket/key URI' })
  .meta({ description: 'S3 URI `s3://bucket/key`.', example: 's3://my-bucket/lists/keys.txt' });

/** Region name like `us-east-1`. */
export const Region = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d{1,2}$/, { error: 'must be an AWS region name such as us-east-1' })
  .meta({
    description: "AWS region. Must be the deployment's region, else 400 (coldpack does not archive across regions).",
    example: 'us-east-1',
  });

/** AWS account id, 1-12 digits (leading zeros may be missing; compared as a 12-digit id). */
export const AccountId = z
  .string()
  .regex(/^\d{1,12}$/, { error: 'must be an AWS account id (digits only, at most 12)' })
  .meta({
    description: "AWS account id (digits; compared with the deployment's account after left-padding to 12 digits). Must be the deployment's account, else 400.",
    example: '123456789012',
  });

/** A positive safe integer (counts, bytes). */
export const PositiveInt = z.int().min(1).max(MAX_SAFE);

/** A caller-chosen request id (idempotency key): 1-255 printable ASCII characters, no spaces. */
export const RequestId = z
  .string()
  .regex(/^[\x21-\x7e]{1,255}$/, { error: 'must be 1-255 printable ASCII characters without spaces' })
  .meta({
    description:
      'Idempotency key (same as the `Idempotency-Key` header): repeating a POST with the same value returns the same job instead of starting another.',
  });

/** A month `yyyy-mm`. */
export const Period = z.string().regex(PERIOD_PATTERN, { error: 'must be a month yyyy-mm' }).meta({ description: 'Month `yyyy-mm`.', example: '2024-04' });
