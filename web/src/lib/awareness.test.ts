import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PollDto } from '../../../src/polls/polls.schemas.ts';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import { noticesBetween, titleWithUnseen } from './awareness.ts';
import { type ClassState, emptyClass } from './class-state.ts';

const poll = (id: string, status: 'open' | 'closed', quiz = false) =>
  ({ id, question: `Question ${id}?`, status, quiz }) as unknown as PollDto;
const state = (over: Partial<ClassState>): ClassState => ({ ...emptyClass, ...over });
const withAnnouncement = (announcement: { text: string; setAt: string } | null) =>
  state({ session: { announcement } as unknown as SessionDto });

describe('noticesBetween', () => {
  it('announces a poll when it opens, once, and names a quiz as a quiz', () => {
    const before = state({ polls: { a: poll('a', 'closed') } });
    const after = state({ polls: { a: poll('a', 'closed'), b: poll('b', 'open'), c: poll('c', 'open', true) } });
    assert.deepEqual(
      noticesBetween(before, after).map((n) => [n.tab, n.text, n.spoken]),
      [
        ['polls', 'New poll: Question b?', true],
        ['polls', 'New quiz: Question c?', true],
      ],
    );
    assert.deepEqual(noticesBetween(after, after), []);
  });

  it('a closed poll, or one already open, brings nothing', () => {
    const open = state({ polls: { a: poll('a', 'open') } });
    assert.deepEqual(noticesBetween(open, state({ polls: { a: poll('a', 'closed') } })), []);
  });

  it('a new or changed announcement is a notice (read out by its own banner), a cleared one is not', () => {
    const first = { text: 'Break until 10:15', setAt: '2026-12-06T10:00:00.000Z' };
    const changed = { text: 'Back at 10:20', setAt: '2026-12-06T10:05:00.000Z' };
    assert.deepEqual(
      noticesBetween(withAnnouncement(null), withAnnouncement(first)).map((n) => [n.tab, n.text, n.spoken]),
      [['chat', 'Announcement: Break until 10:15', false]],
    );
    assert.equal(noticesBetween(withAnnouncement(first), withAnnouncement(changed)).length, 1);
    assert.deepEqual(noticesBetween(withAnnouncement(first), withAnnouncement(first)), []);
    assert.deepEqual(noticesBetween(withAnnouncement(first), withAnnouncement(null)), []);
  });
});

describe('titleWithUnseen', () => {
  it('puts the count first and caps it', () => {
    assert.equal(titleWithUnseen('Waves — Skill Probe Live', 0), 'Waves — Skill Probe Live');
    assert.equal(titleWithUnseen('Waves', 3), '(3) Waves');
    assert.equal(titleWithUnseen('Waves', 250), '(99+) Waves');
  });
});
