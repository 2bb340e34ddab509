import type { FastifyBaseLogger } from 'fastify';
import type { AuditService } from '../audit/audit.service.ts';
import type { Actor } from '../auth/actor.ts';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import { type BudgetStore, localBudgets } from '../http/window-limiter.ts';

export type LimitedAction = 'chat' | 'question' | 'upvote' | 'vote' | 'join' | 'hand' | 'reaction' | 'breakout';

/** Reactions a user may send per minute: a lively class sends a few each; a held-down key is refused. */
export const REACTIONS_PER_MINUTE = 60;
/** Hand raises and lowers a user may make per minute: plenty for a person, not a toggle loop. */
export const HANDS_PER_MINUTE = 30;
/** A student's breakout actions (choose a room, ask for help) per minute: each owes the class the whole round. */
export const BREAKOUT_ACTIONS_PER_MINUTE = 30;

/** Where refusals go: the first of each window to the audit log, every one to `onRefused` (the metrics). */
export interface ActionLimitsDeps {
  audit: Pick<AuditService, 'deny'>;
  log: FastifyBaseLogger;
  onRefused?: (action: LimitedAction) => void;
}

/**
 * Per-user budgets for class actions, shared by Socket.IO and REST so neither is a way around the other (and, with
 * several nodes, kept in Redis so that no node is either). `take` throws RATE_LIMITED (with the wait in the message)
 * once a user's budget for the minute is spent. The first refusal per user, action and window is audited as
 * `rate_limit.exceeded` (as REST audits its first 429), so a flood shows in the audit log without flooding it.
 */
export function createActionLimits(
  perMinute: Config['realtime']['perMinute'],
  store: BudgetStore = localBudgets,
  audited?: ActionLimitsDeps,
) {
  const budgets = {
    chat: store('chat', perMinute.chat, 60_000),
    question: store('question', perMinute.question, 60_000),
    upvote: store('upvote', perMinute.upvote, 60_000),
    vote: store('vote', perMinute.vote, 60_000),
    // Joins replay history and write attendance: generous for reconnects, but not a free loop.
    join: store('join', 60, 60_000),
    hand: store('hand', HANDS_PER_MINUTE, 60_000),
    reaction: store('reaction', REACTIONS_PER_MINUTE, 60_000),
    breakout: store('breakout', BREAKOUT_ACTIONS_PER_MINUTE, 60_000),
  };
  return {
    async take(actor: Actor, action: LimitedAction): Promise<void> {
      const { wait, firstRefusal } = await budgets[action].spend(actor.id);
      if (wait === 0) return;
      audited?.onRefused?.(action);
      const error = new AppError('RATE_LIMITED', `Too many ${action} actions; retry in ${wait} s`);
      if (firstRefusal && audited) {
        // The refusal stands either way: an audit log that cannot be written must not turn it into a 500.
        await audited.audit.deny(actor, 'rate_limit.exceeded', { type: 'class_action', id: action }, error).catch((err: unknown) => {
          audited.log.error({ err, userId: actor.id, action }, 'could not audit a rate-limit refusal');
        });
      }
      throw error;
    },
  };
}

export type ActionLimits = ReturnType<typeof createActionLimits>;
