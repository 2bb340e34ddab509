import type { Kysely } from 'kysely';
import { executeDdl } from './ddl.ts';

/**
 * LTI 1.3 (issue 16): the service as an LTI tool.
 * - `lti_platforms`: the LMSs registered with us (by an admin, or by Dynamic Registration). `slug` is derived from
 *   (issuer, client_id), so the same LMS registered again maps to the same course and user ids.
 * - `lti_keys`: the tool's own RS256 keys. At most one key signs (`superseded_at IS NULL`, the partial unique index);
 *   a superseded key stays published (and accepted) until `retired_at`, which a rotation sets in the future.
 * - `lti_login_states`: one per OIDC login initiation, consumed by the launch that follows; `binding_hash` is the
 *   hash of the secret the browser holds (a partitioned cookie, or the platform's postMessage storage).
 * - `lti_nonces`: id_token nonces already used, kept until the token could no longer be valid.
 * - `lti_contexts`: an LMS context (course) and its course id here, with the services the last launch offered.
 * - `lti_users`: an LMS user (the id_token's `sub`) and their user id here.
 * - `lti_deep_link_requests`: a content picker opened from the LMS, waiting for the mentor's choice.
 * - `lti_registration_links`: one-time links an admin hands to an LMS admin for Dynamic Registration (hashed).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    CREATE TABLE lti_platforms (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      slug text NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]{8}$'),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
      issuer text NOT NULL CHECK (length(issuer) BETWEEN 1 AND 2000),
      client_id text NOT NULL CHECK (length(client_id) BETWEEN 1 AND 500),
      deployment_ids jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(deployment_ids) = 'array'),
      auth_login_url text NOT NULL CHECK (length(auth_login_url) BETWEEN 1 AND 2000),
      token_url text NOT NULL CHECK (length(token_url) BETWEEN 1 AND 2000),
      jwks_url text NOT NULL CHECK (length(jwks_url) BETWEEN 1 AND 2000),
      registered_via text NOT NULL DEFAULT 'manual' CHECK (registered_via IN ('manual', 'dynamic')),
      created_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (issuer, client_id)
    );

    CREATE TABLE lti_keys (
      kid text PRIMARY KEY,
      alg text NOT NULL DEFAULT 'RS256' CHECK (alg = 'RS256'),
      private_jwk jsonb NOT NULL,
      public_jwk jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      superseded_at timestamptz,
      retired_at timestamptz,
      CHECK (retired_at IS NULL OR superseded_at IS NOT NULL)
    );
    CREATE UNIQUE INDEX lti_keys_one_signing_idx ON lti_keys ((true)) WHERE superseded_at IS NULL;

    CREATE TABLE lti_login_states (
      state text PRIMARY KEY,
      platform_id uuid NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
      nonce text NOT NULL,
      binding text NOT NULL CHECK (binding IN ('cookie', 'platform-storage')),
      binding_hash text NOT NULL,
      storage_target text CHECK (length(storage_target) BETWEEN 1 AND 200),
      target_link_uri text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL
    );
    CREATE INDEX lti_login_states_expiry_idx ON lti_login_states (expires_at);

    CREATE TABLE lti_nonces (
      platform_id uuid NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
      nonce text NOT NULL,
      expires_at timestamptz NOT NULL,
      PRIMARY KEY (platform_id, nonce)
    );
    CREATE INDEX lti_nonces_expiry_idx ON lti_nonces (expires_at);

    CREATE TABLE lti_contexts (
      platform_id uuid NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
      context_id text NOT NULL CHECK (length(context_id) BETWEEN 1 AND 255),
      course_id text NOT NULL UNIQUE CHECK (length(course_id) BETWEEN 1 AND 100),
      title text,
      deployment_id text NOT NULL,
      nrps_url text,
      ags_lineitems_url text,
      ags_lineitem_url text,
      ags_scopes jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(ags_scopes) = 'array'),
      roster_synced_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (platform_id, context_id)
    );

    CREATE TABLE lti_users (
      platform_id uuid NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
      sub text NOT NULL CHECK (length(sub) BETWEEN 1 AND 255),
      user_id text NOT NULL UNIQUE CHECK (length(user_id) BETWEEN 1 AND 100),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (platform_id, sub)
    );

    CREATE TABLE lti_deep_link_requests (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      platform_id uuid NOT NULL REFERENCES lti_platforms (id) ON DELETE CASCADE,
      deployment_id text NOT NULL,
      course_id text NOT NULL,
      user_id text NOT NULL,
      return_url text NOT NULL,
      data text,
      accept_multiple boolean NOT NULL DEFAULT false,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz
    );
    CREATE INDEX lti_deep_link_requests_expiry_idx ON lti_deep_link_requests (expires_at);

    CREATE TABLE lti_registration_links (
      token_hash text PRIMARY KEY,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      expires_at timestamptz NOT NULL,
      used_at timestamptz,
      platform_id uuid REFERENCES lti_platforms (id) ON DELETE SET NULL
    )
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    DROP TABLE lti_registration_links;
    DROP TABLE lti_deep_link_requests;
    DROP TABLE lti_users;
    DROP TABLE lti_contexts;
    DROP TABLE lti_nonces;
    DROP TABLE lti_login_states;
    DROP TABLE lti_keys;
    DROP TABLE lti_platforms
  `,
  );
}
