/**
 * Which S3 keys an XML request body can carry. XML 1.0 allows only tab, LF, CR and U+0020 and
 * above (minus U+FFFE/U+FFFF) even as character references, so S3 answers a DeleteObjects body
 * holding e.g. U+000B with 400 MalformedXML; a CR survives the request (the SDK writes `&#x0D;`)
 * but comes back as LF in any XML answer naming the key (XML end-of-line normalization), so a
 * per-key error could not be matched to its key.
 * https://www.w3.org/TR/xml/#charsets, https://www.w3.org/TR/xml/#sec-line-ends,
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-keys.html ("XML related object key constraints")
 */

// eslint-disable-next-line no-control-regex
const NOT_CARRIED = /[\u0000-\u0008\u000b\u000c\u000d\u000e-\u001f\ufffe\uffff]/;

/** Whether `key` can travel in an S3 XML body and come back unchanged in its answer. */
export function xmlCarriesKey(key: string): boolean {
  return !NOT_CARRIED.test(key);
}
