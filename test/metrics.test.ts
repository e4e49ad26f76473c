import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postEvent } from '../scripts/camera-client.ts';
import { applyRules, readRuleFile, RULE_TABLES_DIR } from '../src/fines/index.ts';
import { serveMetrics } from '../src/metrics/index.ts';
import { CAMERA_SECRET, createTestContext, seedSite, silentLogger, startApi, startPipeline, type TTestContext } from './support/context.ts';
import { eventually, makeEvent } from './support/events.ts';

let ctx: TTestContext;
beforeAll(async () => {
  ctx = await createTestContext();
  await seedSite(ctx.db, { cameras: ['M-CAM'] });
  await applyRules(ctx.db, readRuleFile(join(RULE_TABLES_DIR, 'decree-168-2024.json')), 'test');
});
afterAll(async () => {
  await ctx.close();
});

/** The value of one sample line `name{labels} value` in a Prometheus text page. */
const sample = (text: string, name: string, labels: Record<string, string>): number | undefined => {
  const want = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
  const line = text.split('\n').find((l) => l.startsWith(`${name}{`) && want.every((w) => l.includes(w)));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
};

describe('metrics', () => {
  it('are served on their own port, only with the token when one is set', async () => {
    const server = await serveMetrics({ host: '127.0.0.1', port: 0, token: 'a-scrape-token-of-some-length' }, async () => ({ contentType: 'text/plain', body: 'pn_up 1\n' }), silentLogger);
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
      expect((await fetch(`${base}/metrics`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
      const ok = await fetch(`${base}/metrics`, { headers: { Authorization: 'Bearer a-scrape-token-of-some-length' } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toBe('pn_up 1\n');
      expect((await fetch(`${base}/other`)).status).toBe(404);
    } finally {
      server.close();
    }
  });

  it('count what the stages did and show what waits, per state and per queue', async () => {
    const api = await startApi(ctx);
    let pipeline: ReturnType<typeof startPipeline> | undefined;
    try {
      const events = [makeEvent({ plate: { text: '51F-300.01', confidence: 0.95, color: 'WHITE' } }), makeEvent({ plate: { text: '51F-300.02', confidence: 0.95, color: 'WHITE' } })];
      for (const e of events) expect((await postEvent({ baseUrl: api.baseUrl, cameraCode: 'M-CAM', secret: CAMERA_SECRET }, e)).status).toBe(202);
      expect((await postEvent({ baseUrl: api.baseUrl, cameraCode: 'M-CAM', secret: CAMERA_SECRET }, events[0])).status).toBe(200);
      expect((await postEvent({ baseUrl: api.baseUrl, cameraCode: 'MADE-UP-1', secret: CAMERA_SECRET }, makeEvent())).status).toBe(403);
      expect((await postEvent({ baseUrl: api.baseUrl, cameraCode: 'MADE-UP-2', secret: CAMERA_SECRET }, makeEvent())).status).toBe(403);
      const apiText = (await api.services.metricsText({ pipeline: false })).body;
      expect(sample(apiText, 'pn_ingest_answers_total', { status: '202', code: 'accepted', camera: 'M-CAM' })).toBe(2);
      expect(sample(apiText, 'pn_ingest_answers_total', { status: '200', code: 'duplicate', camera: 'M-CAM' })).toBe(1);
      // Made-up camera codes share one series: they cannot grow the metrics.
      expect(sample(apiText, 'pn_ingest_answers_total', { status: '403', code: 'CAMERA_UNKNOWN', camera: 'unknown' })).toBe(2);
      expect(apiText).not.toContain('MADE-UP');
      expect(sample(apiText, 'pn_ingest_duration_seconds_count', { status: '202' })).toBe(2);
      // No workers yet: both events wait, with their outbox rows.
      const waiting = (await api.services.metricsText({ pipeline: true })).body;
      expect(sample(waiting, 'pn_pipeline_waiting', { entity: 'camera_event', state: 'RECEIVED' })).toBe(2);
      expect(sample(waiting, 'pn_outbox_rows', { queue: 'dedup' })).toBe(2);
      expect(sample(waiting, 'pn_pipeline_oldest_seconds', { entity: 'camera_event', state: 'RECEIVED' })).toBeGreaterThan(0);
      pipeline = startPipeline(ctx);
      await eventually(async () => (await ctx.db.case.count({ where: { status: 'PENDING_REVIEW' } })) === 2, 20_000, 'cases in review');
      const text = (await pipeline.services.metricsText({ pipeline: true })).body;
      expect(sample(text, 'pn_stage_items_total', { queue: 'dedup', outcome: 'opened' })).toBe(2);
      expect(sample(text, 'pn_stage_items_total', { queue: 'owner', outcome: 'resolved' })).toBe(2);
      expect(sample(text, 'pn_stage_items_total', { queue: 'fine', outcome: 'assessed' })).toBe(2);
      expect(sample(text, 'pn_stage_job_duration_seconds_count', { queue: 'fine', result: 'done' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'pn_registry_lookup_duration_seconds_count', { result: 'ok' })).toBeGreaterThanOrEqual(1);
      expect(sample(text, 'pn_pipeline_waiting', { entity: 'case', state: 'DETECTED' })).toBe(0);
      expect(sample(text, 'pn_queue_jobs', { queue: 'owner', state: 'waiting' })).toBe(0);
      expect(sample(text, 'pn_outbox_rows', { queue: 'dedup' })).toBe(0);
      expect(text).toContain('pn_process_resident_memory_bytes');
    } finally {
      await pipeline?.stop();
      await api.close();
    }
  });
});
