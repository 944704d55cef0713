/** Clock port: the current time. Injected so tests can fix or advance time. */
export interface Clock {
  /** Now. */
  now(): Date;
}

/** The system clock. */
export const systemClock: Clock = Object.freeze({ now: () => new Date() });
