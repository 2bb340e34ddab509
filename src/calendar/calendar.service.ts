import { createHash, randomBytes } from 'node:crypto';
import type { Actor } from '../auth/actor.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { type AuditService, auditEntry } from '../audit/audit.service.ts';
import { findMembership } from '../classroom/access.repo.ts';
import type { Db } from '../db/kysely.ts';
import type { CalendarFeedRow } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import type { BudgetStore } from '../http/window-limiter.ts';
import { buildCalendar } from './calendar.ics.ts';
import { deleteFeed, findFeedByHash, insertFeed, listFeedClasses, listFeeds } from './calendar.repo.ts';
import type { CreateFeedBody, FeedDto } from './calendar.schemas.ts';

/** How far back and ahead a feed reaches, and how many classes it holds at most. */
export const FEED_WINDOW = { pastDays: 60, futureDays: 400, maxClasses: 1000 } as const;
/** Reads of one feed per window (a few devices polling the same URL fit easily), and unknown secrets per address. */
export const FEED_LIMITS = { perFeed: 30, perFeedWindowMs: 5 * 60_000, missesPerAddress: 20, missWindowMs: 60_000 } as const;

const DAY = 86_400_000;
const feedNotFound = () => new AppError('CALENDAR_FEED_NOT_FOUND', 'No such calendar feed (it may have been revoked)');
/** 32 random bytes, base64url: the whole secret is the URL's file name. */
const SECRET = /^[A-Za-z0-9_-]{43}$/;
const hashOf = (secret: string) => createHash('sha256').update(secret).digest('hex');

export type CalendarService = ReturnType<typeof createCalendarService>;

/** Secret per-user iCalendar feeds: issued, listed and revoked by their owner; read by calendar apps without a token. */
export function createCalendarService(db: Db, audit: AuditService, budgets: BudgetStore) {
  const perFeed = budgets('calendar-feed', FEED_LIMITS.perFeed, FEED_LIMITS.perFeedWindowMs);
  const misses = budgets('calendar-miss', FEED_LIMITS.missesPerAddress, FEED_LIMITS.missWindowMs);

  return {
    /** A new feed; its URL (holding the secret) is in this answer only. A course feed needs a place on its roster. */
    async create(actor: Actor, body: CreateFeedBody, origin: string) {
      const courseId = body.courseId ?? null;
      // The roster, not the token role: a feed is read later without a token, and shows what the roster allows then.
      if (courseId && (await findMembership(db, courseId, actor.id)) === null) {
        const refused = new AppError('NOT_FOUND', 'You are not on this course, so it has no calendar for you');
        throw await audit.deny(actor, 'calendar_feed.create', { type: 'course', id: courseId, courseId }, refused);
      }
      const secret = randomBytes(32).toString('base64url');
      const row = await db.transaction().execute(async (trx) => {
        const feed = await insertFeed(trx, { user_id: actor.id, course_id: courseId, secret_hash: hashOf(secret) });
        await insertAuditEntry(trx, auditEntry(actor, 'calendar_feed.create', feedTarget(feed), 'success'));
        return feed;
      });
      return { ...toFeedDto(row), url: `${origin}/calendar/${secret}.ics` };
    },

    async list(actor: Actor) {
      return { items: (await listFeeds(db, actor.id)).map(toFeedDto) };
    },

    /** Revokes one of the caller's feeds: its URL answers 404 from now on. */
    async revoke(actor: Actor, feedId: string) {
      const row = await db.transaction().execute(async (trx) => {
        const feed = await deleteFeed(trx, actor.id, feedId);
        if (feed) await insertAuditEntry(trx, auditEntry(actor, 'calendar_feed.revoke', feedTarget(feed), 'success'));
        return feed;
      });
      if (!row) throw await audit.deny(actor, 'calendar_feed.revoke', { type: 'calendar_feed', id: feedId }, feedNotFound());
    },

    /**
     * The iCalendar text a secret names, or a refusal: RATE_LIMITED (with the seconds to wait) or
     * CALENDAR_FEED_NOT_FOUND. The secret is looked up by its SHA-256 (what is stored), so the lookup's timing tells
     * nothing about secrets that exist.
     */
    async read(secret: string, ip: string, joinPage: (sessionId: string) => string): Promise<{ ics: string } | { wait: number }> {
      const hash = SECRET.test(secret) ? hashOf(secret) : undefined;
      const feed = hash ? await findFeedByHash(db, hash) : undefined;
      // Misses are counted per address only once they miss: a calendar service polling many users' feeds from one
      // address keeps reading the live ones while it still polls some that were revoked.
      const spent = feed ? await perFeed.spend(feed.id) : await misses.spend(ip);
      if (spent.wait > 0) {
        if (spent.firstRefusal) {
          const target = { type: 'calendar_feed', id: feed?.id ?? null, courseId: feed?.course_id ?? null };
          await audit.deny(null, 'rate_limit.exceeded', target, new AppError('RATE_LIMITED', 'calendar feed read too often'), ip);
        }
        return { wait: spent.wait };
      }
      if (!feed) throw feedNotFound();
      const now = Date.now();
      const classes = await listFeedClasses(db, {
        userId: feed.user_id,
        courseId: feed.course_id,
        from: new Date(now - FEED_WINDOW.pastDays * DAY),
        to: new Date(now + FEED_WINDOW.futureDays * DAY),
        limit: FEED_WINDOW.maxClasses,
      });
      const name = feed.course_id ? `Skill Probe Live: ${feed.course_id}` : 'Skill Probe Live: my classes';
      return { ics: buildCalendar(name, classes, joinPage) };
    },
  };
}

function feedTarget(feed: CalendarFeedRow) {
  return { type: 'calendar_feed', id: feed.id, ...(feed.course_id && { courseId: feed.course_id }) };
}

function toFeedDto(row: CalendarFeedRow): FeedDto {
  return { id: row.id, courseId: row.course_id, createdAt: row.created_at.toISOString() };
}
