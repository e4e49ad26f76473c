import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TRegistryRecord } from '../../src/registry/index.ts';

export type TBehaviour = 'ok' | 'not-found' | 'error' | 'slow' | 'drop' | 'garbage';

/**
 * A stand-in for the national registry service over real HTTP. Each request takes the
 * next behaviour from the script (then `fallback`): answer, 404, 500, answer too late,
 * drop the connection, or send a body that is cut off.
 */
export const startRegistryStub = async (records: Record<string, TRegistryRecord>, opts: { slowMs?: number } = {}) => {
  const script: TBehaviour[] = [];
  let fallback: TBehaviour = 'ok';
  const seen: URL[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://stub');
    seen.push(url);
    const behaviour = script.shift() ?? fallback;
    const record = records[`${url.searchParams.get('plate')}|${url.searchParams.get('plateColor')}`];
    const answer = () => {
      if (!record) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(record));
    };
    switch (behaviour) {
      case 'ok':
        return answer();
      case 'not-found':
        return res.writeHead(404).end();
      case 'error':
        return res.writeHead(500).end('internal error');
      case 'slow':
        return void setTimeout(answer, opts.slowMs ?? 1_000);
      case 'drop':
        return req.socket.destroy();
      case 'garbage':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '500' });
        res.write('{"plate": "51F');
        return void setTimeout(() => req.socket.destroy(), 10);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    script,
    seen,
    setFallback: (b: TBehaviour) => {
      fallback = b;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
};

export const sampleRecord = (plate: string, over: Partial<TRegistryRecord> = {}): TRegistryRecord => ({
  plate,
  plateColor: 'WHITE',
  vehicleClass: 'CAR',
  make: 'VinFast',
  model: 'VF 8',
  color: 'Xám',
  validFrom: new Date('2024-01-01T00:00:00Z'),
  validTo: null,
  owner: {
    ownerType: 'PERSON',
    name: 'Đặng Thu Hà',
    idNumber: '001195012345',
    address: '5 Lý Thường Kiệt, phường Hoàn Kiếm',
    province: 'TP. Hà Nội',
    email: 'ha.dang@example.vn',
    phone: '0904556677',
  },
  ...over,
});
