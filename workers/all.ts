// Runs the pipeline in one process: `npm run workers` (every part) or, to scale parts
// separately, `npm run workers -- relay dedup` etc. Run more processes to scale out.
import { compose } from '../src/compose.ts';
import { config, orExit } from '../src/config/index.ts';
import { serveMetrics } from '../src/metrics/index.ts';
import { STAGE_QUEUES, startMaintenance, startStageWorkers, type TStageQueue } from '../src/queues/index.ts';
import { exitOnCrash } from '../src/shared/crash.ts';
import { onShutdown } from '../src/shared/shutdown.ts';

const PARTS = ['relay', ...STAGE_QUEUES, 'maintenance'] as const;
type TPart = (typeof PARTS)[number];

const asked = process.argv.slice(2);
const unknown = asked.filter((s) => !(PARTS as readonly string[]).includes(s));
if (unknown.length > 0) {
  process.stderr.write(`unknown part(s): ${unknown.join(', ')}; known: ${PARTS.join(', ')}\n`);
  process.exit(64);
}
const parts = new Set<TPart>(asked.length > 0 ? (asked as TPart[]) : PARTS);

const services = compose(config(), { name: 'workers' });
const { cfg, logger } = services;
exitOnCrash(logger);

const relay = parts.has('relay') ? services.relay() : undefined;
relay?.start();
const workers = startStageWorkers(services.stages(), services.stageRunnerDeps(), STAGE_QUEUES.filter((q: TStageQueue) => parts.has(q)));
const maintenance = parts.has('maintenance')
  ? await startMaintenance(orExit(services.maintenanceTasks), {
      queueConnection: services.redis(),
      workerConnection: services.workerRedis(),
      prefix: cfg.QUEUE_PREFIX,
      logger,
    })
  : undefined;
const metricsServer =
  cfg.WORKERS_METRICS_PORT > 0
    ? await serveMetrics(
        { host: cfg.METRICS_HOST, port: cfg.WORKERS_METRICS_PORT, token: cfg.METRICS_TOKEN },
        // The pipeline's gauges (queue depths, what waits) are the same from every process:
        // read by the processes that run maintenance only.
        () => services.metricsText({ pipeline: parts.has('maintenance') }),
        logger,
      )
    : undefined;
logger.info({ parts: [...parts] }, 'workers started');

onShutdown(logger, [
  async () => relay?.stop(),
  () => Promise.all(workers.map((w) => w.close())),
  async () => maintenance?.close(),
  () => new Promise((resolve) => (metricsServer ? metricsServer.close(resolve) : resolve(undefined))),
  services.close,
]);
