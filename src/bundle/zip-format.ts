/**
 * Zip record layouts (PKWARE APPNOTE 6.3.10, https://pkware.cachefly.net/webdocs/casestudies/APPNOTE.TXT),
 * pure functions that build each record as a Buffer. All integers little-endian.
 */

/** Field value meaning "see the zip64 extra field" (sizes/offsets) — 0xFFFFFFFF. */
export const ZIP32_MAX = 0xffffffff;
/** Entry-count sentinel meaning "see the zip64 end of central directory" — 0xFFFF. */
export const ZIP16_MAX = 0xffff;
/** General-purpose flag bit 3: sizes and CRC follow the data in a data descriptor. */
export const FLAG_DATA_DESCRIPTOR = 0x0008;
/** General-purpose flag bit 11: file name is UTF-8. */
export const FLAG_UTF8 = 0x0800;
/** Version needed to extract: 2.0 (deflate) or 4.5 (zip64). */
export const VERSION_DEFAULT = 20;
export const VERSION_ZIP64 = 45;
/** Version made by: upper byte 3 = Unix (so external attributes carry a Unix mode), lower 4.5. */
export const VERSION_MADE_BY = (3 << 8) | VERSION_ZIP64;

/** MS-DOS date and time fields for a Date, taken in UTC (DOS time has no zone; the 0x5455 extra carries exact UTC). */
export function dosDateTime(date: Date): { time: number; date: number } {
  const year = Math.min(Math.max(date.getUTCFullYear(), 1980), 2107);
  return {
    time: (date.getUTCHours() << 11) | (date.getUTCMinutes() << 5) | Math.floor(date.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((date.getUTCMonth() + 1) << 5) | date.getUTCDate(),
  };
}

/** Extended-timestamp extra field (0x5455) with the modification time in Unix seconds (UTC). 9 bytes. */
export function extendedTimestampExtra(date: Date): Buffer {
  const b = Buffer.alloc(9);
  b.writeUInt16LE(0x5455, 0);
  b.writeUInt16LE(5, 2);
  b.writeUInt8(1, 4); // flags: mtime present
  const secs = Math.floor(date.getTime() / 1000);
  b.writeUInt32LE(Math.min(Math.max(secs, 0), ZIP32_MAX), 5);
  return b;
}

/** A zip64 extended-information extra field (0x0001) holding the given 64-bit values in order. */
export function zip64Extra(values: readonly number[]): Buffer {
  const b = Buffer.alloc(4 + 8 * values.length);
  b.writeUInt16LE(0x0001, 0);
  b.writeUInt16LE(8 * values.length, 2);
  values.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), 4 + 8 * i));
  return b;
}

/** Inputs of a local file header. */
export interface LocalHeaderFields {
  readonly name: Buffer;
  readonly flags: number;
  readonly method: number;
  readonly modified: Date;
  /** CRC-32 (0 when a data descriptor follows). */
  readonly crc32: number;
  /** Compressed size in bytes (0 when a data descriptor follows). */
  readonly compressedSize: number;
  /** Uncompressed size in bytes (0 when a data descriptor follows). */
  readonly size: number;
  /** Write a zip64 extra field (sizes 0xFFFFFFFF in the header, real/zero values in the extra). */
  readonly zip64: boolean;
}

/** Build a local file header (30 bytes + name + extra fields). */
export function localFileHeader(f: LocalHeaderFields): Buffer {
  const extras = [extendedTimestampExtra(f.modified)];
  if (f.zip64) extras.unshift(zip64Extra([f.size, f.compressedSize]));
  const extra = Buffer.concat(extras);
  const { time, date } = dosDateTime(f.modified);
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(f.zip64 ? VERSION_ZIP64 : VERSION_DEFAULT, 4);
  h.writeUInt16LE(f.flags, 6);
  h.writeUInt16LE(f.method, 8);
  h.writeUInt16LE(time, 10);
  h.writeUInt16LE(date, 12);
  h.writeUInt32LE(f.crc32 >>> 0, 14);
  h.writeUInt32LE(f.zip64 ? ZIP32_MAX : f.compressedSize, 18);
  h.writeUInt32LE(f.zip64 ? ZIP32_MAX : f.size, 22);
  h.writeUInt16LE(f.name.length, 26);
  h.writeUInt16LE(extra.length, 28);
  return Buffer.concat([h, f.name, extra]);
}

/** Data descriptor with signature: 16 bytes, or 24 with 64-bit sizes (when the local header has zip64). */
export function dataDescriptor(crc32: number, compressedSize: number, size: number, zip64: boolean): Buffer {
  const b = Buffer.alloc(zip64 ? 24 : 16);
  b.writeUInt32LE(0x08074b50, 0);
  b.writeUInt32LE(crc32 >>> 0, 4);
  if (zip64) {
    b.writeBigUInt64LE(BigInt(compressedSize), 8);
    b.writeBigUInt64LE(BigInt(size), 16);
  } else {
    b.writeUInt32LE(compressedSize, 8);
    b.writeUInt32LE(size, 12);
  }
  return b;
}

/** Inputs of a central directory file header: the local header's fields (sizes and CRC final) plus the offset. */
export interface CentralHeaderFields extends Omit<LocalHeaderFields, 'zip64'> {
  /** Offset of the entry's local header in bytes. */
  readonly offset: number;
}

/** Build a central directory header; zip64 extra holds each of size, compressed size, offset that is ≥ 0xFFFFFFFF. */
export function centralDirectoryHeader(f: CentralHeaderFields): Buffer {
  const big: number[] = [];
  const size32 = f.size >= ZIP32_MAX ? (big.push(f.size), ZIP32_MAX) : f.size;
  const csize32 = f.compressedSize >= ZIP32_MAX ? (big.push(f.compressedSize), ZIP32_MAX) : f.compressedSize;
  const offset32 = f.offset >= ZIP32_MAX ? (big.push(f.offset), ZIP32_MAX) : f.offset;
  const extras = [extendedTimestampExtra(f.modified)];
  if (big.length > 0) extras.unshift(zip64Extra(big));
  const extra = Buffer.concat(extras);
  const { time, date } = dosDateTime(f.modified);
  const h = Buffer.alloc(46);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE(VERSION_MADE_BY, 4);
  h.writeUInt16LE(big.length > 0 ? VERSION_ZIP64 : VERSION_DEFAULT, 6);
  h.writeUInt16LE(f.flags, 8);
  h.writeUInt16LE(f.method, 10);
  h.writeUInt16LE(time, 12);
  h.writeUInt16LE(date, 14);
  h.writeUInt32LE(f.crc32 >>> 0, 16);
  h.writeUInt32LE(csize32, 20);
  h.writeUInt32LE(size32, 24);
  h.writeUInt16LE(f.name.length, 28);
  h.writeUInt16LE(extra.length, 30);
  h.writeUInt16LE(0, 32); // comment length
  h.writeUInt16LE(0, 34); // disk number start
  h.writeUInt16LE(0, 36); // internal attributes
  h.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external: regular file rw-r--r--
  h.writeUInt32LE(offset32, 42);
  return Buffer.concat([h, f.name, extra]);
}

/**
 * End of central directory: the zip64 EOCD record + locator when needed (more than 65,534 entries,
 * or directory size/offset ≥ 0xFFFFFFFF), then the classic EOCD record.
 */
export function endOfCentralDirectory(entries: number, cdSize: number, cdOffset: number): Buffer {
  const needs64 = entries >= ZIP16_MAX || cdSize >= ZIP32_MAX || cdOffset >= ZIP32_MAX;
  const parts: Buffer[] = [];
  if (needs64) {
    const rec = Buffer.alloc(56);
    rec.writeUInt32LE(0x06064b50, 0);
    rec.writeBigUInt64LE(44n, 4); // size of the remaining record
    rec.writeUInt16LE(VERSION_MADE_BY, 12);
    rec.writeUInt16LE(VERSION_ZIP64, 14);
    rec.writeUInt32LE(0, 16);
    rec.writeUInt32LE(0, 20);
    rec.writeBigUInt64LE(BigInt(entries), 24);
    rec.writeBigUInt64LE(BigInt(entries), 32);
    rec.writeBigUInt64LE(BigInt(cdSize), 40);
    rec.writeBigUInt64LE(BigInt(cdOffset), 48);
    const loc = Buffer.alloc(20);
    loc.writeUInt32LE(0x07064b50, 0);
    loc.writeUInt32LE(0, 4);
    loc.writeBigUInt64LE(BigInt(cdOffset + cdSize), 8); // offset of the zip64 EOCD record
    loc.writeUInt32LE(1, 16);
    parts.push(rec, loc);
  }
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(needs64 ? ZIP16_MAX : entries, 8);
  eocd.writeUInt16LE(needs64 ? ZIP16_MAX : entries, 10);
  eocd.writeUInt32LE(needs64 ? ZIP32_MAX : cdSize, 12);
  eocd.writeUInt32LE(needs64 ? ZIP32_MAX : cdOffset, 16);
  eocd.writeUInt16LE(0, 20);
  parts.push(eocd);
  return Buffer.concat(parts);
}
