import type { ChatMessage } from '../../../src/chat/chat.schemas.ts';
import type { PollDto } from '../../../src/polls/polls.schemas.ts';
import type { Question } from '../../../src/qa/qa.schemas.ts';
import { api } from './api.ts';
import type { ClassState } from './class-state.ts';

export type ClassSnapshot = Pick<ClassState, 'messages' | 'questions' | 'polls' | 'lastSeq'>;

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Every page of a list, following `nextCursor`. */
async function allPages<T>(path: string): Promise<T[][]> {
  const pages: T[][] = [];
  let cursor: string | null = '';
  while (cursor !== null) {
    const page: Page<T> = await api<Page<T>>(
      'GET',
      `${path}${path.includes('?') ? '&' : '?'}limit=100${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    pages.push(page.items);
    cursor = page.nextCursor;
  }
  return pages;
}

/**
 * A class whose event log retention dropped (EVENTS_EXPIRED: it ended more than EVENT_RETENTION_DAYS ago) is read
 * over REST instead of replayed: chat, questions and polls as they stand, which those routes keep whole. It is then
 * shown read-only like any ended class. The log's newest seq is read first, so everything read after it already holds
 * the events up to it, and a live event (a late dismissal) continues from there.
 */
export async function loadClassSnapshot(sessionId: string): Promise<ClassSnapshot> {
  const path = `/api/live-sessions/${encodeURIComponent(sessionId)}`;
  // A `since` past any seq returns no events, only `lastSeq` (and is never inside the dropped range).
  const { lastSeq } = await api<{ lastSeq: number }>('GET', `${path}/events?since=${Number.MAX_SAFE_INTEGER}&limit=1`);
  // Chat pages run newest first, each page oldest first.
  const chat = await allPages<ChatMessage>(`${path}/chat`);
  const messages = chat.reverse().flat();
  const questions: Record<string, Question> = {};
  for (const q of (await allPages<Question>(`${path}/qa`)).flat()) questions[q.id] = q;
  const polls: Record<string, PollDto> = {};
  for (const p of (await api<{ items: PollDto[] }>('GET', `${path}/polls`)).items) polls[p.id] = p;
  return { messages, questions, polls, lastSeq };
}
