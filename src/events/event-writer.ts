import { isDbUnavailable, type TDb } from '../db/index.ts';
import { Batcher } from '../shared/batcher.ts';
import { insertEvents, type TNewEvent } from './event-repository.ts';

/**
 * Group commit for ingest: events that arrive while earlier batches are committing are
 * written together in one statement, so many cameras share one WAL flush instead of
 * paying one each. A request is answered only after its batch has committed.
 *
 * One batch in flight: the statement's fixed cost in this process (building it, Prisma's
 * $queryRaw, ~1.5 ms of CPU) is paid per batch, and with four in flight at a few hundred
 * events/s the batches were mostly of one or two events; with one, they hold what arrived
 * during the previous commit (3–9 events measured), the commit rate falls and so does
 * the CPU per event. A batch that grows under load is capped by maxBatch.
 */
export class EventWriter {
  private readonly batcher: Batcher<TNewEvent, boolean>;

  constructor(db: TDb, opts = { maxBatch: 200, maxInflight: 1 }) {
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
