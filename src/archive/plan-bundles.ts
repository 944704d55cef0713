/**
 * A shard plan cut into bundles as it streams: the same deterministic rule as the planner
 * ({@link BundleCutter}: size and file caps, one source bucket per bundle), one object of look-ahead.
 * Each bundle's objects are handed on as they are read, so no bundle's object list is held.
 */
import type { BundleCutter } from '../domain/grouping.js';
import type { SourceObject } from '../domain/model.js';

/** The next object of the plan and the bundle it belongs to. */
export interface PlanHead {
  readonly obj: SourceObject;
  readonly seq: number;
}

/** Bundles of one shard plan, read in order. */
export class PlanBundles {
  private head: PlanHead | undefined;
  private started = false;

  /** @param plan the shard plan's objects in order; @param cutter a fresh cutter with the job's caps */
  constructor(
    private readonly plan: AsyncIterator<SourceObject>,
    private readonly cutter: BundleCutter,
  ) {}

  private async advance(): Promise<void> {
    const n = await this.plan.next();
    this.head = n.done ? undefined : { obj: n.value, seq: this.cutter.assign(n.value.size, n.value.bucket) };
  }

  /** The first object of the next bundle, or undefined at the end of the plan. */
  async next(): Promise<PlanHead | undefined> {
    if (!this.started) {
      this.started = true;
      await this.advance();
    }
    return this.head;
  }

  /** The objects of bundle `seq`, read as they are consumed (stops at the first object of the next bundle). */
  async *objects(seq: number): AsyncGenerator<SourceObject> {
    while (this.head !== undefined && this.head.seq === seq) {
      const o = this.head.obj;
      await this.advance();
      yield o;
    }
  }

  /** Read past what is left of bundle `seq` (a committed bundle on resume, or a consumer that stopped early). */
  async skip(seq: number): Promise<void> {
    while (this.head !== undefined && this.head.seq === seq) await this.advance();
  }
}
