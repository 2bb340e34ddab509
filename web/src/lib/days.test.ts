import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { dayStartIso } from './days.ts';

// The course report's range form: what is sent as from and to (an exclusive end) for the days picked.
describe('dayStartIso', () => {
  it('is the start of the day in the viewer zone, and the next day for an exclusive end', () => {
    assert.equal(dayStartIso('2026-03-09'), new Date(2026, 2, 9).toISOString());
    assert.equal(dayStartIso('2026-03-09', true), new Date(2026, 2, 10).toISOString());
  });

  it('rolls over the end of a month and of a year', () => {
    assert.equal(dayStartIso('2026-02-28', true), new Date(2026, 2, 1).toISOString());
    assert.equal(dayStartIso('2026-12-31', true), new Date(2027, 0, 1).toISOString());
  });

  it('keeps a two-digit year as typed instead of reading it as 19xx', () => {
    const day = new Date(dayStartIso('0099-05-01') ?? Number.NaN);
    assert.deepEqual([day.getFullYear(), day.getMonth() + 1, day.getDate(), day.getHours()], [99, 5, 1, 0]);
  });

  it('sends nothing for an empty or malformed day', () => {
    assert.equal(dayStartIso(''), null);
    assert.equal(dayStartIso('2026-3-9'), null);
    assert.equal(dayStartIso('0000-01-01'), null);
  });
});
