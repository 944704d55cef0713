import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import { createDeflateRaw, deflateRaw } from 'node:zlib';
import { promisify } from 'node:util';
import { pipeline } from 'node:stream/promises';
import type { ZipMethod } from '../domain/model.js';
import { IntegrityError } from '../domain/errors.js';
import { FLAG_DATA_DESCRIPTOR, FLAG_UTF8, ZIP32_MAX, centralDirectoryHeader, dataDescriptor, endOfCentralDirectory, localFileHeader } from './zip-format.js';
import { CentralDirectoryBuffer } from './central-directory-buffer.js';

const deflateRawAsync = promisify(deflateRaw);

/** Where zip bytes go. `write` resolves when the chunk is accepted (backpressure). */
export interface ByteSink {
  /** Accept the next bytes of the bundle, in order. */
  write(chunk: Buffer): Promise<void>;
}

/** What the writer records about one entry, from what was actually written. */
export interface WrittenEntry {
  readonly name: string;
  /** Offset of the local header in bytes. */
  readonly offset: number;
  /** Bytes from the local header to the end of data (+ data descriptor). */
  readonly length: number;
  readonly compressedSize: number;
  readonly size: number;
  readonly method: ZipMethod;
  /** CRC-32 as an unsigned 32-bit number. */
  readonly crc32: number;
  /** SHA-256 of the uncompressed bytes, lowercase hex. */
  readonly sha256: string;
}

/** Entry metadata given by the caller. */
export interface EntryInput {
  /** Entry name (the full source key); stored as UTF-8 with flag bit 11. */
  readonly name: string;
  /** Modification time (the object's LastModified). */
  readonly modified: Date;
}

/** Streamed entries at or above this many bytes get zip64 sizes in their local header and descriptor. */
export const STREAM_ZIP64_THRESHOLD = 0xf0000000;

/**
 * Streaming zip writer for one bundle. Entries are written one after another into a {@link ByteSink};
 * offsets and lengths are recorded from the bytes actually written. zip64 records are used whenever a
 * size, an offset or the entry count needs them (PKWARE APPNOTE 4.3.9, 4.4.1.4, 4.5.3).
 *
 * Memory: each entry's central-directory record (46 bytes + the name + 9 bytes of extra field) is
 * kept deflated until {@link finish}, with no per-entry object ({@link CentralDirectoryBuffer}):
 * a few MB for the default cap of 100,000 entries per bundle.
 */
export class ZipBundleWriter {
  private position = 0;
  private readonly central = new CentralDirectoryBuffer();
  private finished = false;

  /** @param sink destination of the zip bytes */
  constructor(private readonly sink: ByteSink) {}

  /** Bytes written so far. */
  get bytesWritten(): number {
    return this.position;
  }

  /** Entries written so far. */
  get entryCount(): number {
    return this.central.count;
  }

  private async emit(chunk: Buffer): Promise<void> {
    if (chunk.length === 0) return;
    this.position += chunk.length;
    await this.sink.write(chunk);
  }

  /**
   * Add an entry whose bytes are all in memory. Sizes and CRC go into the local header (no data
   * descriptor). With `method` 8 the data is deflated; pass 0 to store it.
   */
  async addBuffer(input: EntryInput, data: Buffer, method: ZipMethod): Promise<WrittenEntry> {
    const payload = method === 8 ? await deflateRawAsync(data) : data;
    return this.addPrepared(input, data, payload, method);
  }

  /**
   * Add an entry from pre-computed compressed bytes (`payload`) of `data`, e.g. when the caller
   * already tried deflate to choose the method.
   */
  async addPrepared(input: EntryInput, data: Buffer, payload: Buffer, method: ZipMethod): Promise<WrittenEntry> {
    this.assertOpen();
    const name = Buffer.from(input.name, 'utf8');
    const crc = crc32(data);
    const zip64 = data.length >= ZIP32_MAX || payload.length >= ZIP32_MAX;
    const offset = this.position;
    const flags = FLAG_UTF8;
    await this.emit(localFileHeader({ name, flags, method, modified: input.modified, crc32: crc, compressedSize: payload.length, size: data.length, zip64 }));
    await this.emit(payload);
    this.central.append(
      centralDirectoryHeader({ name, flags, method, modified: input.modified, crc32: crc, compressedSize: payload.length, size: data.length, offset }),
    );
    return {
      name: input.name,
      offset,
      length: this.position - offset,
      compressedSize: payload.length,
      size: data.length,
      method,
      crc32: crc,
      sha256: createHash('sha256').update(data).digest('hex'),
    };
  }

  /**
   * Add an entry from a stream of chunks (large objects), without holding it in memory.
   * - Stored (`method` 0) with `knownCrc32`: sizes and CRC-32 go into the local header and no data
   *   descriptor follows, so streaming readers (Java's `ZipInputStream`, `bsdtar` reading a pipe)
   *   can read the entry; the CRC-32 of the bytes that arrive is checked against `knownCrc32`.
   * - Deflated (`method` 8): a data descriptor follows the data (PKWARE APPNOTE 4.3.9), which
   *   streaming readers handle for deflated entries (the deflate stream marks its own end).
   * - Stored without `knownCrc32`: a data descriptor follows; streaming readers cannot find the end
   *   of such an entry (Java: "only DEFLATED entries can have EXT descriptor"), so the archive
   *   packer never writes one; kept for reading tests of older bundles.
   * @param expectedSize size in bytes announced by the source; the stream must deliver exactly this
   * @param knownCrc32 CRC-32 of the whole source (unsigned), when known before the bytes are read
   * @throws IntegrityError when the stream delivers another number of bytes or, with `knownCrc32`,
   *   other bytes (the bundle is then unusable)
   */
  async addStream(input: EntryInput, source: AsyncIterable<Uint8Array>, method: ZipMethod, expectedSize: number, knownCrc32?: number): Promise<WrittenEntry> {
    this.assertOpen();
    const name = Buffer.from(input.name, 'utf8');
    const known = method === 0 && knownCrc32 !== undefined;
    const zip64 = known ? expectedSize >= ZIP32_MAX : expectedSize >= STREAM_ZIP64_THRESHOLD;
    const flags = known ? FLAG_UTF8 : FLAG_UTF8 | FLAG_DATA_DESCRIPTOR;
    const offset = this.position;
    const headerCrc = known ? knownCrc32 >>> 0 : 0;
    const headerSize = known ? expectedSize : 0;
    await this.emit(localFileHeader({ name, flags, method, modified: input.modified, crc32: headerCrc, compressedSize: headerSize, size: headerSize, zip64 }));
    const hash = createHash('sha256');
    let crc = 0;
    let size = 0;
    const dataStart = this.position;
    const measure = async function* (src: AsyncIterable<Uint8Array>): AsyncGenerator<Buffer> {
      for await (const c of src) {
        const chunk = Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength);
        crc = crc32(chunk, crc);
        hash.update(chunk);
        size += chunk.length;
        yield chunk;
      }
    };
    const write = async (src: AsyncIterable<Buffer>): Promise<void> => {
      for await (const chunk of src) await this.emit(chunk);
    };
    if (method === 0) await pipeline(source, measure, write);
    else await pipeline(source, measure, createDeflateRaw(), write);
    const compressedSize = this.position - dataStart;
    if (size !== expectedSize) {
      throw new IntegrityError(`entry ${input.name}: source delivered ${size} bytes, listing announced ${expectedSize}`);
    }
    if (known && crc >>> 0 !== headerCrc) {
      throw new IntegrityError(`entry ${input.name}: CRC-32 of the bytes read ${(crc >>> 0).toString(16)} != ${headerCrc.toString(16)} known before`);
    }
    if (!known) await this.emit(dataDescriptor(crc, compressedSize, size, zip64));
    this.central.append(centralDirectoryHeader({ name, flags, method, modified: input.modified, crc32: crc, compressedSize, size, offset }));
    return { name: input.name, offset, length: this.position - offset, compressedSize, size, method, crc32: crc, sha256: hash.digest('hex') };
  }

  /**
   * Write the central directory and end records. No entry may be added afterwards.
   * @returns total bundle size in bytes and number of entries
   */
  async finish(): Promise<{ bytes: number; entries: number }> {
    this.assertOpen();
    this.finished = true;
    const cdOffset = this.position;
    for (const chunk of this.central.chunks()) await this.emit(chunk);
    this.central.release(); // written: the bundle's last big buffer is not held any longer
    const cdSize = this.position - cdOffset;
    await this.emit(endOfCentralDirectory(this.central.count, cdSize, cdOffset));
    return { bytes: this.position, entries: this.central.count };
  }

  private assertOpen(): void {
    if (this.finished) throw new Error('ZipBundleWriter: finish() was already called');
  }
}
