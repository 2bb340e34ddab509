import type { Actor } from '../auth/actor.ts';
import { requireCourseManager } from '../reports/settings.service.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { type AuditService, auditEntry } from '../audit/audit.service.ts';
import { cachesPerDatabase } from '../classroom/access-cache.ts';
import type { Db } from '../db/kysely.ts';
import { AppError } from '../errors.ts';
import { compileBlockedWords, findBlockedWord, normalizeBlockedWords } from './blocked-words.ts';
import { findCourseModeration, upsertCourseModeration } from './moderation.repo.ts';

export type ModerationService = ReturnType<typeof createModerationService>;

const courseTarget = (courseId: string) => ({ type: 'course', id: courseId, courseId });

// Every chat message and question checks its course's list: cached briefly (see access-cache.ts) and invalidated by
// every save on this node, so a class of thousands reads the list about once a second, not once per message.
const matchers = cachesPerDatabase<RegExp | null>();

/** A course's blocked words (GET/PUT /api/courses/:courseId/moderation): read and replaced by its mentors and admins. */
export function createModerationService(db: Db, audit: AuditService) {
  const requireManager = (actor: Actor, courseId: string, action: 'course.moderation.read' | 'course.moderation.put') =>
    requireCourseManager(db, audit, actor, courseId, action);

  return {
    async get(actor: Actor, courseId: string) {
      await requireManager(actor, courseId, 'course.moderation.read');
      const row = await findCourseModeration(db, courseId);
      return { courseId, blockedWords: row?.blocked_words ?? [], updatedAt: row?.updated_at.toISOString() ?? null };
    },

    /** Replaces the list; it applies to the next message or question sent in any of the course's classes. */
    async put(actor: Actor, courseId: string, blockedWords: string[]) {
      await requireManager(actor, courseId, 'course.moderation.put');
      const words = normalizeBlockedWords(blockedWords);
      const row = await db.transaction().execute(async (trx) => {
        const saved = await upsertCourseModeration(trx, courseId, words, actor.id);
        // The count, not the words: the audit log is read more widely than the list itself.
        await insertAuditEntry(trx, auditEntry(actor, 'course.moderation.put', courseTarget(courseId), 'success', { words: words.length }));
        return saved;
      });
      invalidateBlockedWords(courseId);
      return { courseId, blockedWords: row.blocked_words, updatedAt: row.updated_at.toISOString() };
    },
  };
}

/** The course's list changed (here or, as relayed, on another node): the next message reads it again. */
export function invalidateBlockedWords(courseId: string): void {
  matchers.forEach((cache) => {
    cache.invalidate(courseId);
  });
}

/**
 * Refuses `text` with BLOCKED_WORDS when it holds one of the course's blocked words. The message names only what the
 * writer typed, never the rest of the list.
 */
export async function requireNoBlockedWords(db: Db, courseId: string, text: string, field: string): Promise<void> {
  const matcher = await matchers
    .of(db)
    .get(courseId, async () => compileBlockedWords((await findCourseModeration(db, courseId))?.blocked_words ?? []));
  const found = findBlockedWord(matcher, text);
  if (found !== null) {
    throw new AppError('BLOCKED_WORDS', `"${found}" is not allowed in this course. Rephrase and send again.`, [
      { field, message: `contains "${found}", which this course does not allow` },
    ]);
  }
}
