import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTime } from './report-format.ts';
import { hasBreakoutRooms, segmentsText, stayKey, stayText } from './report-stays.ts';

const at = (minute: number) => new Date(Date.UTC(2026, 2, 1, 10, minute)).toISOString();
const t = (minute: number) => formatTime(at(minute));

describe('report stays', () => {
  it('names the breakout room of a stay in one, and nothing for a stay in the class', () => {
    assert.equal(stayText({ joinedAt: at(0), leftAt: at(20) }), `${t(0)}–${t(20)}`);
    assert.equal(stayText({ joinedAt: at(20), leftAt: null, breakoutRoom: 'Room 2' }), `${t(20)}–now in Room 2`);
  });

  it('tells the whole bar in words, rooms included, on both tracks', () => {
    const row = {
      segments: [
        { joinedAt: at(0), leftAt: at(20) },
        { joinedAt: at(20), leftAt: at(35), breakoutRoom: 'Room 2' },
      ],
      meetingSegments: [{ joinedAt: at(21), leftAt: at(35), breakoutRoom: 'Room 2' }],
    };
    assert.equal(
      segmentsText(row),
      `In the room ${t(0)}–${t(20)}, ${t(20)}–${t(35)} in Room 2; in the meeting ${t(21)}–${t(35)} in Room 2`,
    );
    assert.equal(segmentsText({ segments: [], meetingSegments: [] }), 'Never in the room');
  });

  it('keys two stays that start together apart', () => {
    const stays = [
      { joinedAt: at(20), leftAt: at(30) },
      { joinedAt: at(20), leftAt: at(35), breakoutRoom: 'Room 2' },
      { joinedAt: at(20), leftAt: at(35), breakoutRoom: 'Room 2' },
    ];
    assert.equal(new Set(stays.map(stayKey)).size, 3);
  });

  it('has rooms to show only when some student was put in one', () => {
    assert.equal(hasBreakoutRooms([{ breakoutRooms: [] }, { breakoutRooms: [] }]), false);
    assert.equal(hasBreakoutRooms([{ breakoutRooms: [] }, { breakoutRooms: ['Room 1'] }]), true);
  });
});
