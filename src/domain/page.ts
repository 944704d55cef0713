/** Paging shared by the ports that answer lists (file lookups, restore files). */

/** A page request: at most `limit` items after the opaque `nextToken`. */
export interface PageRequest {
  /** Max items, 1-1,000. */
  readonly limit: number;
  /** Opaque token from the previous page, or undefined for the first page. */
  readonly nextToken?: string;
}

/** A page of items plus the token of the next page (undefined on the last page). */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextToken?: string;
}
