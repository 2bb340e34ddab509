import type { Kysely } from 'kysely';
import { executeDdl } from './ddl.ts';

/**
 * Event-log retention: the events of a class that ended more than EVENT_RETENTION_DAYS ago are dropped (the durable
 * tables keep what reports need). `events_expired_through_seq` is how far the log was dropped, written before the
 * rows go, so a reader asking for that range gets EVENTS_EXPIRED instead of a silently shorter log.
 * `events_compacted_at` is set once every dropped row is gone: a run cut short is finished by the next one.
 * The partial index holds only ended sessions with something left to drop, so the hourly search stays small.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    ALTER TABLE live_sessions ADD COLUMN events_expired_through_seq bigint NOT NULL DEFAULT 0
      CHECK (events_expired_through_seq >= 0 AND events_expired_through_seq <= last_seq);
    ALTER TABLE live_sessions ADD COLUMN events_compacted_at timestamptz;
    CREATE INDEX live_sessions_events_retention_idx ON live_sessions ((coalesce(actual_end, updated_at)))
      WHERE status IN ('completed', 'cancelled') AND (events_compacted_at IS NULL OR events_expired_through_seq < last_seq)
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    DROP INDEX live_sessions_events_retention_idx;
    ALTER TABLE live_sessions DROP COLUMN events_compacted_at;
    ALTER TABLE live_sessions DROP COLUMN events_expired_through_seq
  `,
  );
}
