import { open, type FileHandle } from 'node:fs/promises';
import type { ByteSink } from '../../src/bundle/zip-bundle-writer.js';

/**
 * A ByteSink writing to a local file. With `sparse`, all-zero chunks are skipped with a seek so a
 * multi-GiB synthetic bundle of zeros costs almost no disk (the file system returns zeros for holes).
 */
export class FileSink implements ByteSink {
  private position = 0;
  private constructor(
    private readonly fh: FileHandle,
    private readonly sparse: boolean,
  ) {}

  static async create(path: string, sparse = false): Promise<FileSink> {
    return new FileSink(await open(path, 'w'), sparse);
  }

  async write(chunk: Buffer): Promise<void> {
    if (!(this.sparse && isAllZero(chunk))) await this.fh.write(chunk, 0, chunk.length, this.position);
    this.position += chunk.length;
  }

  async close(): Promise<void> {
    await this.fh.truncate(this.position);
    await this.fh.close();
  }
}

let zeroBlock = Buffer.alloc(0);
function isAllZero(b: Buffer): boolean {
  if (b.length < 4096) return false;
  if (zeroBlock.length < b.length) zeroBlock = Buffer.alloc(b.length);
  return b.equals(zeroBlock.subarray(0, b.length));
}

/** Async source of `total` zero bytes in chunks of `chunk` bytes (default 8 MiB). */
export async function* zeros(total: number, chunk = 8 << 20): AsyncGenerator<Buffer> {
  const block = Buffer.alloc(chunk);
  for (let left = total; left > 0; left -= chunk) yield left >= chunk ? block : block.subarray(0, left);
}
