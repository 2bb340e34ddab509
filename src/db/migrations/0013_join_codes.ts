import type { Kysely } from 'kysely';
import { executeDdl } from './ddl.ts';

/**
 * A short code per class for the presenter view's join link (`/j/:code`, issue 14): ten hex digits (40 bits) drawn by
 * the database, so every insert path gets one and existing classes are given theirs by this migration. Unique, so a
 * code names one class; a collision on insert is retried by the caller (sessions.repo.ts insertSession).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    ALTER TABLE live_sessions ADD COLUMN join_code text NOT NULL DEFAULT substr(md5(gen_random_uuid()::text), 1, 10);
    CREATE UNIQUE INDEX live_sessions_join_code_idx ON live_sessions (join_code)
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await executeDdl(db, 'DROP INDEX live_sessions_join_code_idx; ALTER TABLE live_sessions DROP COLUMN join_code');
}
