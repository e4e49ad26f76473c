type TPending<I, O> = { item: I; resolve: (out: O) => void; reject: (err: unknown) => void };

export type TBatcherOptions = {
  maxBatch: number;
  /** Batches in flight at once (each holds one database connection while it runs). */
  maxInflight: number;
  /**
   * When a whole batch fails with an error this accepts, its items are run one by one, so
   * one bad item does not fail the others it happened to share a batch with.
   */
  splitOnError?: (err: unknown) => boolean;
};

/**
 * Gathers concurrent calls into batches: items submitted while earlier batches are
 * running go together into the next one. Under light load a batch is a single item and
 * costs what a direct call would; under load, one database round trip and one commit
 * serve many items. `run` returns one result per item, in order: a value, or an Error
 * that rejects only that item's promise.
 */
export class Batcher<I, O> {
  private pending: TPending<I, O>[] = [];
  private inflight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (items: I[]) => Promise<(O | Error)[]>,
    private readonly opts: TBatcherOptions,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.pending.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.drain();
    });
  }

  private drain(): void {
    while (this.pending.length > 0 && this.inflight < this.opts.maxInflight) {
      const batch = this.pending.splice(0, this.opts.maxBatch);
      this.inflight++;
      void this.flush(batch).finally(() => {
        this.inflight--;
        if (this.pending.length > 0) this.schedule();
      });
    }
  }

  private async flush(batch: TPending<I, O>[]): Promise<void> {
    let results: (O | Error)[];
    try {
      results = await this.run(batch.map((p) => p.item));
    } catch (err) {
      if (batch.length > 1 && this.opts.splitOnError?.(err)) {
        await Promise.all(batch.map((p) => this.flush([p])));
        return;
      }
      for (const p of batch) p.reject(err);
      return;
    }
    batch.forEach((p, i) => {
      const r = results[i];
      if (r instanceof Error) p.reject(r);
      else p.resolve(r as O);
    });
  }
}
