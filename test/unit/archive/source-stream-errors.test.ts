/**
 * A source whose bytes fail (a missing local file, a body cut off) must fail its reader, not leave
 * it waiting while the error is thrown unhandled (`a.pipe(b)` does not forward `a`'s errors). Found
 * by a new-user trial: `archive --csv /nonexistent.csv` crashed the CLI and left the job RUNNING.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { readCsvManifest } from '../../../src/archive/sources/csv-manifest.js';
import { readManifest } from '../../../src/bundle/manifest.js';

async function drain<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

/** A stream that yields `first`, then fails. */
function failingAfter(first: Buffer): Readable {
  let sent = false;
  return new Readable({
    read() {
      if (!sent) {
        sent = true;
        this.push(first);
      } else this.destroy(new Error('connection reset mid-body'));
    },
  });
}

test('a CSV manifest whose file does not exist rejects the reader with the file error', async () => {
  await assert.rejects(drain(readCsvManifest(createReadStream('/nonexistent/coldpack-manifest.csv'), '/nonexistent/coldpack-manifest.csv')), /ENOENT/);
});

test('a CSV manifest body that breaks mid-way rejects the reader', async () => {
  await assert.rejects(drain(readCsvManifest(failingAfter(Buffer.from('src,a.txt,1\nsrc,b.txt,2\n')), 's3://m/k')), /connection reset/);
});

test('a gzip manifest body that breaks mid-way rejects the reader', async () => {
  const gz = gzipSync(Buffer.from('bucket,key\nsrc,a.txt\n'));
  await assert.rejects(drain(readManifest(failingAfter(gz.subarray(0, 10)))), /connection reset/);
});
