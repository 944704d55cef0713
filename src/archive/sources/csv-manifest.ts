import { parse } from 'csv-parse';
import { Readable, pipeline } from 'node:stream';
import type { SourceObject } from '../../domain/model.js';
import { ValidationError } from '../../domain/errors.js';

/**
 * Stream a CSV manifest of objects: rows `bucket,key,size[,etag]` (RFC 4180 quoting; an optional
 * header row whose third column is `size` is skipped). Keys are taken literally (not URL-decoded).
 * @param body the manifest bytes (file stream or GetObject body)
 * @param source label used in error messages (path or s3:// URL)
 * @throws ValidationError naming the line of a malformed row
 */
export async function* readCsvManifest(body: Readable | AsyncIterable<Uint8Array>, source: string): AsyncGenerator<SourceObject> {
  const input = body instanceof Readable ? body : Readable.from(body);
  // pipeline, not .pipe(): an error of the source (a missing file, a broken body) reaches the reader.
  const parser = pipeline(input, parse({ relax_column_count: true, skip_empty_lines: true }), () => undefined);
  let line = 0;
  for await (const row of parser as AsyncIterable<string[]>) {
    line++;
    if (line === 1 && row[2]?.trim().toLowerCase() === 'size') continue;
    const [bucket, key, sizeText, etag] = row;
    const size = Number(sizeText);
    if (!bucket || key === undefined || key === '' || !Number.isSafeInteger(size) || size < 0) {
      throw new ValidationError(`${source} line ${line}: expected bucket,key,size[,etag], got ${JSON.stringify(row).slice(0, 200)}`, 'manifest');
    }
    yield { bucket, key, size, ...(etag ? { etag: etag.replace(/^"|"$/g, '') } : {}) };
  }
}
