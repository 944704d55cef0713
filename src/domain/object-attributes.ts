/**
 * The attributes of a source object that S3 keeps beside its bytes and that a restore must give
 * back: content headers, user metadata and (opt-in) tags. Recorded at archive time in the manifest
 * and the file index (they arrive with the GET at no extra request; tags cost one GetObjectTagging
 * per object), set again on the restored object. Field names are snake_case: stored as is.
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/UsingMetadata.html
 */
import type { ObjectHeaders } from './ports/object-store.js';

/** Attributes of an archived object. Absent = the object did not have it. */
export interface ArchivedAttributes {
  readonly content_type?: string;
  readonly content_encoding?: string;
  readonly content_disposition?: string;
  readonly content_language?: string;
  readonly cache_control?: string;
  /** `Expires` as S3 returned it (HTTP date). */
  readonly expires?: string;
  /** User metadata (`x-amz-meta-*`), names lower case. */
  readonly user_metadata?: Readonly<Record<string, string>>;
  /** Object tags, only when the job asked for them (`archive_tags`). */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Names of the attribute fields, in manifest column order. */
export const ATTRIBUTE_FIELDS = [
  'content_type',
  'content_encoding',
  'content_disposition',
  'content_language',
  'cache_control',
  'expires',
  'user_metadata',
  'tags',
] as const;

const nonEmpty = (m: Readonly<Record<string, string>> | undefined): m is Readonly<Record<string, string>> => m !== undefined && Object.keys(m).length > 0;

/** The attributes of an object from the headers and metadata of its GET (and its tags, when read). */
export function attributesOf(headers: ObjectHeaders, metadata: Readonly<Record<string, string>>, tags?: Readonly<Record<string, string>>): ArchivedAttributes {
  return {
    ...(headers.contentType ? { content_type: headers.contentType } : {}),
    ...(headers.contentEncoding ? { content_encoding: headers.contentEncoding } : {}),
    ...(headers.contentDisposition ? { content_disposition: headers.contentDisposition } : {}),
    ...(headers.contentLanguage ? { content_language: headers.contentLanguage } : {}),
    ...(headers.cacheControl ? { cache_control: headers.cacheControl } : {}),
    ...(headers.expires ? { expires: headers.expires } : {}),
    ...(nonEmpty(metadata) ? { user_metadata: { ...metadata } } : {}),
    ...(nonEmpty(tags) ? { tags: { ...tags } } : {}),
  };
}

/** Copy only the attribute fields of a record (an index item, a manifest entry). */
export function pickAttributes(r: ArchivedAttributes): ArchivedAttributes {
  const out: Record<string, unknown> = {};
  for (const f of ATTRIBUTE_FIELDS) if (r[f] !== undefined) out[f] = r[f];
  return out as ArchivedAttributes;
}

/** The content headers to write on a restored object. */
export function headersFrom(a: ArchivedAttributes): ObjectHeaders {
  return {
    ...(a.content_type ? { contentType: a.content_type } : {}),
    ...(a.content_encoding ? { contentEncoding: a.content_encoding } : {}),
    ...(a.content_disposition ? { contentDisposition: a.content_disposition } : {}),
    ...(a.content_language ? { contentLanguage: a.content_language } : {}),
    ...(a.cache_control ? { cacheControl: a.cache_control } : {}),
    ...(a.expires ? { expires: a.expires } : {}),
  };
}

/** S3 limits user-defined metadata to 2 KB: the UTF-8 bytes of every name and value summed (PUT request header limit). */
export const S3_USER_METADATA_MAX_BYTES = 2048;

/** UTF-8 bytes S3 counts for a metadata map. */
export function metadataBytes(m: Readonly<Record<string, string>>): number {
  return Object.entries(m).reduce((n, [k, v]) => n + Buffer.byteLength(k, 'utf8') + Buffer.byteLength(v, 'utf8'), 0);
}

/**
 * The user metadata of a restored object: the archived metadata as it was, plus coldpack's own
 * entries (`extra`) that still fit in S3's 2 KB; the archived metadata always wins (a name it
 * already has is not overwritten, and an extra that would pass the limit is left out).
 * @returns the metadata to write and the names of the extras left out
 */
export function restoredMetadata(a: ArchivedAttributes, extra: Readonly<Record<string, string>>): { metadata: Record<string, string>; omitted: string[] } {
  const metadata: Record<string, string> = { ...(a.user_metadata ?? {}) };
  const omitted: string[] = [];
  for (const [k, v] of Object.entries(extra)) {
    if (k in metadata || metadataBytes(metadata) + Buffer.byteLength(k) + Buffer.byteLength(v) > S3_USER_METADATA_MAX_BYTES) omitted.push(k);
    else metadata[k] = v;
  }
  return { metadata, omitted };
}

/** Tags as S3's `x-amz-tagging` header takes them: URL query encoding (`k1=v1&k2=v2`). */
export function taggingHeader(tags: Readonly<Record<string, string>>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join('&');
}
