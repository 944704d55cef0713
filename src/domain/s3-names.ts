/**
 * Naming rules of S3 that the core checks before it calls AWS (a bad name is the caller's error,
 * not an AWS failure).
 */

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;
const RESERVED_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'] as const;
const RESERVED_SUFFIXES = ['-s3alias', '--ol-s3', '.mrap', '--x-s3', '--table-s3'] as const;

/** Longest S3 object key (and so the longest useful prefix): 1,024 UTF-8 bytes. Source: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html */
export const MAX_KEY_BYTES = 1024;

/**
 * Largest S3 object: 48.8 TiB (53,656,167,435,468 bytes, rounded down), the "Maximum object size" of
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/qfacts.html (5 TiB before December 2025).
 */
export const MAX_OBJECT_BYTES = Math.floor(48.8 * 2 ** 40);

/**
 * Why `name` is not a valid S3 general purpose bucket name, or undefined when it is.
 * Rules: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html
 * (3-63 characters; lowercase letters, digits, dots, hyphens; starts and ends with a letter or
 * digit; no `..`; not an IP address; reserved prefixes `xn--`, `sthree-`, `amzn-s3-demo-`;
 * reserved suffixes `-s3alias`, `--ol-s3`, `.mrap`, `--x-s3`, `--table-s3`).
 */
export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `must be 3-63 characters long, got ${name.length}`;
  const bad = name.match(/[^a-z0-9.-]/);
  if (bad) return `may contain only lowercase letters, digits, dots and hyphens; found ${JSON.stringify(bad[0])}`;
  if (!/^[a-z0-9].*[a-z0-9]$/.test(name)) return 'must begin and end with a lowercase letter or a digit';
  if (name.includes('..')) return 'must not contain two adjacent dots';
  if (IPV4.test(name)) return 'must not be formatted as an IP address';
  const pre = RESERVED_PREFIXES.find((p) => name.startsWith(p));
  if (pre) return `must not start with the reserved prefix ${pre}`;
  const suf = RESERVED_SUFFIXES.find((s) => name.endsWith(s));
  if (suf) return `must not end with the reserved suffix ${suf}`;
  return undefined;
}
