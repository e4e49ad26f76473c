import cluster from 'node:cluster';
import { AggregatorRegistry } from 'prom-client';
import { compose } from './compose.ts';
import { config } from './config/index.ts';
import { serveMetrics } from './metrics/index.ts';
import { exitOnCrash } from './shared/crash.ts';
import { createLogger } from './shared/logger.ts';
import { onShutdown } from './shared/shutdown.ts';

const cfg = config();

if (cfg.API_WORKERS > 1 && cluster.isPrimary) {
  // The processes share the port; each is stateless, so any of them may take a request.
  const logger = createLogger(cfg.LOG_LEVEL, 'api-primary');
  exitOnCrash(logger);
  let stopping = false;
  // A process that dies right away would die again: after five deaths within a minute
  // the primary gives up and exits, for its own supervisor to see the failure.
  const deaths: number[] = [];
  for (let i = 0; i < cfg.API_WORKERS; i++) cluster.fork();
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const now = Date.now();
    deaths.push(now);
    while (deaths[0]! < now - 60_000) deaths.shift();
    logger.error({ pid: worker.process.pid, code, signal, recentDeaths: deaths.length }, 'api worker died');
    if (deaths.length >= 5) {
      logger.fatal('api workers keep dying; exiting');
      process.exit(70);
    }
    setTimeout(() => cluster.fork(), 1_000 * deaths.length);
  });
  // One scrape sees every API process: the primary gathers their metrics over IPC.
  const aggregator = new AggregatorRegistry();
  const metricsServer =
    cfg.METRICS_PORT > 0
      ? await serveMetrics(
          { host: cfg.METRICS_HOST, port: cfg.METRICS_PORT, token: cfg.METRICS_TOKEN },
          async () => ({ contentType: aggregator.contentType, body: await aggregator.clusterMetrics() }),
          logger,
        )
      : undefined;
  const stop = () => {
    stopping = true;
    metricsServer?.close();
    for (const w of Object.values(cluster.workers ?? {})) w?.process.kill('SIGTERM');
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} else {
  const services = compose(cfg, { name: 'api' });
  const { logger } = services;
  exitOnCrash(logger);
  const server = services.apiServer().listen(cfg.PORT, () => logger.info({ port: cfg.PORT }, 'api listening'));
  let stopMetrics = async () => {};
  if (cluster.isWorker) {
    // The primary serves the metrics of every API process (see above). prom-client answers
    // the primary's requests only once an AggregatorRegistry exists in this process too.
    new AggregatorRegistry();
    AggregatorRegistry.setRegistries([services.metrics().registry]);
  } else if (cfg.METRICS_PORT > 0) {
    const endpoint = { host: cfg.METRICS_HOST, port: cfg.METRICS_PORT, token: cfg.METRICS_TOKEN };
    const metricsServer = await serveMetrics(endpoint, () => services.metricsText({ pipeline: false }), logger);
    stopMetrics = () => new Promise<void>((resolve) => metricsServer.close(() => resolve()));
  }
  onShutdown(logger, [() => new Promise<void>((resolve) => server.close(() => resolve())), stopMetrics, services.close]);
}
