/**
 * Commander `argParser` for whole-number flags, shared by every command: decimal digits only
 * (no `0x10`, `1e3`, `2.5`, `-1` or `abc`), within `[min, max]`. A bad value is a commander
 * `InvalidArgumentError`, which the CLI prints as `coldpack: VALIDATION_ERROR: ...` with exit 2.
 */
import { InvalidArgumentError } from 'commander';

/** Bounds of {@link intFlag}; both inclusive. */
export interface IntFlagBounds {
  /** Smallest accepted value. @default 0 */
  readonly min?: number;
  /** Largest accepted value. @default Number.MAX_SAFE_INTEGER */
  readonly max?: number;
}

/**
 * A parser for `option(flags, description, intFlag('--archive-size', { min: 1 }))`.
 * @param name the flag as the user types it, e.g. `--archive-size`
 * @returns a function from the flag's text to its value
 */
export function intFlag(name: string, bounds: IntFlagBounds = {}): (value: string) => number {
  const min = bounds.min ?? 0;
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  return (value: string): number => {
    const text = value.trim();
    const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`${name} must be a whole number of decimal digits from ${min} to ${max}, got ${JSON.stringify(value)}`);
    }
    return n;
  };
}
