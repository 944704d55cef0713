/** Key naming and key arithmetic shared by archive and restore. Pure functions. */

/** Base name of an S3 key: the part after the last `/` (the whole key when there is none). */
export function baseName(key: string): string {
  const i = key.lastIndexOf('/');
  return i < 0 ? key : key.slice(i + 1);
}

/** Size of a string in UTF-8 bytes (S3 and DynamoDB limits count bytes, not UTF-16 code units). */
export function utf8Length(s: string): number {
  return Buffer.byteLength(s, 'utf8');
}

/** Zero-padded decimal, e.g. `pad(7, 5)` = `00007`. */
export function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/** File index partition key: `<bucket>/<key>` (bucket names cannot contain `/`, so this is unambiguous). */
export function filePk(bucket: string, key: string): string {
  return `${bucket}/${key}`;
}

/** File index name key (GSI `by_name`): `<bucket>#<base name>`. */
export function nameKey(bucket: string, key: string): string {
  return `${bucket}#${baseName(key)}`;
}

/** Deterministic S3 keys of one bundle and its manifest: `bundles/<project>/<job>/<shard>/<seq>.zip`. */
export function bundleKeys(project: string, jobId: string, shard: number, seq: number): { bundle: string; manifest: string } {
  const tail = `${project}/${jobId}/${pad(shard, 5)}/${pad(seq, 6)}`;
  return { bundle: `bundles/${tail}.zip`, manifest: `manifests/${tail}.csv.gz` };
}

/** S3 key of a shard's plan (its slice of the listing): `plans/<project>/<job>/<shard>.csv.gz`. */
export function shardPlanKey(project: string, jobId: string, shard: number): string {
  return `plans/${project}/${jobId}/${pad(shard, 5)}.csv.gz`;
}

/** Key prefix of one shard's bundles: `bundles/<project>/<job>/<shard>/`. */
export function shardBundlePrefix(project: string, jobId: string, shard: number): string {
  return `bundles/${project}/${jobId}/${pad(shard, 5)}/`;
}

/** Key prefixes under which a job writes with multipart uploads: its bundles and its plans. */
export function jobUploadPrefixes(project: string, jobId: string): string[] {
  return [`bundles/${project}/${jobId}/`, `plans/${project}/${jobId}/`];
}

/** Key prefix of the sort runs of a job whose source is a manifest: `plans/<project>/<job>/sort/`. */
export function sortRunPrefix(project: string, jobId: string): string {
  return `plans/${project}/${jobId}/sort/`;
}

/**
 * S3 key of the list of a job's listed objects that a committed bundle of another job already holds
 * (same bucket, key and ETag): not packed again, deleted at finalize with `delete_source`.
 * `plans/<project>/<job>/already-archived.csv.gz` (the columns of a shard plan).
 */
export function alreadyArchivedKey(project: string, jobId: string): string {
  return `plans/${project}/${jobId}/already-archived.csv.gz`;
}

/** Key prefix of the sort runs of the catalog rows of one unsorted job scope: `plans/<project>/<job>/sort/catalog/<n>/`. */
export function catalogSortPrefix(project: string, jobId: string, n: number): string {
  return `plans/${project}/${jobId}/sort/catalog/${pad(n, 4)}/`;
}

/** S3 key of a job's report: `reports/<project>/<job>.json`. */
export function reportKey(project: string, jobId: string): string {
  return `reports/${project}/${jobId}.json`;
}

/** Name of the manifest entry written as each bundle's last entry. */
export const MANIFEST_ENTRY_NAME = '.coldpack/manifest.csv';

/**
 * Decode a key as S3 writes it in S3 Inventory reports, event notifications and
 * `EncodingType=url` listings: URL-encoded with `+` for a space. Decoded exactly once:
 * `a%2Bb` -> `a+b`, `a+b` -> `a b`.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/notification-content-structure.html
 * @throws URIError when the value holds a malformed `%` escape
 */
export function decodeS3UrlKey(raw: string): string {
  return decodeURIComponent(raw.replace(/\+/g, ' '));
}

/**
 * Compare two keys in S3 listing order (UTF-8 bytes), not UTF-16 code units: negative, 0 or
 * positive. Code point order is UTF-8 byte order, so no encoding is needed: UTF-16 code units order
 * alike except a surrogate (a code point ≥ U+10000) against U+E000-U+FFFF, which sorts after.
 */
export function compareKeys(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs && !ys && y >= 0xe000) return 1;
    if (ys && !xs && x >= 0xe000) return -1;
    return x - y;
  }
  return a.length - b.length;
}

/**
 * The first `maxCodePoints` code points of `s` (all of `s` when it has no more). The cut keeps key
 * order as a lower bound: `compareKeys(a, b) ≤ 0` implies `compareKeys(cut(a), cut(b)) ≤ 0`, because
 * prefixes of one length in code points keep a lexicographic order. A cut at a byte budget does not:
 * with 997 bytes P, `P+'～'` (1,000 bytes) fits whole while `P+'😀'` (1,001) is cut to P, below it.
 * @param maxCodePoints how many code points to keep (≥ 0)
 */
export function truncateCodePoints(s: string, maxCodePoints: number): string {
  if (s.length <= maxCodePoints) return s; // fewer UTF-16 units than that: fewer code points
  let end = 0;
  for (let n = 0; n < maxCodePoints && end < s.length; n++) {
    const unit = s.charCodeAt(end);
    end += unit >= 0xd800 && unit <= 0xdbff && end + 1 < s.length ? 2 : 1;
  }
  return s.slice(0, end);
}

/** Whether some key starting with `prefix` can lie in [min, max] (UTF-8 byte order). */
export function rangeMayHoldPrefix(prefix: string, min: string, max: string): boolean {
  if (compareKeys(max, prefix) < 0) return false;
  if (!min.startsWith(prefix) && compareKeys(min, prefix) > 0) return false;
  return true;
}
