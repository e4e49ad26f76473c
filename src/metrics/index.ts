export { createMetrics } from './metrics.ts';
export type { TMetrics } from './metrics.ts';
export { serveMetrics } from './serve-metrics.ts';
export type { TMetricsEndpoint } from './serve-metrics.ts';
