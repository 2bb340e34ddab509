import type { LiveSessionRow } from '../db/tables.ts';
import { AppError, type ErrorCode } from '../errors.ts';

/** Chat, Q&A and polls happen during a live class only. */
export function requireLive(session: LiveSessionRow): void {
  if (session.status !== 'live') {
    throw new AppError('SESSION_NOT_LIVE', `The class is ${session.status}; this works only while it is live`);
  }
}

const SETTING_ERRORS = {
  chat_enabled: ['CHAT_DISABLED', 'Chat is turned off for this session'],
  qa_enabled: ['QA_DISABLED', 'Q&A is turned off for this session'],
  polls_enabled: ['POLLS_DISABLED', 'Polls are turned off for this session'],
  anonymous_questions: ['ANONYMOUS_QUESTIONS_DISABLED', 'Anonymous questions are turned off for this session'],
} as const satisfies Record<string, [ErrorCode, string]>;

/** Each setting that can switch a feature off refuses with its own code. */
export function requireSetting(session: LiveSessionRow, setting: keyof typeof SETTING_ERRORS): void {
  if (!session[setting]) {
    const [code, message] = SETTING_ERRORS[setting];
    throw new AppError(code, message);
  }
}
