import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { at, makeReportInput, span, student } from '../../test/make-report-input.ts';
import type { MeetingGuestStay } from '../report-input.ts';
import { sessionReport } from '../reports.schemas.ts';
import { myReportOf } from './my-report.ts';
import { computeSessionReport } from './session-report.ts';

const stay = (
  participant: string,
  from: number,
  to: number | null,
  displayName: string | null = 'Guest',
  email: string | null = null,
): MeetingGuestStay => ({
  participant,
  displayName,
  email,
  ...span(from, to),
});

describe('meeting guests in the session report', () => {
  // A class 10:00–11:00. Pat (outside account) is in twice, overlapping; a phone dial-in is still connected at the end;
  // an anonymous guest came before the start and left at 0:10.
  const report = computeSessionReport(
    makeReportInput({
      roster: [student('u1', 'Ana')],
      meetingGuests: [
        stay('p/pat', 5, 30, 'Pat Outside', 'pat@else.test'),
        stay('p/pat', 20, 40, 'Pat Outside', 'pat@else.test'),
        stay('p/phone', 50, null, 'Phone ***12'),
        stay('p/anon', -10, 10, null),
      ],
    }),
  );

  test('one entry per participant, by first join, with minutes clipped to the class and overlaps counted once', () => {
    assert.doesNotThrow(() => sessionReport.parse(report));
    assert.deepEqual(report.meetingGuests, [
      { displayName: null, email: null, minutes: 10, firstJoinedAt: at(-10).toISOString(), lastLeftAt: at(10).toISOString() },
      {
        displayName: 'Pat Outside',
        email: 'pat@else.test',
        minutes: 35,
        firstJoinedAt: at(5).toISOString(),
        lastLeftAt: at(40).toISOString(),
      },
      { displayName: 'Phone ***12', email: null, minutes: 10, firstJoinedAt: at(50).toISOString(), lastLeftAt: null },
    ]);
  });

  test('guests never reach a student row or a student’s own report', () => {
    assert.equal(report.students.length, 1);
    assert.equal('meetingGuests' in myReportOf(report, 'u1')!, false);
  });

  test("a breakout room's guest is an entry of its own, named with the room, even under the same participant id", () => {
    const guests = computeSessionReport(
      makeReportInput({ meetingGuests: [stay('p/x', 0, 10), { ...stay('p/x', 20, 30), breakoutRoom: 'Room 2' }] }),
    ).meetingGuests;
    assert.deepEqual(
      guests.map((g) => [g.minutes, g.breakoutRoom]),
      [
        [10, undefined],
        [10, 'Room 2'],
      ],
    );
    assert.equal('breakoutRoom' in (guests[0] ?? {}), false, 'no field for the class itself');
  });

  test('no guests: an empty list', () => {
    assert.deepEqual(computeSessionReport(makeReportInput()).meetingGuests, []);
  });
});
