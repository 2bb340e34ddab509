import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import type { TestApp } from '../test/harness.ts';

export interface Received {
  headers: Record<string, string>;
  body: string;
  at: number;
}

/** What the receiver answers the nth request (1-based): a status, a status after a delay, or 'hang' (never answer). */
export type Answer = (n: number, r: Received) => number | 'hang' | { status: number; delayMs: number };

/** A local webhook receiver on 127.0.0.1:0 that records every request and answers as told. */
export async function startReceiver() {
  const received: Received[] = [];
  const hanging = new Set<http.ServerResponse>();
  let answer: Answer = () => 200;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r = { headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      received.push(r);
      const told = answer(received.length, r);
      if (told === 'hang') return void hanging.add(res);
      const { status, delayMs } = typeof told === 'number' ? { status: told, delayMs: 0 } : told;
      setTimeout(() => res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'nope'), delayMs);
    });
  });
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    port,
    received,
    answer(fn: Answer) {
      answer = fn;
    },
    /** The bodies received, parsed, of one event type. */
    ofType(type: string) {
      return received.filter((r) => JSON.parse(r.body).type === type);
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** Verifies a received request with the standardwebhooks library, as a receiver would; throws when it does not verify. */
export function verify(secret: string, r: Received): { type: string; timestamp: string; data: Record<string, unknown> } {
  return new Webhook(secret).verify(r.body, r.headers) as { type: string; timestamp: string; data: Record<string, unknown> };
}

/** Registers an endpoint as an admin and returns its body (secret included). */
export async function registerEndpoint(t: TestApp, admin: string, url: string, eventTypes: string[]) {
  const res = await t.request({ method: 'POST', url: '/api/webhooks', token: admin, body: { url, eventTypes } });
  if (res.statusCode !== 201) throw new Error(`webhook setup failed: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; secret: string; enabled: boolean };
}

/** The env that lets the tests' receiver on 127.0.0.1 be reached, with quick passes and retries. */
export const quickEnv = {
  WEBHOOKS_ALLOW_PRIVATE_NETWORKS: 'true',
  WEBHOOKS_POLL_MS: '50',
  WEBHOOKS_RETRY_BASE_MS: '150',
  WEBHOOKS_RETRY_MAX_MS: '2000',
  WEBHOOKS_TIMEOUT_MS: '1000',
};
