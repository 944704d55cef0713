import type { SourceObject } from '../domain/model.js';
import { ValidationError } from '../domain/errors.js';
import { PopulationBuilder, type Population } from './population.js';

/**
 * Build a population from a stream of source objects (the archive engine's readers in
 * src/archive/sources: ListObjectsV2, CSV manifest, S3 Inventory), in O(histogram buckets) memory: the
 * listing is never held.
 * @param objects the objects, in any order
 * @param onProgress called every `every` objects with the count so far (default every 100,000)
 * @param every progress interval in objects
 * @returns the population (sizes and key lengths in bytes)
 */
export async function populationFromObjects(
  objects: AsyncIterable<SourceObject>,
  onProgress?: (objects: number) => void,
  every = 100_000,
): Promise<Population> {
  const builder = new PopulationBuilder();
  for await (const o of objects) {
    builder.add(o.size, Buffer.byteLength(o.key));
    if (onProgress && builder.count % every === 0) onProgress(builder.count);
  }
  return builder.build();
}

/**
 * Split `s3://bucket/key` into its parts.
 * @param uri e.g. `s3://inventory-bucket/source/config/2026-11-01T00-00Z/manifest.json`
 * @param field input field named in errors
 * @throws ValidationError when the text is not an s3:// URI with a bucket and a key
 */
export function parseS3Uri(uri: string, field: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri);
  if (!match?.[1] || !match[2]) throw new ValidationError(`${field}: expected s3://bucket/key, got ${JSON.stringify(uri)}`, field);
  return { bucket: match[1], key: match[2] };
}
