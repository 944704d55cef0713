/**
 * Read a zip's central directory with ranged reads (no full download): the end records (classic
 * EOCD, zip64 locator and record; PKWARE APPNOTE 4.3.14-4.3.16), then the directory itself, entry by
 * entry (4.3.12, zip64 extra 4.5.3). Used to find a bundle's manifest entry when its manifest object is
 * missing (`coldpack reindex`).
 */
import { IntegrityError } from '../domain/errors.js';
import { ZIP16_MAX, ZIP32_MAX } from './zip-format.js';

/** Reads bytes `start..end` (inclusive) of the zip. */
export type RangeReader = (start: number, end: number) => Promise<Buffer>;

/** One central directory record. Sizes and offsets in bytes. */
export interface CentralEntry {
  readonly name: string;
  readonly flags: number;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  readonly crc32: number;
  readonly compressedSize: number;
  readonly size: number;
  /** Offset of the entry's local header. */
  readonly offset: number;
}

/** Bytes of the classic EOCD record without its comment: 22. */
const EOCD_BYTES = 22;
/** Longest zip comment: 65,535 bytes. */
const MAX_COMMENT = 0xffff;

/** Where the central directory is and how many entries it holds. */
async function locate(read: RangeReader, size: number): Promise<{ offset: number; size: number; entries: number }> {
  const tailStart = Math.max(0, size - EOCD_BYTES - MAX_COMMENT - 20);
  const tail = await read(tailStart, size - 1);
  let at = -1;
  for (let i = tail.length - EOCD_BYTES; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      at = i;
      break;
    }
  }
  if (at < 0) throw new IntegrityError('no end of central directory record: not a zip file, or truncated');
  let entries = tail.readUInt16LE(at + 10);
  let cdSize = tail.readUInt32LE(at + 12);
  let cdOffset = tail.readUInt32LE(at + 16);
  if (entries === ZIP16_MAX || cdSize === ZIP32_MAX || cdOffset === ZIP32_MAX) {
    const loc = at - 20;
    if (loc < 0 || tail.readUInt32LE(loc) !== 0x07064b50) throw new IntegrityError('zip64 end of central directory locator missing');
    const recordOffset = Number(tail.readBigUInt64LE(loc + 8));
    const rec = await read(recordOffset, recordOffset + 55);
    if (rec.readUInt32LE(0) !== 0x06064b50) throw new IntegrityError('zip64 end of central directory record missing');
    entries = Number(rec.readBigUInt64LE(32));
    cdSize = Number(rec.readBigUInt64LE(40));
    cdOffset = Number(rec.readBigUInt64LE(48));
  }
  return { offset: cdOffset, size: cdSize, entries };
}

/** Values a zip64 extra field (0x0001) holds for the fields that are 0xFFFFFFFF, in APPNOTE order. */
function zip64Values(extra: Buffer): bigint[] {
  for (let i = 0; i + 4 <= extra.length;) {
    const id = extra.readUInt16LE(i);
    const len = extra.readUInt16LE(i + 2);
    if (id === 0x0001) {
      const out: bigint[] = [];
      for (let j = 0; j + 8 <= len; j += 8) out.push(extra.readBigUInt64LE(i + 4 + j));
      return out;
    }
    i += 4 + len;
  }
  return [];
}

/**
 * Every central directory record of the zip of `size` bytes, in order.
 * @throws IntegrityError when the end records or a directory record are not where they should be
 */
export async function readCentralDirectory(read: RangeReader, size: number): Promise<CentralEntry[]> {
  const where = await locate(read, size);
  const cd = where.size === 0 ? Buffer.alloc(0) : await read(where.offset, where.offset + where.size - 1);
  const out: CentralEntry[] = [];
  let p = 0;
  while (p + 46 <= cd.length) {
    if (cd.readUInt32LE(p) !== 0x02014b50) throw new IntegrityError(`central directory record ${out.length} has a bad signature`);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const extra = cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen);
    const big = zip64Values(extra);
    const next = (): number => Number(big.shift() ?? 0n);
    const size32 = cd.readUInt32LE(p + 24);
    const csize32 = cd.readUInt32LE(p + 20);
    const offset32 = cd.readUInt32LE(p + 42);
    const entrySize = size32 === ZIP32_MAX ? next() : size32;
    const compressedSize = csize32 === ZIP32_MAX ? next() : csize32;
    const offset = offset32 === ZIP32_MAX ? next() : offset32;
    out.push({
      name: cd.subarray(p + 46, p + 46 + nameLen).toString('utf8'),
      flags: cd.readUInt16LE(p + 8),
      method: cd.readUInt16LE(p + 10),
      crc32: cd.readUInt32LE(p + 16),
      compressedSize,
      size: entrySize,
      offset,
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  if (out.length !== where.entries) throw new IntegrityError(`central directory holds ${out.length} records, its end record says ${where.entries}`);
  return out;
}
