import type { Kysely } from 'kysely';
import { executeDdl } from './ddl.ts';

/**
 * Course group sets (issue 15, part 3): named sets of named groups of roster students, often imported from the LMS,
 * that a breakout round can start from. A PUT replaces a course's whole list, so each set is one row with its groups
 * as JSON (read and written together, never queried inside); `position` keeps the order of the last save.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await executeDdl(
    db,
    `
    CREATE TABLE course_group_sets (
      id uuid PRIMARY KEY,
      course_id text NOT NULL CHECK (length(course_id) BETWEEN 1 AND 100),
      name text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
      position integer NOT NULL CHECK (position >= 0),
      groups jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(groups) = 'array'),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now()
    );
    CREATE INDEX course_group_sets_course_idx ON course_group_sets (course_id, position)
  `,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await executeDdl(db, 'DROP TABLE course_group_sets');
}
