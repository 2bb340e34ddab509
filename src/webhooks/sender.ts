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
 * outcome. The whole attempt is bounded by `timeoutMs`. A 2xx status line is a delivery at once (the answer is not
 * waited for); a failure's answer is read, at most MAX_RESPONSE_BYTES of it and within the same budget, for the log.
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
    // The status line decides; the answer after it is read only for the log of a failure, best-effort.
    let answered: { status: number; chunks: Buffer[]; why?: string } | undefined;
    const failedWithStatus = () => {
      if (!answered) return;
      const { status, chunks } = answered;
      const why = answered.why ?? Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8');
      resolve({ ok: false, status, error: `HTTP ${status}${why ? `: ${why}` : ''}`.slice(0, 1000) });
    };
    const fail = (err: Error) => {
      // Cut off while reading a failure's answer: the status is known, and it is the verdict.
      if (answered) return failedWithStatus();
      if (o.signal?.aborted) return resolve({ ok: false, status: null, error: 'interrupted: the service was stopping', interrupted: true });
      const timedOut = timeout.aborted;
      resolve({ ok: false, status: null, error: timedOut ? `timed out after ${o.timeoutMs} ms` : `${err.name}: ${err.message}` });
    };
    const req = client.request(url, { method: 'POST', headers, signal, lookup: guardedLookup(o.allowPrivateNetworks) }, (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        // Delivered: a body that trickles in afterwards must not turn a delivery into a timeout and a resend.
        resolve({ ok: true, status, error: null });
        res.destroy();
        return;
      }
      const why = status >= 300 && status < 400 ? `redirect to ${res.headers.location ?? '?'} not followed` : undefined;
      answered = { status, chunks: [], why };
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size >= MAX_RESPONSE_BYTES || !answered) return;
        answered.chunks.push(chunk);
        size += chunk.length;
        // Enough read: the rest of a large (or endless) answer is not waited for.
        if (size >= MAX_RESPONSE_BYTES) {
          failedWithStatus();
          res.destroy();
        }
      });
      res.on('end', failedWithStatus);
      res.on('error', fail);
    });
    req.on('error', fail);
    req.end(o.body);
  });
}
