import type { Actor } from '../auth/actor.ts';
import type { Config } from '../config.ts';
import { AppError } from '../errors.ts';
import { type BudgetStore, localBudgets } from '../http/window-limiter.ts';

export type LimitedAction = 'chat' | 'question' | 'upvote' | 'vote' | 'join';

/**
 * Per-user budgets for class actions, shared by Socket.IO and REST so neither is a way around the other (and, with
 * several nodes, kept in Redis so that no node is either). `take` throws RATE_LIMITED (with the wait in the message)
 * once a user's budget for the minute is spent.
 */
export function createActionLimits(
  perMinute: Config['realtime']['perMinute'],
  store: BudgetStore = localBudgets,
  /** Counts each refusal (the metrics). */
  onRefused?: (action: LimitedAction) => void,
) {
  const budgets = {
    chat: store('chat', perMinute.chat, 60_000),
    question: store('question', perMinute.question, 60_000),
    upvote: store('upvote', perMinute.upvote, 60_000),
    vote: store('vote', perMinute.vote, 60_000),
    // Joins replay history and write attendance: generous for reconnects, but not a free loop.
    join: store('join', 60, 60_000),
  };
  return {
    async take(actor: Actor, action: LimitedAction): Promise<void> {
      const wait = await budgets[action].spend(actor.id);
      if (wait <= 0) return;
      onRefused?.(action);
      throw new AppError('RATE_LIMITED', `Too many ${action} actions; retry in ${wait} s`);
    },
  };
}

export type ActionLimits = ReturnType<typeof createActionLimits>;
