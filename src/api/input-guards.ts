/**
 * Guards of JSON input that run before (and beside) schema validation: a nesting-depth bound
 * checked on the raw text, a bounded description of a received value for messages, and the search
 * for a lone UTF-16 surrogate anywhere in a body (issue 12: no input may overflow the stack, freeze
 * the server or reach S3 / DynamoDB as a string with no UTF-8 encoding).
 */
import { hasLoneSurrogate, quote } from './fields.js';

/**
 * Deepest nesting of arrays and objects accepted in a JSON body: 8 (the deepest body the API takes,
 * an estimate histogram, nests 3). Deeper bodies are a 400 before they are parsed or validated, so
 * no parser, validator or message builder ever recurses over unbounded input.
 */
export const MAX_JSON_DEPTH = 8;

/**
 * Nesting depth of the arrays and objects in JSON `text` (0 for a scalar), by one pass over the
 * characters (strings skipped), stopping as soon as it passes `stopAbove`. Linear, no recursion.
 */
export function jsonNestingDepth(text: string, stopAbove = Infinity): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) {
      depth++;
      if (depth > max) max = depth;
      if (max > stopAbove) return max;
    } else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

/**
 * A short description of a received value for an error message: at most ~80 characters, and it
 * never walks into an array or object (so no input can make it slow or overflow the stack).
 */
export function describeValue(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (typeof v === 'string') return quote(v);
  if (Array.isArray(v)) return `an array of ${v.length} item${v.length === 1 ? '' : 's'}`;
  if (v !== null && typeof v === 'object') {
    const keys = Object.keys(v);
    return keys.length === 0
      ? 'an empty object'
      : `an object with ${keys.length === 1 ? 'key' : 'keys'} ${keys
          .slice(0, 3)
          .map((k) => quote(k, 40))
          .join(', ')}${keys.length > 3 ? ', ...' : ''}`;
  }
  const s = JSON.stringify(v) ?? String(v);
  return s.length > 80 ? s.slice(0, 77) + '...' : s;
}

/**
 * The first string (value or member name) in `input` holding a lone UTF-16 surrogate, as a dotted
 * path (`keys.3`), or undefined. Walks at most {@link MAX_JSON_DEPTH} levels (deeper input is refused
 * before it gets here; deeper levels are not visited).
 */
export function loneSurrogatePath(input: unknown, path: string[] = []): string | undefined {
  if (typeof input === 'string') return hasLoneSurrogate(input) ? path.join('.') || 'body' : undefined;
  if (input === null || typeof input !== 'object' || path.length > MAX_JSON_DEPTH) return undefined;
  for (const [k, v] of Object.entries(input)) {
    if (hasLoneSurrogate(k)) return [...path, k.replace(/\p{Surrogate}/gu, '\ufffd')].join('.');
    const found = loneSurrogatePath(v, [...path, k]);
    if (found !== undefined) return found;
  }
  return undefined;
}
