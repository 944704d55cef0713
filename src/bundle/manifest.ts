import { stringify } from 'csv-stringify/sync';
import { parse } from 'csv-parse';
import { createGunzip } from 'node:zlib';
import { Readable, pipeline } from 'node:stream';
import type { EntryRecord, ZipMethod } from '../domain/model.js';
import { IntegrityError } from '../domain/errors.js';

/**
 * Columns of a bundle manifest (RFC 4180 CSV with a header row, UTF-8; gzip-compressed beside the
 * bundle as `manifests/.../<seq>.csv.gz`, uncompressed as the bundle's last entry
 * `.coldpack/manifest.csv`). Units: bytes; `offset` = local header offset in the bundle; `length`
 * = bytes from the local header to the end of the entry (a ranged GET of `offset..offset+length-1`
 * returns the whole entry); `method` 0 stored / 8 deflated; `crc32` 8 hex digits; `sha256` 64 hex;
 * then the object's other attributes (see `src/domain/object-attributes.ts`): content headers as
 * S3 returned them, `user_metadata` and `tags` as JSON objects ('' when none). Manifests written
 * before these last seven columns existed read back without them.
 */
export const MANIFEST_COLUMNS = [
  'bucket',
  'key',
  'size',
  'etag',
  'version_id',
  'last_modified',
  'content_type',
  'offset',
  'length',
  'compressed_size',
  'method',
  'crc32',
  'sha256',
  'content_encoding',
  'content_disposition',
  'content_language',
  'cache_control',
  'expires',
  'user_metadata',
  'tags',
] as const;

/** The header line of a manifest, with its trailing newline. */
export function manifestHeader(): string {
  return stringify([MANIFEST_COLUMNS as unknown as string[]]);
}

/** One manifest CSV line (with trailing newline) for an entry of source bucket `bucket`. */
export function manifestRow(bucket: string, e: EntryRecord): string {
  return stringify([
    [
      bucket,
      e.key,
      e.size,
      e.etag,
      e.version_id ?? '',
      e.last_modified,
      e.content_type ?? '',
      e.offset,
      e.length,
      e.compressed_size,
      e.method,
      e.crc32,
      e.sha256,
      e.content_encoding ?? '',
      e.content_disposition ?? '',
      e.content_language ?? '',
      e.cache_control ?? '',
      e.expires ?? '',
      e.user_metadata ? JSON.stringify(e.user_metadata) : '',
      e.tags ? JSON.stringify(e.tags) : '',
    ],
  ]);
}

/** An entry as read back from a manifest: the entry plus its source bucket. */
export type ManifestEntry = EntryRecord & { readonly bucket: string };

/** Convert one parsed CSV record (column name -> string) back into a {@link ManifestEntry}. */
export function entryFromManifestRecord(r: Record<string, string>): ManifestEntry {
  const num = (k: string): number => Number(r[k]);
  return {
    bucket: r.bucket ?? '',
    key: r.key ?? '',
    size: num('size'),
    etag: r.etag ?? '',
    ...(r.version_id ? { version_id: r.version_id } : {}),
    last_modified: r.last_modified ?? '',
    ...(r.content_type ? { content_type: r.content_type } : {}),
    offset: num('offset'),
    length: num('length'),
    compressed_size: num('compressed_size'),
    method: num('method') as ZipMethod,
    crc32: r.crc32 ?? '',
    sha256: r.sha256 ?? '',
    ...(r.content_encoding ? { content_encoding: r.content_encoding } : {}),
    ...(r.content_disposition ? { content_disposition: r.content_disposition } : {}),
    ...(r.content_language ? { content_language: r.content_language } : {}),
    ...(r.cache_control ? { cache_control: r.cache_control } : {}),
    ...(r.expires ? { expires: r.expires } : {}),
    ...(r.user_metadata ? { user_metadata: stringMap(r.user_metadata, 'user_metadata') } : {}),
    ...(r.tags ? { tags: stringMap(r.tags, 'tags') } : {}),
  };
}

/** A JSON object of strings from a manifest cell. @throws IntegrityError when the cell is not one */
function stringMap(cell: string, column: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cell);
  } catch {
    parsed = undefined;
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new IntegrityError(`manifest column ${column} is not a JSON object of strings: ${cell.slice(0, 100)}`);
  }
  return parsed as Record<string, string>;
}

/**
 * Stream the entries of a manifest (gzip CSV when `gzip` is true) without loading it whole.
 * @param body the object body (e.g. GetObject `Body`) or any byte stream
 */
export async function* readManifest(body: Readable | AsyncIterable<Uint8Array>, gzip = true): AsyncGenerator<ManifestEntry> {
  const input = body instanceof Readable ? body : Readable.from(body);
  // pipeline, not .pipe(): an error of the source (a missing file, a broken body) reaches the reader.
  const csv = parse({ columns: true, skip_empty_lines: false });
  const parser = gzip ? pipeline(input, createGunzip(), csv, () => undefined) : pipeline(input, csv, () => undefined);
  for await (const rec of parser) yield entryFromManifestRecord(rec as Record<string, string>);
}
