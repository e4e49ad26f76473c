import { isDbUnavailable, type TDb } from '../db/index.ts';
import { Batcher } from '../shared/batcher.ts';
import { insertEvents, type TNewEvent } from './event-repository.ts';

/**
 * Group commit for ingest: events that arrive while earlier batches are committing are
 * written together in one statement, so many cameras share one WAL flush instead of
 * paying one each. A request is answered only after its batch has committed.
 */
export class EventWriter {
  private readonly batcher: Batcher<TNewEvent, boolean>;

  constructor(db: TDb, opts = { maxBatch: 200, maxInflight: 4 }) {
    this.batcher = new Batcher(
      async (events) => {
        const inserted = await insertEvents(db, events);
        return events.map((e) => inserted.has(e.id));
      },
      { ...opts, splitOnError: (err) => !isDbUnavailable(err) },
    );
  }

  /** Resolves true when stored now, false when (camera, eventId) was already stored. */
  insert(event: TNewEvent): Promise<boolean> {
    return this.batcher.submit(event);
  }
}
