import { z } from 'zod';

const intFromEnv = (min: number, max: number) =>
  z.string().trim().regex(/^\d+$/, 'must be a whole number').transform(Number).pipe(z.number().int().min(min).max(max));

/** The webhook variables; config.ts merges them into the one environment schema. */
export const webhookEnv = {
  /** Operator override: deliver to private, loopback and link-local addresses too (a receiver on the same network). */
  WEBHOOKS_ALLOW_PRIVATE_NETWORKS: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .default(false),
  WEBHOOKS_TIMEOUT_MS: intFromEnv(100, 60_000).default(10_000),
  WEBHOOKS_RETRY_BASE_MS: intFromEnv(10, 3_600_000).default(10_000),
  WEBHOOKS_RETRY_MAX_MS: intFromEnv(10, 86_400_000).default(3_600_000),
  WEBHOOKS_POLL_MS: intFromEnv(10, 60_000).default(1000),
};

export interface WebhookConfig {
  allowPrivateNetworks: boolean;
  /** One attempt's whole budget: connect, send, and read the (capped) answer. */
  timeoutMs: number;
  /** The wait after a first failure; it doubles per attempt (with jitter) up to `retryMaxMs`. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How often the worker looks for due deliveries (commits elsewhere cannot wake it). */
  pollMs: number;
  /** An endpoint whose attempts have all failed for this long is disabled (a day). */
  disableAfterMs: number;
}

type WebhookEnv = { [K in keyof typeof webhookEnv]: z.output<(typeof webhookEnv)[K]> };

/** The webhook settings from the parsed environment. */
export function webhookConfigFrom(e: WebhookEnv): WebhookConfig {
  return {
    allowPrivateNetworks: e.WEBHOOKS_ALLOW_PRIVATE_NETWORKS,
    timeoutMs: e.WEBHOOKS_TIMEOUT_MS,
    retryBaseMs: e.WEBHOOKS_RETRY_BASE_MS,
    retryMaxMs: Math.max(e.WEBHOOKS_RETRY_BASE_MS, e.WEBHOOKS_RETRY_MAX_MS),
    pollMs: e.WEBHOOKS_POLL_MS,
    disableAfterMs: 24 * 60 * 60 * 1000,
  };
}
