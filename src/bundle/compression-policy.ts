import type { ZipMethod } from '../domain/model.js';

/**
 * File extensions whose content is already compressed: such entries are stored (method 0) because
 * deflating them costs CPU and saves nothing.
 */
export const COMPRESSED_EXTENSIONS: ReadonlySet<string> = new Set([
  'zip',
  'gz',
  'tgz',
  'bz2',
  'xz',
  'zst',
  'zstd',
  'lz4',
  'br',
  '7z',
  'rar',
  'jar',
  'war',
  'whl',
  'apk',
  'jpg',
  'jpeg',
  'png',
  'gif',
  'webp',
  'heic',
  'avif',
  'jp2',
  'mp3',
  'aac',
  'ogg',
  'opus',
  'flac',
  'm4a',
  'mp4',
  'm4v',
  'mov',
  'mkv',
  'webm',
  'avi',
  'parquet',
  'orc',
  'avro',
  'woff',
  'woff2',
  'pdf',
  'docx',
  'xlsx',
  'pptx',
]);

/** Objects smaller than this (bytes) are stored: deflate's framing would not pay. Default 64. */
export const MIN_DEFLATE_BYTES = 64;
/** Deflated data is kept only if it is at most this fraction of the original (else stored). */
export const MAX_DEFLATE_RATIO = 0.97;

/** Lower-case extension of a key's base name ('' when none). */
export function extensionOf(key: string): string {
  const base = key.slice(key.lastIndexOf('/') + 1);
  const dot = base.lastIndexOf('.');
  return dot <= 0 ? '' : base.slice(dot + 1).toLowerCase();
}

/**
 * The compression rule, before looking at the bytes:
 * - extension in {@link COMPRESSED_EXTENSIONS} -> store;
 * - size < {@link MIN_DEFLATE_BYTES} -> store;
 * - otherwise -> try deflate (for buffered entries the result is kept only if ≤ 97 % of the size,
 *   see {@link keepDeflated}; streamed entries are deflated as they come).
 */
export function preferredMethod(key: string, size: number): ZipMethod {
  if (size < MIN_DEFLATE_BYTES) return 0;
  return COMPRESSED_EXTENSIONS.has(extensionOf(key)) ? 0 : 8;
}

/** Whether a deflated payload of `compressed` bytes is worth keeping for `size` original bytes. */
export function keepDeflated(size: number, compressed: number): boolean {
  return compressed <= size * MAX_DEFLATE_RATIO;
}

/** Bytes of a streamed entry sampled to decide its method. Default 1 MiB. */
export const STREAM_SAMPLE_BYTES = 1024 * 1024;

/**
 * The method of a streamed entry (an object too large to hold in memory), decided before its
 * header is written:
 * - {@link preferredMethod} says store (compressed extension, tiny object) -> store;
 * - else deflate the first {@link STREAM_SAMPLE_BYTES} (`sample`) and keep deflate only if the
 *   sample shrinks to at most 97 % ({@link keepDeflated}) -> otherwise store.
 * So incompressible data (random, encrypted, media without a known extension) is stored and does
 * not grow; an object whose first MiB compresses but whose rest does not can grow by deflate's
 * framing of stored blocks (5 bytes per 64 KiB, < 0.01 %), the one case the rule accepts.
 * @param deflatedSampleBytes size of the deflated sample (the caller deflates it)
 */
export function streamedMethod(key: string, size: number, sampleBytes: number, deflatedSampleBytes: number): ZipMethod {
  if (preferredMethod(key, size) === 0) return 0;
  return keepDeflated(sampleBytes, deflatedSampleBytes) ? 8 : 0;
}
