/**
 * Reusable Zod field schemas of the HTTP API (bucket names, keys, sizes, ids). Each carries an
 * OpenAPI description; `schemas.ts` composes them into request bodies.
 */
import { z } from 'zod';
import { PERIOD_PATTERN, PROJECT_NAME_PATTERN } from '../domain/archive-request-builder.js';
import { bucketNameProblem } from '../domain/s3-names.js';

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

/** A full S3 object key: 1-1,024 UTF-8 bytes. */
export const ObjectKey = z
  .string()
  .min(1)
  .refine((s) => utf8Bytes(s) <= 1024, { error: 'an S3 key is at most 1,024 UTF-8 bytes' })
  .meta({ description: 'Full S3 object key (1-1,024 UTF-8 bytes), exactly as stored.' });

/** An `s3://bucket/key` URI. */
export const S3Uri = z
  .string()
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
    description:
      "AWS account id (digits; compared with the deployment's account after left-padding to 12 digits). Must be the deployment's account, else 400.",
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
export const Period = z
  .string()
  .regex(PERIOD_PATTERN, { error: 'must be a month yyyy-mm' })
  .meta({ description: 'Month `yyyy-mm`.', example: '2024-04' });
