import type { Kysely } from 'kysely';
import { executeDdl } from './ddl.ts';

/**
 * Signed webhooks (issue 16, part 2). Admins register endpoints; a change that other systems may hear of writes one
 * `webhook_events` row (the outbox; its id is the stable `webhook-id`) and one `webhook_deliveries` row per
 * subscribed, enabled endpoint, in the change's own transaction. A worker delivers them with leases and backoff.
 * `failing_since` is when the endpoint's current run of failures began: a day of it disables the endpoint, which sets
 * `disabled_at` (an endpoint an admin disables has none): events keep being owed to it until it is re-enabled.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    CREATE TABLE webhook_endpoints (
      id uuid PRIMARY KEY,
      url text NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
      description text NOT NULL DEFAULT '' CHECK (length(description) <= 200),
      event_types jsonb NOT NULL CHECK (jsonb_typeof(event_types) = 'array'),
      enabled boolean NOT NULL DEFAULT true,
      secret text NOT NULL,
      failing_since timestamptz,
      disabled_at timestamptz,
      disabled_reason text,
      created_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE webhook_events (
      id text PRIMARY KEY,
      type text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE TABLE webhook_deliveries (
      id uuid PRIMARY KEY,
      endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
      event_id text NOT NULL REFERENCES webhook_events (id) ON DELETE CASCADE,
      state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered')),
      attempts integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      claimed_until timestamptz,
      claim_token text,
      last_attempt_at timestamptz,
      last_status integer,
      last_error text,
      delivered_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now()
    );
    -- The claim walks each enabled endpoint's due range, and counts its live claims, through these two.
    CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (endpoint_id, next_attempt_at) WHERE state = 'pending';
    CREATE INDEX webhook_deliveries_claimed_idx ON webhook_deliveries (endpoint_id)
      WHERE state = 'pending' AND claimed_until IS NOT NULL;
    CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, created_at DESC, id DESC);
    -- Deleting an event (the prune) checks its deliveries through the foreign key: without this, one scan per event.
    CREATE INDEX webhook_deliveries_event_idx ON webhook_deliveries (event_id);
    CREATE INDEX webhook_deliveries_delivered_idx ON webhook_deliveries (delivered_at) WHERE state = 'delivered';
    CREATE INDEX webhook_events_created_idx ON webhook_events (created_at)
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await executeDdl(db, 'DROP TABLE webhook_deliveries; DROP TABLE webhook_events; DROP TABLE webhook_endpoints');
}
