import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { at, BASE, makeReportInput, span, student } from '../test/make-report-input.ts';
import type { ClassBreakoutRoom } from './breakouts.repo.ts';
import { computeSessionReport } from './compute/session-report.ts';
import { sessionStudentsTable } from './csv-tables.ts';
import { breakoutsByClass, classSpansByUser, splitRoomsByMeetingData, withRoomSpans, worstMeetingSync } from './report-breakouts.ts';
import type { StayTuple } from './reports.repo.ts';

const ms = (minute: number) => BASE + minute * 60_000;
const room = (classId: string, roundId: string, sessionId: string, name: string, memberIds: string[]): ClassBreakoutRoom => ({
  classId,
  roundId,
  sessionId,
  name,
  memberIds,
  meetingSync: { status: 'none', syncedAt: null, error: null },
});

describe('breakoutsByClass', () => {
  test("each student's rooms in round order, one per round; room names by room session; classes apart", () => {
    const byClass = breakoutsByClass([
      room('c1', 'r1', 'room-a', 'Room 1', ['u1']),
      room('c1', 'r1', 'room-b', 'Room 2', ['u2']),
      room('c2', 'r9', 'room-z', 'Other', ['u1']),
      room('c1', 'r2', 'room-c', 'Recap', ['u1', 'u2']),
      room('c1', 'r2', 'room-d', 'Empty', []),
    ]);
    const c1 = byClass.get('c1');
    assert.deepEqual(
      [...(c1?.roomNames ?? [])],
      [
        ['room-a', 'Room 1'],
        ['room-b', 'Room 2'],
        ['room-c', 'Recap'],
        ['room-d', 'Empty'],
      ],
    );
    assert.deepEqual(c1?.roomsOf.get('u1'), ['Room 1', 'Recap']);
    assert.deepEqual(c1?.roomsOf.get('u2'), ['Room 2', 'Recap']);
    assert.deepEqual(byClass.get('c2')?.roomsOf.get('u1'), ['Other']);
  });
});

describe('stays in the class and its rooms', () => {
  const names = new Map([
    ['room-a', 'Room 1'],
    ['room-b', 'Room 2'],
  ]);

  test('without rooms the class stays are kept as they are', () => {
    const own = [span(0, 10)];
    assert.equal(
      withRoomSpans(own, () => [span(5, 6)], new Map()),
      own,
    );
  });

  test('room stays are marked with their room and put in join order; a tie keeps the class stay first', () => {
    const spans = withRoomSpans(
      [span(0, 20), span(40, 60)],
      (id) => (id === 'room-a' ? [span(20, 30)] : id === 'room-b' ? [span(30, 40), span(40, 45)] : undefined),
      names,
    );
    assert.deepEqual(spans, [
      span(0, 20),
      { ...span(20, 30), breakoutRoom: 'Room 1' },
      { ...span(30, 40), breakoutRoom: 'Room 2' },
      span(40, 60),
      { ...span(40, 45), breakoutRoom: 'Room 2' },
    ]);
  });

  test('classSpansByUser adds each user their own room stays, keeps only the roster, and covers users only in a room', () => {
    const own: StayTuple[] = [
      ['u1', ms(0), ms(20)],
      ['x', ms(0), ms(60)],
    ];
    const rooms = new Map<string, StayTuple[]>([
      ['room-a', [['u1', ms(20), ms(40)]]],
      ['room-b', [['u2', ms(20), null]]],
      ['room-elsewhere', [['u1', ms(0), ms(60)]]],
    ]);
    const byUser = classSpansByUser(own, rooms, names, (id) => id !== 'x');
    assert.deepEqual(byUser.get('u1'), [span(0, 20), { ...span(20, 40), breakoutRoom: 'Room 1' }]);
    assert.deepEqual(byUser.get('u2'), [{ ...span(20, null), breakoutRoom: 'Room 2' }]);
    assert.equal(byUser.has('x'), false);
  });
});

describe('a report with breakout stays', () => {
  const report = computeSessionReport(
    makeReportInput({
      roster: [student('u1', 'Ana'), student('u2', 'Bob')],
      roomSegments: new Map([
        ['u1', [span(0, 30), { ...span(20, 50), breakoutRoom: 'Room 1' }, span(50, 60)]],
        ['u2', [{ ...span(10, 40), breakoutRoom: 'Room 2' }]],
      ]),
      breakoutRooms: new Map([['u1', ['Room 1', 'Recap']]]),
    }),
  );
  const [ana, bob] = report.students;

  test('overlapping class and room time is merged before minutes, percent and status', () => {
    assert.equal(ana?.minutes, 60);
    assert.equal(ana?.percentOfClass, 100);
    assert.equal(ana?.status, 'present');
    assert.deepEqual(ana?.segments[1], { joinedAt: at(20).toISOString(), leftAt: at(50).toISOString(), breakoutRoom: 'Room 1' });
    assert.equal(bob?.minutes, 30);
    assert.equal(bob?.status, 'partial');
  });

  test('rows carry breakoutRooms ([] for none), and the students CSV joins them with "; "', () => {
    assert.deepEqual(ana?.breakoutRooms, ['Room 1', 'Recap']);
    assert.deepEqual(bob?.breakoutRooms, []);
    assert.deepEqual(
      sessionStudentsTable(report).rows.map((r) => r.at(-1)),
      ['Room 1; Recap', ''],
    );
  });
});

describe("breakout rooms' meetings", () => {
  const sync = (status: 'none' | 'pending' | 'done' | 'failed', error: string | null = null) => ({
    status,
    syncedAt: status === 'done' ? at(70) : null,
    error,
  });

  test('the worst sync wins: failed, then pending, then done, then none; a tie keeps the class, then the earlier room', () => {
    const rooms = [
      { name: 'Room 1', sync: sync('pending') },
      { name: 'Room 2', sync: sync('failed', 'quota') },
      { name: 'Room 3', sync: sync('failed', 'gone') },
    ];
    assert.deepEqual(worstMeetingSync(sync('done'), rooms), sync('failed', 'Room 2: quota'));
    assert.deepEqual(worstMeetingSync(sync('failed', 'own'), rooms), sync('failed', 'own'));
    assert.deepEqual(worstMeetingSync(sync('done'), [{ name: 'Room 1', sync: sync('none') }]), sync('done'));
    assert.deepEqual(worstMeetingSync(sync('none'), [{ name: 'Room 1', sync: sync('done') }]), sync('done'));
    assert.deepEqual(worstMeetingSync(sync('done'), []), sync('done'));
  });

  test('rooms are split by whether their meeting has data, keeping their order', () => {
    const { withMeeting, withoutMeeting } = splitRoomsByMeetingData(
      new Map([
        ['room-a', 'Room 1'],
        ['room-b', 'Room 2'],
        ['room-c', 'Room 3'],
      ]),
      (id) => id !== 'room-b',
    );
    assert.deepEqual([...withMeeting.values()], ['Room 1', 'Room 3']);
    assert.deepEqual([...withoutMeeting.values()], ['Room 2']);
  });

  test('page stays in a room without meeting data count as meeting time, merged with it, and are not listed', () => {
    const [ana] = computeSessionReport(
      makeReportInput({
        roster: [student('u1', 'Ana')],
        rules: { presentPercent: 75, latePresentMinutes: 10, minimumMinutes: 1, source: 'meeting' },
        hasMeetingData: true,
        meetingSegments: new Map([['u1', [span(0, 30)]]]),
        meetingFallback: new Map([['u1', [{ ...span(20, 50), breakoutRoom: 'Room 2' }]]]),
      }),
    ).students;
    assert.equal(ana?.meetingMinutes, 50);
    assert.equal(ana?.status, 'present');
    assert.deepEqual(ana?.meetingSegments, [{ joinedAt: at(0).toISOString(), leftAt: at(30).toISOString() }]);
  });

  test('without meeting data in the class itself, the fallback counts for nothing: room time decides', () => {
    const [ana] = computeSessionReport(
      makeReportInput({
        roster: [student('u1', 'Ana')],
        rules: { presentPercent: 75, latePresentMinutes: 10, minimumMinutes: 1, source: 'meeting' },
        roomSegments: new Map([['u1', [span(0, 20)]]]),
        meetingFallback: new Map([['u1', [span(0, 60)]]]),
      }),
    ).students;
    assert.equal(ana?.meetingMinutes, null);
    assert.equal(ana?.minutes, 20);
    assert.equal(ana?.status, 'partial');
  });
});
