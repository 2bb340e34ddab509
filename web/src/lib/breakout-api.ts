import type { z } from 'zod';
import type { BreakoutResult, breakoutOpenBody } from '../../../src/breakouts/breakouts.schemas.ts';
import { api } from './api.ts';

const roundsPath = (classId: string) => `/api/live-sessions/${encodeURIComponent(classId)}/breakouts`;

/**
 * The breakout actions over REST, all under the class's session id. Each answers with the round as it is now; the
 * screens change when the class hears the matching breakout event (the log is the truth), not from this answer.
 */
export const breakoutApi = {
  open: (classId: string, body: z.input<typeof breakoutOpenBody>) => api<BreakoutResult>('POST', roundsPath(classId), body),
  move: (classId: string, roundId: string, userId: string, roomId: string) =>
    api<BreakoutResult>('POST', `${roundsPath(classId)}/${roundId}/moves`, { userId, roomId }),
  choose: (classId: string, roundId: string, roomId: string) =>
    api<BreakoutResult>('POST', `${roundsPath(classId)}/${roundId}/choose`, { roomId }),
  timer: (classId: string, roundId: string, addMinutes: number) =>
    api<BreakoutResult>('POST', `${roundsPath(classId)}/${roundId}/timer`, { addMinutes }),
  broadcast: (classId: string, roundId: string, text: string) =>
    api<BreakoutResult>('POST', `${roundsPath(classId)}/${roundId}/broadcast`, { text }),
  help: (classId: string, roundId: string, roomId: string, done = false) =>
    api<BreakoutResult>('POST', `${roundsPath(classId)}/${roundId}/help`, { roomId, done }),
  close: (classId: string, roundId: string, now = false) => api<BreakoutResult>('POST', `${roundsPath(classId)}/${roundId}/close`, { now }),
};
