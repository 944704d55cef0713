import { createHash } from 'node:crypto';
import { crc32, inflateRawSync } from 'node:zlib';
import { IntegrityError } from '../domain/errors.js';

/** Parsed fixed part of a local file header. */
export interface LocalHeaderInfo {
  /** Entry name (UTF-8). */
  readonly name: string;
  readonly flags: number;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  /** Bytes of header + name + extra: the data starts at this offset from the header's start. */
  readonly headerLength: number;
}

/**
 * Parse the local file header at the start of `buf` (at least 30 bytes + name + extra).
 * @throws IntegrityError when the signature is not 0x04034b50 or the buffer is too short
 */
export function parseLocalHeader(buf: Buffer): LocalHeaderInfo {
  if (buf.length < 30 || buf.readUInt32LE(0) !== 0x04034b50) {
    throw new IntegrityError('bad local file header signature at the indexed offset');
  }
  const nameLen = buf.readUInt16LE(26);
  const extraLen = buf.readUInt16LE(28);
  if (buf.length < 30 + nameLen + extraLen) throw new IntegrityError('local file header truncated');
  return {
    name: buf.subarray(30, 30 + nameLen).toString('utf8'),
    flags: buf.readUInt16LE(6),
    method: buf.readUInt16LE(8),
    headerLength: 30 + nameLen + extraLen,
  };
}

/** What the index says about an entry (the fields needed to check it). */
export interface ExpectedEntry {
  readonly key: string;
  readonly size: number;
  readonly compressed_size: number;
  /** 8 lowercase hex digits. */
  readonly crc32: string;
  /** 64 lowercase hex digits. */
  readonly sha256: string;
}

/** Format a CRC-32 number as 8 lowercase hex digits (the index/manifest representation). */
export function crc32Hex(value: number): string {
  return (value >>> 0).toString(16).padStart(8, '0');
}

/**
 * Extract and verify one entry from the bytes of its byte range (the result of one ranged GET of
 * `offset .. offset+length-1`). Inflates deflated data; checks name, size, CRC-32 and SHA-256.
 * For entries too large to hold in memory use a streaming reader instead.
 * @returns the entry's original bytes
 * @throws IntegrityError on any mismatch
 */
export function extractEntry(range: Buffer, expected: ExpectedEntry): Buffer {
  const header = parseLocalHeader(range);
  if (header.name !== expected.key) {
    throw new IntegrityError(`entry name mismatch: index says ${JSON.stringify(expected.key)}, bundle has ${JSON.stringify(header.name)}`);
  }
  const payload = range.subarray(header.headerLength, header.headerLength + expected.compressed_size);
  if (payload.length !== expected.compressed_size) throw new IntegrityError(`entry ${expected.key}: range shorter than its data`);
  let data: Buffer;
  if (header.method === 0) data = Buffer.from(payload);
  else if (header.method === 8) {
    try {
      data = inflateRawSync(payload);
    } catch (err) {
      throw new IntegrityError(`entry ${expected.key}: deflate stream is corrupt (${(err as Error).message})`);
    }
  } else throw new IntegrityError(`entry ${expected.key}: unsupported zip method ${header.method}`);
  verifyEntryBytes(data, expected);
  return data;
}

/**
 * Check extracted bytes against the index: size, CRC-32 and SHA-256.
 * @throws IntegrityError naming the first check that failed
 */
export function verifyEntryBytes(data: Buffer, expected: ExpectedEntry): void {
  if (data.length !== expected.size) throw new IntegrityError(`entry ${expected.key}: size ${data.length} != indexed ${expected.size}`);
  const crc = crc32Hex(crc32(data));
  if (crc !== expected.crc32) throw new IntegrityError(`entry ${expected.key}: CRC-32 ${crc} != indexed ${expected.crc32}`);
  const sha = createHash('sha256').update(data).digest('hex');
  if (sha !== expected.sha256) throw new IntegrityError(`entry ${expected.key}: SHA-256 mismatch`);
}
