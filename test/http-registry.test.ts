import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HttpRegistry, RegistryUnavailableError } from '../src/registry/index.ts';
import { sampleRecord, startRegistryStub } from './support/registry-stub.ts';

let stub: Awaited<ReturnType<typeof startRegistryStub>>;
const registries: HttpRegistry[] = [];
const at = new Date('2026-05-01T03:00:00Z');
const q = { plate: '30A12345', plateColor: 'WHITE' as const, at };

beforeAll(async () => {
  stub = await startRegistryStub({ '30A12345|WHITE': sampleRecord('30A12345') }, { slowMs: 400 });
});
afterEach(() => {
  stub.script.length = 0;
  stub.setFallback('ok');
  stub.seen.length = 0;
  while (registries.length) registries.pop()!.shutdown();
});
afterAll(async () => {
  await stub.close();
});

const client = (over: Partial<ConstructorParameters<typeof HttpRegistry>[0]> = {}) => {
  const r = new HttpRegistry({ baseUrl: stub.url, timeoutMs: 150, retries: 2, backoffMs: 10, volumeThreshold: 3, resetTimeoutMs: 300, ...over });
  registries.push(r);
  return r;
};

describe('HttpRegistry against a stub of the national registry', () => {
  it('asks for the plate, colour and capture instant, and reads the answer', async () => {
    const rec = await client().lookup(q);
    expect(rec).toMatchObject({ vehicleClass: 'CAR', owner: { name: 'Đặng Thu Hà', ownerType: 'PERSON' } });
    expect(stub.seen[0]!.pathname).toBe('/v1/registrations');
    expect(Object.fromEntries(stub.seen[0]!.searchParams)).toEqual({ plate: '30A12345', plateColor: 'WHITE', at: at.toISOString() });
  });

  it('answers null for a plate the registry does not know', async () => {
    expect(await client().lookup({ ...q, plate: '99Z99999' })).toBeNull();
    expect(stub.seen).toHaveLength(1);
  });

  it('retries a slow answer, a 500, a dropped connection and a cut-off body, then succeeds', async () => {
    for (const b of ['slow', 'error', 'drop', 'garbage'] as const) {
      stub.script.push(b);
      const rec = await client().lookup(q);
      expect(rec?.owner.name, b).toBe('Đặng Thu Hà');
    }
  });

  it('gives up after its retries with RegistryUnavailableError, never a guess', async () => {
    stub.setFallback('error');
    await expect(client().lookup(q)).rejects.toThrow(RegistryUnavailableError);
    expect(stub.seen).toHaveLength(3);
  });

  it('opens its circuit after repeated failures, stops calling, and closes again once the registry answers', async () => {
    stub.setFallback('drop');
    const r = client({ retries: 0 });
    for (let i = 0; i < 3; i++) await expect(r.lookup(q)).rejects.toThrow(RegistryUnavailableError);
    expect(r.circuitOpen).toBe(true);
    const calls = stub.seen.length;
    await expect(r.lookup(q)).rejects.toThrow(/circuit is open/);
    expect(stub.seen.length).toBe(calls);

    stub.setFallback('ok');
    await new Promise((resolve) => setTimeout(resolve, 350));
    expect((await r.lookup(q))?.owner.name).toBe('Đặng Thu Hà');
    expect(r.circuitOpen).toBe(false);
  });
});

describe('HttpRegistry.lookupMany', () => {
  it('answers each query, with an error only for the ones the registry could not answer', async () => {
    stub.script.push('ok', 'error', 'error', 'ok');
    const r = new HttpRegistry({ baseUrl: stub.url, timeoutMs: 150, retries: 0, backoffMs: 10, volumeThreshold: 50, parallel: 1 });
    registries.push(r);
    const out = await r.lookupMany([q, q, { ...q, plate: '99Z99999' }, { ...q, plate: '99Z99999' }]);
    expect((out[0] as { owner: { name: string } }).owner.name).toBe('Đặng Thu Hà');
    expect(out[1]).toBeInstanceOf(RegistryUnavailableError);
    expect(out[2]).toBeInstanceOf(RegistryUnavailableError);
    expect(out[3]).toBeNull();
  });
});
