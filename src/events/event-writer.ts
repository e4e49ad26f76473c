import type { TDb } from '../db/client.ts';
import { isDbUnreachable } from './db-availability.ts';
import { insertEvents, type TNewEvent } from './event-repository.ts';

type TPending = { event: TNewEvent; resolve: (inserted: boolean) => void; reject: (err: unknown) => void };

/**
 * Group commit for ingest: events that arrive while earlier batches are committing are
 * written together in one statement, so many cameras share one WAL flush instead of
 * paying one each. A request is answered only after its batch has committed. Under
 * light load a batch is a single event and costs one round trip, as before.
 */
export class EventWriter {
  private pending: TPending[] = [];
  private inflight = 0;
  private scheduled = false;

  constructor(
    private readonly db: TDb,
    private readonly opts: { maxBatch: number; maxInflight: number } = { maxBatch: 200, maxInflight: 4 },
  ) {}

  /** Resolves true when stored now, false when (camera, eventId) was already stored. */
  insert(event: TNewEvent): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.pending.push({ event, resolve, reject });
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

  private async flush(batch: TPending[]): Promise<void> {
    try {
      const inserted = await insertEvents(this.db, batch.map((p) => p.event));
      for (const p of batch) p.resolve(inserted.has(p.event.id));
    } catch (err) {
      if (batch.length === 1 || isDbUnreachable(err)) {
        for (const p of batch) p.reject(err);
        return;
      }
      // One event's failure must not fail the cameras it happened to share a batch with.
      await Promise.all(batch.map((p) => this.flush([p])));
    }
  }
}
