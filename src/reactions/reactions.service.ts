import type { Actor } from '../auth/actor.ts';
import type { ClassDeps } from '../classroom/class-deps.ts';
import { createCoalescer } from '../classroom/coalescer.ts';
import { sessionTarget } from '../classroom/session-access.ts';
import { requireLive } from '../classroom/session-guards.ts';
import { getOrCreate } from '../maps.ts';
import { addReactionCounts, listReactionCounts } from './reactions.repo.ts';
import type { Reaction, ReactionBurst, ReactionCounts, ReactionReport } from './reactions.schemas.ts';

/** At most one reaction:burst per second per class (and node), however many reactions arrive. */
export const BURST_MS = 1000;

/** Sends a burst to a session's room (on every node: it is not a logged event, so it travels as a plain emit). */
export type EmitBurst = (burst: ReactionBurst) => void;

export type ReactionsService = ReturnType<typeof createReactionsService>;

const minuteOf = (at: Date) => new Date(Math.floor(at.getTime() / 60_000) * 60_000);

/**
 * Quick reactions: members send one of a fixed set while the class is live (rate-limited per user); nothing is
 * written or sent per click. Each node adds them up per class and, once a second at most, adds the counts to the
 * class's per-minute row and sends the room one `reaction:burst` with them. Reactions are counts, never who sent
 * them; a crash loses at most the last second's.
 */
export function createReactionsService(deps: ClassDeps, emitBurst: EmitBurst) {
  const { db, audit, loadSession, limits } = deps;
  const pending = new Map<string, Map<Reaction, number>>();
  const bursts = createCoalescer(
    BURST_MS,
    async (sessionId) => {
      const counts = pending.get(sessionId);
      if (!counts) return;
      pending.delete(sessionId);
      try {
        await addReactionCounts(db, sessionId, minuteOf(new Date()), counts);
      } catch (err) {
        // Kept for the retry (the coalescer retries a failed flush): the next burst carries them.
        const later = getOrCreate(pending, sessionId, () => new Map());
        for (const [reaction, n] of counts) later.set(reaction, (later.get(reaction) ?? 0) + n);
        throw err;
      }
      emitBurst({ sessionId, counts: Object.fromEntries(counts) as ReactionCounts });
    },
    deps.log,
    'reaction:burst',
  );

  return {
    /** Counts a reaction in the class's next burst (members, while the class is live). */
    async send(actor: Actor, sessionId: string, reaction: Reaction): Promise<{ accepted: true }> {
      const { session } = await loadSession(actor, sessionId, 'view', 'reaction.send');
      await audit.guard(actor, 'reaction.send', sessionTarget(session), () => requireLive(session));
      await limits.take(actor, 'reaction');
      const counts = getOrCreate(pending, session.id, () => new Map());
      counts.set(reaction, (counts.get(reaction) ?? 0) + 1);
      bursts.mark(session.id);
      return { accepted: true };
    },

    /** A class's reactions per minute and in total (course mentors and admins), for engagement. */
    async report(actor: Actor, sessionId: string): Promise<ReactionReport> {
      const { session } = await loadSession(actor, sessionId, 'manage', 'reaction.read');
      const rows = await listReactionCounts(db, session.id);
      const minutes = new Map<string, Record<string, number>>();
      const totals: Record<string, number> = {};
      for (const row of rows) {
        const minute = getOrCreate(minutes, row.minute.toISOString(), (): Record<string, number> => ({}));
        minute[row.reaction] = row.count;
        totals[row.reaction] = (totals[row.reaction] ?? 0) + row.count;
      }
      return { minutes: [...minutes].map(([minute, counts]) => ({ minute, counts })), totals };
    },

    /** The app is closing: what was counted goes out (and is stored) now. */
    stop: (): Promise<void> => bursts.stop(),
  };
}
