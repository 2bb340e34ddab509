import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import type { SeriesWithSessions } from './queries.ts';
import { describeSeriesChange, seriesPlace } from './series-change.ts';

const cls = (id: string, status: SessionDto['status']) => ({ id, status }) as SessionDto;
const data = {
  series: {
    id: 's',
    courseId: 'c',
    rrule: 'FREQ=WEEKLY;BYDAY=MO;COUNT=4',
    timezone: 'Europe/Berlin',
    firstStart: '',
    createdBy: '',
    createdAt: '',
  },
  sessions: [cls('a', 'completed'), cls('b', 'scheduled'), cls('c', 'cancelled'), cls('d', 'scheduled')],
} satisfies SeriesWithSessions;

// The quiet series label on a class and the counts its "this and following" actions name.
describe('series place and change messages', () => {
  it('labels a class by its place and counts the scheduled classes from it on', () => {
    assert.deepEqual(seriesPlace(data, 'b'), { label: 'Weekly · 2 of 4', timezone: 'Europe/Berlin', following: 2 });
    assert.equal(seriesPlace(data, 'd')?.following, 1);
    assert.equal(seriesPlace(data, 'zz'), null);
  });

  it('says how many classes changed and which were left alone, and why', () => {
    assert.equal(describeSeriesChange('cancelled', 'Algo', { sessions: [1], skipped: [] }), '1 class of “Algo” was cancelled.');
    assert.equal(
      describeSeriesChange('changed', 'Algo', { sessions: [1, 2], skipped: [{ status: 'live' }] }),
      '2 classes of “Algo” were changed. 1 class left as it was (1 live): only scheduled classes change.',
    );
  });
});
