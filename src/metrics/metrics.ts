import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const SECONDS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/**
 * The service's Prometheus metrics, one registry per process (per composition root, so
 * tests may build several). Names start with `pn_`; the process's own (CPU, heap, event
 * loop lag, GC) come from prom-client's defaults.
 */
export const createMetrics = () => {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'pn_' });
  const registers = [registry];
  return {
    registry,
    ingestAnswers: new Counter({
      name: 'pn_ingest_answers_total',
      help: 'Camera events answered, by HTTP status, answer code (accepted, duplicate, rejected or the error code) and camera',
      labelNames: ['status', 'code', 'camera'] as const,
      registers,
    }),
    ingestSeconds: new Histogram({
      name: 'pn_ingest_duration_seconds',
      help: 'Time to answer a camera event, by HTTP status',
      labelNames: ['status'] as const,
      buckets: SECONDS,
      registers,
    }),
    stageItems: new Counter({
      name: 'pn_stage_items_total',
      help: 'Events or cases a stage handled, by queue and outcome (opened, merged, resolved, assessed, already-done, waiting, …)',
      labelNames: ['queue', 'outcome'] as const,
      registers,
    }),
    stageJobSeconds: new Histogram({
      name: 'pn_stage_job_duration_seconds',
      help: 'Time a stage job took, by queue and result (done, waiting, failed)',
      labelNames: ['queue', 'result'] as const,
      buckets: SECONDS,
      registers,
    }),
    deadLetters: new Counter({
      name: 'pn_dead_letters_total',
      help: 'Jobs that failed for good and were written to failed_job, by queue',
      labelNames: ['queue'] as const,
      registers,
    }),
    deliveries: new Counter({
      name: 'pn_deliveries_total',
      help: 'Notice deliveries that reached an outcome, by channel and outcome (sent, queued, retry, bounced, failed, unknown, delivered, settled-sent, settled-failed)',
      labelNames: ['channel', 'outcome'] as const,
      registers,
    }),
    redriven: new Counter({
      name: 'pn_reconciler_redriven_total',
      help: 'Events or cases the reconciler re-drove (they waited with no job in flight), by entity, state and queue',
      labelNames: ['entity', 'state', 'queue'] as const,
      registers,
    }),
    registrySeconds: new Histogram({
      name: 'pn_registry_lookup_duration_seconds',
      help: 'Time of a batch of vehicle registry look-ups, by result (ok, unavailable)',
      labelNames: ['result'] as const,
      buckets: SECONDS,
      registers,
    }),
    registryBreaker: new Gauge({
      name: 'pn_registry_breaker_state',
      help: 'Circuit breaker in front of the national registry: 0 closed, 1 half-open, 2 open (always 0 for the database registry)',
      registers,
    }),
    queueJobs: new Gauge({
      name: 'pn_queue_jobs',
      help: 'Jobs in a stage queue, by state (waiting, active, delayed, failed)',
      labelNames: ['queue', 'state'] as const,
      registers,
    }),
    queueOldestWaitingSeconds: new Gauge({
      name: 'pn_queue_oldest_waiting_seconds',
      help: 'Age of the oldest job waiting in a stage queue (0 when none waits)',
      labelNames: ['queue'] as const,
      registers,
    }),
    pipelineWaiting: new Gauge({
      name: 'pn_pipeline_waiting',
      help: 'Events or cases waiting in an automated state, by entity and state',
      labelNames: ['entity', 'state'] as const,
      registers,
    }),
    pipelineOverdue: new Gauge({
      name: 'pn_pipeline_overdue',
      help: 'Of those, waiting longer than RECONCILE_AFTER_SECONDS with no outbox row (the reconciler re-drives them unless a job carries them)',
      labelNames: ['entity', 'state'] as const,
      registers,
    }),
    pipelineOldestSeconds: new Gauge({
      name: 'pn_pipeline_oldest_seconds',
      help: 'How long the oldest event or case has waited in an automated state (0 when none)',
      labelNames: ['entity', 'state'] as const,
      registers,
    }),
    outboxRows: new Gauge({
      name: 'pn_outbox_rows',
      help: 'Outbox rows not yet moved into BullMQ, by queue',
      labelNames: ['queue'] as const,
      registers,
    }),
    noticeLimitCases: new Gauge({
      name: 'pn_notice_limit_cases',
      help: 'Cases without a notice yet within 2 days of the 10-day notice limit (approaching) or past it (missed), at the last deadlines run',
      labelNames: ['when'] as const,
      registers,
    }),
    deadlineMoves: new Counter({
      name: 'pn_deadline_moves_total',
      help: 'Cases the deadlines task moved, by state reached (OVERDUE: escalated; TIME_BARRED: limitation ended)',
      labelNames: ['to'] as const,
      registers,
    }),
    openDeadLetters: new Gauge({
      name: 'pn_dead_letters_open',
      help: 'Dead letters not yet re-driven, by queue',
      labelNames: ['queue'] as const,
      registers,
    }),
  };
};

export type TMetrics = ReturnType<typeof createMetrics>;
