import { ValidationError } from '../domain/errors.js';

/** 1 KiB = 1,024 bytes. */
export const KIB = 1024;
/** 1 MiB = 1,048,576 bytes. */
export const MIB = 1024 * 1024;
/** 1 GiB = 1,073,741,824 bytes. */
export const GIB = 1024 * 1024 * 1024;
/** 1 MB = 1,000,000 bytes (the unit of the source application's `archive_size`). */
export const MB = 1_000_000;

/**
 * Bytes in one billed "GB" of S3 and DynamoDB storage and retrieval: 2^30 bytes.
 * Source: the S3 FAQ worked example bills 10,995,116,277,760 bytes as 10 TB
 * (https://aws.amazon.com/s3/faqs/), and DynamoDB "denotes 1 KB = 1024 bytes, 1 GB = 1024 MB"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html).
 */
export const BILLED_GB_BYTES = GIB;

/** Bytes of one "KB" in AWS's per-object archive overhead and lifecycle size rules (1,024). */
export const AWS_KB_BYTES = KIB;

const SIZE_UNITS: Readonly<Record<string, number>> = {
  '': 1,
  b: 1,
  kb: 1_000,
  mb: 1_000_000,
  gb: 1_000_000_000,
  tb: 1_000_000_000_000,
  kib: KIB,
  mib: MIB,
  gib: GIB,
  tib: GIB * 1024,
};

/**
 * Parse a byte size such as `100000`, `100KB`, `1.5 MB`, `1MiB`, `2GiB`.
 * Decimal units (KB, MB, GB, TB) are powers of 1,000; binary units (KiB, MiB, GiB, TiB) of 1,024.
 * Case-insensitive.
 *
 * @param text the size as typed by a user
 * @param field the input field name reported in errors (e.g. `avg-size`)
 * @returns a non-negative number of bytes, rounded to the nearest integer
 * @throws ValidationError when the text is not a number with an optional known unit
 */
export function parseByteSize(text: string, field: string): number {
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const factor = match ? SIZE_UNITS[(match[2] ?? '').toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw new ValidationError(`${field}: expected a byte size such as 100000, 100KB, 1.5MB or 1MiB, got ${JSON.stringify(text)}`, field);
  }
  return Math.round(Number(match[1]) * factor);
}

/**
 * Parse a positive integer count such as `1000000` or `1_000_000` or `1,000,000`.
 * @param text the count as typed
 * @param field the input field name reported in errors
 * @throws ValidationError when the text is not a non-negative integer
 */
export function parseCount(text: string, field: string): number {
  const cleaned = text.trim().replace(/[_,]/g, '');
  if (!/^\d+$/.test(cleaned)) {
    throw new ValidationError(`${field}: expected a whole number such as 1000000, got ${JSON.stringify(text)}`, field);
  }
  return Number(cleaned);
}

/** Format bytes for humans with binary units, e.g. `93.1 GiB`. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  while (Math.abs(value) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${unit === 0 ? value.toFixed(0) : value.toFixed(1)} ${units[unit]}`;
}

/** Format US dollars for humans: 4 decimals under $1, cents above, sign first, e.g. `$0.0123`, `$50.00`, `-$21.01`. */
export function formatUsd(usd: number): string {
  const sign = usd < 0 ? '-' : '';
  const abs = Math.abs(usd);
  if (abs !== 0 && abs < 1) return `${sign}$${abs.toFixed(4)}`;
  return `${sign}$${abs.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
}
