/**
 * Streaming extraction of one zip entry from the bytes of its ranged GET: parse the local header,
 * pass exactly `compressed_size` payload bytes through inflate (method 8) or as is (method 0), and
 * verify size, CRC-32 and SHA-256 at the end. Memory: one body chunk plus zlib's window.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { crc32, createInflateRaw } from 'node:zlib';
import { IntegrityError } from '../domain/errors.js';
import { crc32Hex, parseLocalHeader, type ExpectedEntry } from './zip-entry-reader.js';

const toBuffer = (c: Uint8Array): Buffer => (Buffer.isBuffer(c) ? c : Buffer.from(c.buffer, c.byteOffset, c.byteLength));

async function* payload(first: Buffer, rest: AsyncIterator<Uint8Array>, size: number, key: string): AsyncGenerator<Buffer> {
  let left = size;
  let chunk: Buffer | undefined = first;
  try {
    while (left > 0) {
      if (chunk === undefined || chunk.length === 0) {
        const next = await rest.next();
        if (next.done) throw new IntegrityError(`entry ${key}: byte range ended ${left} bytes before the end of its data`);
        chunk = toBuffer(next.value);
        continue;
      }
      const take = chunk.subarray(0, Math.min(left, chunk.length));
      left -= take.length;
      chunk = undefined;
      yield take;
    }
  } finally {
    await rest.return?.(); // release the HTTP body (a data descriptor may follow the data)
  }
}

function inflate(src: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  const inflater = createInflateRaw();
  const input = Readable.from(src);
  input.on('error', (err) => inflater.destroy(err));
  input.pipe(inflater);
  return inflater;
}

async function* verify(src: AsyncIterable<Buffer>, expected: ExpectedEntry): AsyncGenerator<Buffer> {
  const hash = createHash('sha256');
  let crc = 0;
  let size = 0;
  try {
    for await (const c of src) {
      const chunk = toBuffer(c);
      size += chunk.length;
      if (size > expected.size) throw new IntegrityError(`entry ${expected.key}: more than the indexed ${expected.size} bytes`);
      crc = crc32(chunk, crc);
      hash.update(chunk);
      yield chunk;
    }
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && code.startsWith('Z_'))
      throw new IntegrityError(`entry ${expected.key}: deflate stream is corrupt (${(err as Error).message})`);
    throw err;
  }
  if (size !== expected.size) throw new IntegrityError(`entry ${expected.key}: size ${size} != indexed ${expected.size}`);
  const got = crc32Hex(crc);
  if (got !== expected.crc32) throw new IntegrityError(`entry ${expected.key}: CRC-32 ${got} != indexed ${expected.crc32}`);
  if (hash.digest('hex') !== expected.sha256) throw new IntegrityError(`entry ${expected.key}: SHA-256 mismatch`);
}

/**
 * Open the uncompressed, verified bytes of an entry from its range body. The returned iterable
 * throws {@link IntegrityError} at the end (after the last chunk) if a check fails, so a consumer
 * must not commit what it wrote before the iteration has ended normally.
 * @param body the ranged GET body (`offset .. offset+length-1`)
 * @throws IntegrityError on a bad header or a name that is not `expected.key`
 */
export async function openEntryStream(body: AsyncIterable<Uint8Array>, expected: ExpectedEntry): Promise<AsyncIterable<Buffer>> {
  const it = body[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  for (;;) {
    if (head.length >= 30) {
      const need = 30 + head.readUInt16LE(26) + head.readUInt16LE(28);
      if (head.length >= need) break;
    }
    const next = await it.next();
    if (next.done) throw new IntegrityError(`entry ${expected.key}: byte range shorter than its local header`);
    head = Buffer.concat([head, toBuffer(next.value)]);
  }
  const header = parseLocalHeader(head);
  if (header.name !== expected.key) {
    await it.return?.();
    throw new IntegrityError(`entry name mismatch: index says ${JSON.stringify(expected.key)}, bundle has ${JSON.stringify(header.name)}`);
  }
  if (header.method !== 0 && header.method !== 8) {
    await it.return?.();
    throw new IntegrityError(`entry ${expected.key}: unsupported zip method ${header.method}`);
  }
  const data = payload(head.subarray(header.headerLength), it, expected.compressed_size, expected.key);
  return verify(header.method === 8 ? inflate(data) : data, expected);
}
