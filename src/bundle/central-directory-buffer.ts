/**
 * The central directory of an open zip, kept as the bytes it will be written as: records are
 * appended into 1 MiB chunks, so an entry costs its record's size (46 bytes + name + extra fields)
 * and no per-entry object. Memory: about 120 bytes per entry with a 60-byte name.
 */

/** Bytes of one chunk: 1 MiB. */
const CHUNK_BYTES = 1 << 20;

/** Append-only byte store of central directory records. */
export class CentralDirectoryBuffer {
  private readonly full: Buffer[] = [];
  private current = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;
  private records = 0;
  private total = 0;

  /** Records appended so far. */
  get count(): number {
    return this.records;
  }

  /** Bytes appended so far. */
  get bytes(): number {
    return this.total;
  }

  /** Append one record (copied). */
  append(record: Buffer): void {
    let pos = 0;
    while (pos < record.length) {
      if (this.used === this.current.length) {
        this.full.push(this.current);
        this.current = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, record.length - pos));
        this.used = 0;
      }
      const n = Math.min(record.length - pos, this.current.length - this.used);
      record.copy(this.current, this.used, pos, pos + n);
      this.used += n;
      pos += n;
    }
    this.records++;
    this.total += record.length;
  }

  /** The bytes appended, in order, as chunks of at most 1 MiB (views, not copies). */
  *chunks(): Generator<Buffer> {
    yield* this.full;
    if (this.used > 0) yield this.current.subarray(0, this.used);
  }
}
