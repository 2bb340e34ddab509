import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import { describeChange, scheduleState, splitSchedule, upsertSession } from './schedule-state.ts';

const NOW = Date.parse('2030-03-01T12:00:00.000Z');
const session = (id: string, over: Partial<SessionDto> = {}) =>
  ({
    id,
    title: id,
    status: 'scheduled',
    scheduledStart: '2030-03-01T13:00:00.000Z',
    durationMinutes: 60,
    updatedAt: '2030-03-01T10:00:00.000Z',
    ...over,
  }) as SessionDto;

describe('the schedule sections', () => {
  it('puts a class that never started and whose planned end has passed under Past, as did not take place', () => {
    const missed = session('missed', { scheduledStart: '2030-03-01T10:00:00.000Z', durationMinutes: 60 });
    assert.equal(scheduleState(missed, NOW), 'missed');
    const { upcoming, past } = splitSchedule([missed], NOW);
    assert.deepEqual([upcoming.length, past.map((s) => s.id)], [0, ['missed']]);
  });

  it('keeps a class due to start (or running late to start) under Upcoming until its planned end', () => {
    const late = session('late', { scheduledStart: '2030-03-01T11:30:00.000Z', durationMinutes: 60 });
    assert.equal(scheduleState(late, NOW), 'upcoming');
  });

  it('lists live classes first, upcoming in start order, the past newest first', () => {
    const sessions = [
      session('old', { status: 'completed', scheduledStart: '2030-02-01T10:00:00.000Z' }),
      session('later', { scheduledStart: '2030-03-03T10:00:00.000Z' }),
      session('live', { status: 'live', scheduledStart: '2030-03-01T09:00:00.000Z' }),
      session('soon'),
      session('newer', { status: 'cancelled', scheduledStart: '2030-02-20T10:00:00.000Z' }),
    ];
    const { live, upcoming, past } = splitSchedule(sessions, NOW);
    assert.deepEqual(
      [live, upcoming, past].map((list) => list.map((s) => s.id)),
      [['live'], ['soon', 'later'], ['newer', 'old']],
    );
  });
});

describe('a live update of the list', () => {
  it('adds a new session in start order and replaces a changed one', () => {
    const list = [
      session('a', { scheduledStart: '2030-03-01T09:00:00.000Z' }),
      session('c', { scheduledStart: '2030-03-05T09:00:00.000Z' }),
    ];
    const added = upsertSession(list, session('b', { scheduledStart: '2030-03-02T09:00:00.000Z' }));
    assert.deepEqual(
      added?.map((s) => s.id),
      ['a', 'b', 'c'],
    );
    const started = upsertSession(added, session('b', { status: 'live', updatedAt: '2030-03-01T11:00:00.000Z' }));
    assert.equal(started?.find((s) => s.id === 'b')?.status, 'live');
  });

  it('never lets an older copy overwrite a newer one, and leaves an unread list unread', () => {
    const list = [session('a', { status: 'live', updatedAt: '2030-03-01T11:00:00.000Z' })];
    assert.equal(upsertSession(list, session('a', { updatedAt: '2030-03-01T10:00:00.000Z' })), list);
    assert.equal(upsertSession(undefined, session('a')), undefined);
  });

  it('says what happened', () => {
    assert.equal(describeChange(session('a'), session('a', { status: 'live' })), '“a” has started: join now.');
    assert.equal(describeChange(session('a', { status: 'live' }), session('a', { status: 'completed' })), '“a” has ended.');
    assert.equal(describeChange(undefined, session('a')), '“a” was scheduled.');
    assert.equal(describeChange(session('a'), session('a', { title: 'b' })), '“b” was updated.');
  });
});
