import type { Transaction } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { insertAuditEntries } from '../audit/audit.repo.ts';
import { type AuditTarget, auditEntry } from '../audit/audit.service.ts';
import type { Database } from '../db/tables.ts';
import { addUpvotes, existingUpvotes, openQuestionIds, recountUpvotes, removeUpvotes, type UpvotePair, upvoteKey } from './qa.repo.ts';
import type { UpvoteResult } from './qa.schemas.ts';

export interface UpvoteToggle {
  actor: Actor;
  qaId: string;
  target: AuditTarget;
}

/** A toggle's outcome: the new state and count, or `closed` when the question stopped taking upvotes meanwhile. */
export type UpvoteOutcome = UpvoteResult | 'closed';

/**
 * Applies a batch of upvote toggles in one transaction, set-wise: the toggles of one user on one question are
 * applied in order (two clicks cancel out), the net changes are written in two statements, and each question's
 * count is recounted from qa_upvotes, so it is exact whatever the interleaving. Every toggle is audited.
 */
export async function applyUpvoteToggles(trx: Transaction<Database>, toggles: UpvoteToggle[]): Promise<UpvoteOutcome[]> {
  const open = await openQuestionIds(trx, [...new Set(toggles.map((t) => t.qaId))]);
  const pairs = new Map<string, UpvotePair>();
  for (const t of toggles)
    if (open.has(t.qaId)) pairs.set(upvoteKey({ qaId: t.qaId, userId: t.actor.id }), { qaId: t.qaId, userId: t.actor.id });
  const before = await existingUpvotes(trx, [...pairs.values()]);

  const now = new Map<string, boolean>();
  const states = toggles.map((t) => {
    if (!open.has(t.qaId)) return undefined;
    const key = upvoteKey({ qaId: t.qaId, userId: t.actor.id });
    const upvoted = !(now.get(key) ?? before.has(key));
    now.set(key, upvoted);
    return upvoted;
  });
  const changed = [...now].filter(([key, upvoted]) => upvoted !== before.has(key));
  await removeUpvotes(
    trx,
    changed.filter(([, upvoted]) => !upvoted).map(([key]) => pairs.get(key) as UpvotePair),
  );
  await addUpvotes(
    trx,
    changed.filter(([, upvoted]) => upvoted).map(([key]) => pairs.get(key) as UpvotePair),
  );
  const counts = await recountUpvotes(trx, [...open]);

  await insertAuditEntries(
    trx,
    toggles.flatMap((t, i) => {
      const upvoted = states[i];
      return upvoted === undefined ? [] : [auditEntry(t.actor, 'qa.upvote', t.target, 'success', { upvoted })];
    }),
  );
  return toggles.map((t, i) => {
    const upvoted = states[i];
    return upvoted === undefined ? 'closed' : { upvoted, upvotes: counts.get(t.qaId) ?? 0 };
  });
}
