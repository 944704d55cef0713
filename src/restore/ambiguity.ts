/**
 * The error of an ambiguous selection (a base name, or a key without a bucket, that matches several
 * archived objects): the message lists the first few candidates, `details.candidates` carries every
 * one up to 256 KiB of keys (what fits the request record, a DynamoDB item of at most 400 KB, and any
 * response), with `candidates_total` and `candidates_truncated`.
 */
import { ValidationError } from '../domain/errors.js';

/** Candidates named in the message before "and N more": 5. */
export const CANDIDATES_IN_MESSAGE = 5;
/** Most bytes of candidate URLs carried in `details.candidates`: 256 KiB. */
export const CANDIDATES_MAX_BYTES = 256 * 1024;

/** One ambiguous name or key and what it matches (`s3://<bucket>/<key>`). */
export interface Ambiguity {
  readonly asked: string;
  readonly candidates: readonly string[];
}

/** A selection that matches several objects where one was expected (HTTP 400, `AMBIGUOUS_NAME`). */
export class AmbiguousNameError extends ValidationError {
  /** `candidates` (every candidate of every ambiguous name, bounded), `candidates_total`, `candidates_truncated`. */
  readonly details: { candidates: string[]; candidates_total: number; candidates_truncated: boolean };

  /** @param what the kind of ambiguity; @param field request field; @param found the ambiguous names with their candidates */
  constructor(what: string, field: string, found: readonly Ambiguity[]) {
    const all = found.flatMap((a) => a.candidates);
    const shown = found.map((a) => {
      const first = a.candidates.slice(0, CANDIDATES_IN_MESSAGE).join(', ');
      const more = a.candidates.length > CANDIDATES_IN_MESSAGE ? ` and ${a.candidates.length - CANDIDATES_IN_MESSAGE} more` : '';
      return `${a.asked}: ${first}${more}`;
    });
    super(`${what}; name the key exactly or set all_matches: ${shown.join('; ')}`, field, 'AMBIGUOUS_NAME');
    const candidates: string[] = [];
    let bytes = 0;
    for (const c of all) {
      bytes += Buffer.byteLength(c, 'utf8') + 3;
      if (bytes > CANDIDATES_MAX_BYTES) break;
      candidates.push(c);
    }
    this.details = { candidates, candidates_total: all.length, candidates_truncated: candidates.length < all.length };
  }
}
