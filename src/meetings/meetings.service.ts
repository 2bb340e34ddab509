import { randomBytes } from 'node:crypto';
import type { AuditAction } from '../audit/audit.actions.ts';
import type { Transaction } from 'kysely';
import type { Actor } from '../auth/actor.ts';
import { insertAuditEntry } from '../audit/audit.repo.ts';
import { auditEntry } from '../audit/audit.service.ts';
import type { Database, LiveSessionRow, MeetingProvider as ProviderName } from '../db/tables.ts';
import { AppError } from '../errors.ts';
import { type ClassDeps, recordChange } from '../classroom/class-deps.ts';
import { isEnded, sessionEndedError, sessionNotFound, sessionTarget } from '../classroom/session-access.ts';
import { enqueueSessionUpdated } from '../sessions/session-webhooks.ts';
import { toSessionDto } from '../sessions/sessions.presenter.ts';
import { lockSession, updateSessionIfStatus } from '../sessions/sessions.repo.ts';
import { personalJitsiUrl } from './jitsi.provider.ts';
import type { MeetingConfig } from './meetings.config.ts';
import { addDeleteJob, findCurrentJob, retireCurrentJob, setCurrentJob } from './meetings.repo.ts';
import type { MeetingChoice } from './meetings.schemas.ts';
import type { MeetingProviders } from './providers.ts';

/** The meeting columns of a session, as a new link starts them. */
export interface MeetingPlan {
  meeting_provider: ProviderName;
  meeting_url: string | null;
  meeting_status: 'pending' | 'ready';
  meeting_error: null;
  meeting_external_id: string | null;
}

export interface MeetingsDeps extends Pick<ClassDeps, 'db' | 'audit' | 'loadSession' | 'publish'> {
  config: MeetingConfig;
  providers: MeetingProviders;
  /** Wakes the meeting worker once a job is committed. */
  kick: () => void;
}

export type MeetingsService = ReturnType<typeof createMeetingsService>;

export function createMeetingsService(deps: MeetingsDeps) {
  const { audit, loadSession, config, providers, kick } = deps;

  /** A new link's columns; remote providers start `pending` under an id chosen now, so retries never duplicate. */
  function plan(title: string, choice: MeetingChoice = {}, field = 'body.meeting.provider'): MeetingPlan {
    const provider = choice.provider ?? (choice.url ? 'manual' : config.defaultProvider);
    if (!config.providers.includes(provider)) {
      throw new AppError('VALIDATION_FAILED', `The ${provider} meeting provider is not enabled here`, [
        { field, message: `must be one of: ${config.providers.join(', ')}` },
      ]);
    }
    const base = { meeting_provider: provider, meeting_error: null } as const;
    if (provider === 'manual') return { ...base, meeting_url: choice.url ?? null, meeting_status: 'ready', meeting_external_id: null };
    if (provider === 'jitsi') {
      const room = providers.jitsi.newRoom(title);
      return { ...base, meeting_url: `${config.jitsi.baseUrl}/${room}`, meeting_status: 'ready', meeting_external_id: room };
    }
    // Google event ids are base32hex (a–v, 0–9): hex digits are a subset.
    return { ...base, meeting_url: null, meeting_status: 'pending', meeting_external_id: `sp${randomBytes(16).toString('hex')}` };
  }

  /**
   * Whether a change of the row owes the provider work: a cancelled class's remote meeting is deleted, and a changed
   * title or time is sent.
   */
  async function owesProviderAfter(trx: Transaction<Database>, before: LiveSessionRow, after: LiveSessionRow): Promise<boolean> {
    if (!providers[after.meeting_provider].remote || !after.meeting_external_id) return false;
    if (after.status === 'cancelled' && before.status !== 'cancelled') return retire(trx, after);
    if (isEnded(after.status)) return false;
    const changed =
      before.title !== after.title ||
      before.description !== after.description ||
      before.scheduled_start.getTime() !== after.scheduled_start.getTime() ||
      before.duration_minutes !== after.duration_minutes;
    if (!changed) return false;
    const current = await findCurrentJob(trx, after.id);
    if (current?.operation === 'create') {
      // Rewriting bumps the version: a create already under way sees it and sends the new details afterwards.
      await setCurrentJob(trx, after.id, 'create', after.meeting_provider, after.meeting_external_id);
      return true;
    }
    if (!current && after.meeting_status !== 'ready') return false;
    await setCurrentJob(trx, after.id, 'update', after.meeting_provider, after.meeting_external_id);
    return true;
  }

  /** In the transaction that saved `plan`: owe the provider its creation. Returns whether the worker has work. */
  async function owe(trx: Transaction<Database>, sessionId: string, p: MeetingPlan): Promise<boolean> {
    if (!providers[p.meeting_provider].remote || !p.meeting_external_id) return false;
    await setCurrentJob(trx, sessionId, 'create', p.meeting_provider, p.meeting_external_id);
    return true;
  }

  /** The link being replaced is deleted at its provider, whatever was still owed for it. */
  async function retire(trx: Transaction<Database>, old: LiveSessionRow): Promise<boolean> {
    if (!providers[old.meeting_provider].remote || !old.meeting_external_id) return false;
    if (await retireCurrentJob(trx, old.id)) return true;
    if (old.meeting_status !== 'ready') return false;
    await addDeleteJob(trx, old.id, old.meeting_provider, old.meeting_external_id);
    return true;
  }

  /** Replaces the link (PUT …/meeting) or makes a remote one again (POST …/meeting/retry). */
  async function relink(actor: Actor, sessionId: string, action: AuditAction, choose: (s: LiveSessionRow) => MeetingChoice) {
    const { session } = await loadSession(actor, sessionId, 'manage', action);
    const target = sessionTarget(session);
    if (isEnded(session.status)) throw await audit.deny(actor, action, target, sessionEndedError(session.status, 'change its link'));
    const next = plan(session.title, await audit.guard(actor, action, target, () => choose(session)), 'body.provider');
    type Outcome = { updated?: LiveSessionRow; refused?: AppError };
    const { result } = await recordChange<Outcome>(deps, session.id, async (trx) => {
      // Decided again on the locked row: a concurrent replace, or the link becoming ready, must not be built upon.
      const current = await lockSession(trx, session.id);
      const refused = !current
        ? sessionNotFound(session.id)
        : isEnded(current.status)
          ? sessionEndedError(current.status, 'change its link')
          : refusal(() => choose(current));
      if (refused || !current) return { result: { refused }, events: [] };
      const updated = await updateSessionIfStatus(trx, session.id, ['scheduled', 'live'], next);
      if (!updated) return { result: { refused: sessionEndedError('completed', 'change its link') }, events: [] };
      await retire(trx, current);
      await owe(trx, session.id, next);
      await enqueueSessionUpdated(trx, updated);
      const details = { from: current.meeting_provider, to: next.meeting_provider };
      await insertAuditEntry(trx, auditEntry(actor, action, sessionTarget(updated), 'success', details));
      return { result: { updated }, events: [{ event: 'session:updated', payload: { session: toSessionDto(updated, false) } }] };
    });
    if (!result.updated) throw await audit.deny(actor, action, target, result.refused ?? sessionNotFound(session.id));
    kick();
    return toSessionDto(result.updated, true);
  }

  return {
    plan,
    owe,
    kick,

    replace: (actor: Actor, sessionId: string, choice: MeetingChoice) => relink(actor, sessionId, 'meeting.replace', () => choice),

    retry: (actor: Actor, sessionId: string) =>
      relink(actor, sessionId, 'meeting.retry', (s) => {
        if (!providers[s.meeting_provider].remote) {
          throw new AppError('MEETING_NOT_RETRYABLE', `A ${s.meeting_provider} link needs no provider call; replace it instead`);
        }
        if (s.meeting_status === 'ready') throw new AppError('MEETING_NOT_RETRYABLE', 'The link is ready; replace it to get a new one');
        return { provider: s.meeting_provider };
      }),

    /**
     * The session-change hook: a cancelled class's remote meeting is deleted, and a changed title or time is sent to
     * the provider; the worker is kicked once the change has committed.
     */
    async onSessionChange(trx: Transaction<Database>, before: LiveSessionRow, after: LiveSessionRow) {
      return (await owesProviderAfter(trx, before, after)) ? kick : undefined;
    },

    /** The link for one person: with Jitsi JWT rooms, their own token (moderator for managers). */
    async linkFor(row: LiveSessionRow, actor: Actor, manages: boolean): Promise<string | null> {
      if (row.meeting_provider !== 'jitsi' || !row.meeting_external_id || !config.jitsi.app) return row.meeting_url;
      const end = new Date(row.scheduled_start.getTime() + row.duration_minutes * 60_000);
      return personalJitsiUrl(config.jitsi, row.meeting_external_id, { ...actor, moderator: manages }, end);
    },
  };
}

/** The AppError a rule throws, as a value (inside a transaction, where the refusal is audited only after rollback). */
function refusal(check: () => unknown): AppError | undefined {
  try {
    check();
    return undefined;
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
}
