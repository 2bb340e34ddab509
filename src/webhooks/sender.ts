import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { guardedLookup, isForbiddenAddress } from './address-guard.ts';

/** How much of a receiver's answer is read (for the delivery log); the rest is dropped unread. */
export const MAX_RESPONSE_BYTES = 4096;

export interface SendOptions {
  url: string;
  /** The endpoint's `whsec_…` secret. */
  secret: string;
  /** The stable event id: the `webhook-id` header, the same on every attempt and redelivery. */
  eventId: string;
  body: string;
  timeoutMs: number;
  allowPrivateNetworks: boolean;
  /** Aborts the attempt early (the process is stopping): the outcome says `interrupted`. */
  signal?: AbortSignal;
}

/** One attempt's outcome: a 2xx is delivered; anything else (3xx included, redirects are not followed) is a failure. */
export interface SendOutcome {
  ok: boolean;
  status: number | null;
  /** Why it failed, for the delivery log (a status line, a network error, the start of the answer). */
  error: string | null;
  /** Cut off by `signal`, not by the receiver: no verdict on the receiver. */
  interrupted?: boolean;
}

/** The Standard Webhooks headers for one attempt, signed now with the endpoint's secret. */
export function signedHeaders(secret: string, eventId: string, body: string, at = new Date()): Record<string, string> {
  return {
    'webhook-id': eventId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(secret).sign(eventId, at, body),
  };
}

/**
 * POSTs one signed event. Never throws: every failure (refused address, timeout, connection error, non-2xx) is an
 * outcome. The whole attempt, answer included, is bounded by `timeoutMs`, and at most MAX_RESPONSE_BYTES are read.
 */
export async function sendWebhook(o: SendOptions): Promise<SendOutcome> {
  const url = new URL(o.url);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  // A literal address is connected to as it is (no lookup runs): check it here.
  if (!o.allowPrivateNetworks && isIP(host) !== 0 && isForbiddenAddress(host)) {
    return { ok: false, status: null, error: `refused: ${host} is a private, loopback or link-local address` };
  }
  const headers = {
    'content-type': 'application/json',
    'user-agent': 'skill-probe-live-webhooks',
    ...signedHeaders(o.secret, o.eventId, o.body),
  };
  const client = url.protocol === 'https:' ? https : http;
  const timeout = AbortSignal.timeout(o.timeoutMs);
  const signal = o.signal ? AbortSignal.any([timeout, o.signal]) : timeout;
  return new Promise<SendOutcome>((resolve) => {
    const fail = (err: Error) => {
      if (o.signal?.aborted) return resolve({ ok: false, status: null, error: 'interrupted: the service was stopping', interrupted: true });
      const timedOut = timeout.aborted;
      resolve({ ok: false, status: null, error: timedOut ? `timed out after ${o.timeoutMs} ms` : `${err.name}: ${err.message}` });
    };
    const req = client.request(url, { method: 'POST', headers, signal, lookup: guardedLookup(o.allowPrivateNetworks) }, (res) => {
      const status = res.statusCode ?? 0;
      const chunks: Buffer[] = [];
      let size = 0;
      const finish = () => {
        const answer = Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8');
        const ok = status >= 200 && status < 300;
        const why = status >= 300 && status < 400 ? `redirect to ${res.headers.location ?? '?'} not followed` : answer;
        resolve({ ok, status, error: ok ? null : `HTTP ${status}${why ? `: ${why}` : ''}`.slice(0, 1000) });
      };
      res.on('data', (chunk: Buffer) => {
        if (size >= MAX_RESPONSE_BYTES) return;
        chunks.push(chunk);
        size += chunk.length;
        // Enough read: the rest of a large (or endless) answer is not waited for.
        if (size >= MAX_RESPONSE_BYTES) {
          finish();
          res.destroy();
        }
      });
      res.on('end', finish);
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end(o.body);
  });
}
