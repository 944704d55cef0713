/**
 * Streams a bundle's manifest rows into one gzip stream as the entries are written, so an open
 * bundle holds its manifest only compressed (about 60-80 bytes per entry) and never as rows or
 * objects. The same gzip bytes become the manifest object beside the bundle and, inflated on the fly,
 * the bundle's last zip entry.
 */
import { once } from 'node:events';
import { Readable } from 'node:stream';
import { createGunzip, createGzip, type Gzip } from 'node:zlib';
import type { EntryRecord } from '../domain/model.js';
import { manifestHeader, manifestRow } from './manifest.js';

/** The finished manifest. */
export interface FinishedManifest {
  /** The gzip-compressed CSV (header + rows), as zlib produced it (one buffer: `Buffer.concat`). */
  readonly gzip: readonly Buffer[];
  /** Compressed size in bytes. */
  readonly gzipBytes: number;
  /** Size of the uncompressed CSV in bytes. */
  readonly rawBytes: number;
  /** Data rows written. */
  readonly rows: number;
}

/** Builds one manifest (gzip CSV) row by row. */
export class ManifestWriter {
  private readonly gzip: Gzip = createGzip();
  private readonly chunks: Buffer[] = [];
  private raw = 0;
  private rowCount = 0;
  private failure: unknown;
  private finished: FinishedManifest | undefined;

  constructor() {
    this.gzip.on('data', (c: Buffer) => this.chunks.push(c));
    this.gzip.on('error', (err) => {
      this.failure ??= err;
    });
    this.writeText(manifestHeader());
  }

  private writeText(text: string): boolean {
    this.raw += Buffer.byteLength(text, 'utf8');
    return this.gzip.write(text);
  }

  /**
   * Append the row of entry `e` of source bucket `bucket`; resolves once zlib accepts more.
   * @throws the compressor's error, if it failed
   */
  async add(bucket: string, e: EntryRecord): Promise<void> {
    if (this.failure) throw this.failure;
    this.rowCount++;
    if (!this.writeText(manifestRow(bucket, e))) await once(this.gzip, 'drain');
  }

  /** Data rows so far. */
  get rows(): number {
    return this.rowCount;
  }

  /** End the gzip stream. Runs once; later calls return the same result. @throws the compressor's error */
  async finish(): Promise<FinishedManifest> {
    if (this.finished) return this.finished;
    const ended = once(this.gzip, 'end');
    this.gzip.end();
    await ended;
    if (this.failure) throw this.failure;
    // The chunks are kept as they are (no copy while the bundle's central directory is still held).
    this.finished = { gzip: [...this.chunks], gzipBytes: this.chunks.reduce((n, c) => n + c.length, 0), rawBytes: this.raw, rows: this.rowCount };
    this.chunks.length = 0;
    return this.finished;
  }

  /** Release the compressor (after a failure, when {@link finish} is not called). */
  destroy(): void {
    this.gzip.destroy();
  }
}

/** The uncompressed CSV of a finished manifest, as a stream (inflated chunk by chunk). */
export function manifestCsvStream(manifest: FinishedManifest): Readable {
  return Readable.from(manifest.gzip).pipe(createGunzip());
}
