/**
 * The central directory of an open zip, kept as the bytes it will be written as, compressed: records
 * are appended into a 64 KiB staging block that is deflated (raw deflate, level 6) when full, and the
 * blocks are inflated one at a time when the directory is written. An entry therefore costs the
 * compressed size of its record (46 bytes + name + extra fields, ~90 bytes raw; consecutive records
 * share most of their bytes, so about a third of that) and no per-entry object.
 */
import { deflateRawSync, inflateRawSync } from 'node:zlib';

/** Bytes of one staging block: 64 KiB. */
const BLOCK_BYTES = 64 * 1024;

/** Append-only store of central directory records. */
export class CentralDirectoryBuffer {
  private readonly blocks: Buffer[] = [];
  private staging = Buffer.allocUnsafe(BLOCK_BYTES);
  private used = 0;
  private records = 0;
  private total = 0;
  private stored = 0;

  /** Records appended so far. */
  get count(): number {
    return this.records;
  }

  /** Bytes appended so far (uncompressed: what the directory will take in the zip). */
  get bytes(): number {
    return this.total;
  }

  /** Bytes held in memory now (compressed blocks + the staging block). */
  get heldBytes(): number {
    return this.stored + this.staging.length;
  }

  private seal(): void {
    if (this.used === 0) return;
    const block = deflateRawSync(this.staging.subarray(0, this.used));
    this.blocks.push(block);
    this.stored += block.length;
    this.used = 0;
  }

  /** Append one record (copied). */
  append(record: Buffer): void {
    let pos = 0;
    while (pos < record.length) {
      if (this.used === this.staging.length) this.seal();
      const n = Math.min(record.length - pos, this.staging.length - this.used);
      record.copy(this.staging, this.used, pos, pos + n);
      this.used += n;
      pos += n;
    }
    this.records++;
    this.total += record.length;
  }

  /** Drop the bytes (after they were written out): the buffer holds nothing more, `count` stays. */
  release(): void {
    this.blocks.length = 0;
    this.stored = 0;
    this.staging = Buffer.alloc(0);
    this.used = 0;
  }

  /** The bytes appended, in order, as blocks of at most 64 KiB (inflated one at a time). */
  *chunks(): Generator<Buffer> {
    for (const b of this.blocks) yield inflateRawSync(b);
    if (this.used > 0) yield this.staging.subarray(0, this.used);
  }
}
