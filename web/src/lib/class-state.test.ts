import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Question } from '../../../src/qa/qa.schemas.ts';
import { applyEvent, type ClassEvent, emptyClass } from './class-state.ts';

const question = (id: string): Question => ({
  id,
  question: id,
  anonymous: false,
  upvotes: 0,
  status: 'open',
  createdAt: '2026-01-01T00:00:00Z',
});
const apply = (events: ClassEvent[]) => events.reduce(applyEvent, emptyClass);

test('a removed question leaves the list, whichever event showed it, and the room keeps its queue count and highlight', () => {
  const state = apply([
    { event: 'qa:question', payload: { seq: 1, question: question('a') } },
    { event: 'qa:question', payload: { seq: 2, question: question('b') } },
    { event: 'qa:answering', payload: { seq: 3, qaId: 'b' } },
    { event: 'qa:removed', payload: { seq: 4, qaId: 'a', reason: 'dismissed' } },
    { event: 'qa:queue', payload: { seq: 5, pending: 2 } },
    // A student's replay: the rejected question's own event comes as its removal, at the same seq.
    { event: 'qa:removed', payload: { seq: 6, qaId: 'c', reason: 'rejected' } },
  ]);
  assert.deepEqual(Object.keys(state.questions), ['b']);
  assert.deepEqual(state.qaLive, { answering: 'b', pending: 2, removed: { a: 'dismissed', c: 'rejected' } });
  assert.equal(state.lastSeq, 6);
  const cleared = applyEvent(state, { event: 'qa:answering', payload: { seq: 7, qaId: null } });
  assert.equal(cleared.qaLive.answering, null);
});
