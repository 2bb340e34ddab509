/**
 * Recurring classes and calendar feeds in a real browser: a mentor in New York schedules a weekly series across the
 * March DST change, moves "this and following" to another time and cancels one class; a student on a phone subscribes
 * to the course's calendar, and the feed, read as a calendar app reads it (node-ical), shows the classes at their
 * local times and the cancelled one as cancelled; turned off, the link stops working.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import ical, { type VEvent } from 'node-ical';
import { expect } from './expect.ts';
import { type Browser, launchBrowser, openAs, screenshot, startService } from './harness.ts';

const COURSE = 'cal-201';
const TITLE = 'Algorithms seminar';

let service: Awaited<ReturnType<typeof startService>>;
let browser: Browser;

before(async () => {
  service = await startService();
  browser = await launchBrowser();
  await service.roster(COURSE, [
    { userId: 'm1', name: 'Mia Mentor', role: 'mentor' },
    { userId: 's1', name: 'Sam Student', role: 'student' },
  ]);
});
after(async () => {
  await browser?.close();
  await service?.close();
});

type Listed = { id: string; scheduledStart: string; status: string; seriesId: string | null };

async function listed(token: string): Promise<Listed[]> {
  const page = (await service.api(token, 'GET', `/api/live-sessions?courseId=${COURSE}`)) as { items: Listed[] };
  return page.items.sort((a, b) => a.scheduledStart.localeCompare(b.scheduledStart));
}

test('a mentor schedules a weekly series across DST, edits and cancels; a student subscribes to it', async () => {
  const mentorToken = await service.token({ sub: 'm1', name: 'Mia Mentor', role: 'mentor' });
  const mentor = await openAs(browser, service.base, mentorToken, COURSE, { timezoneId: 'America/New_York' });
  const m = mentor.page;
  await expect(m.getByRole('heading', { name: 'Upcoming' })).toBeVisible();

  // The zone is the browser's, and editable.
  assert.equal(await m.getByLabel('Time zone').inputValue(), 'America/New_York');
  await m.getByLabel('Title').fill(TITLE);
  await m.getByLabel('Duration (minutes)').fill('90');
  // A Tuesday start: choosing Weekly picks Tuesday; the mentor wants Mondays and Wednesdays instead.
  await m.getByLabel('Start').fill('2027-03-02T18:00');
  await m.getByLabel('Repeats').selectOption('weekly');
  assert.equal(await m.getByRole('checkbox', { name: 'Tuesday' }).isChecked(), true);
  await m.getByRole('checkbox', { name: 'Tuesday' }).uncheck();
  await m.getByRole('checkbox', { name: 'Monday' }).check();
  await m.getByRole('checkbox', { name: 'Wednesday' }).check();
  await m.getByLabel('Number of classes', { exact: true }).fill('6');
  // Said beside Start as soon as the days leave it out, and nothing is sent.
  await expect(m.locator('.field-error')).toContainText('this start is a Tuesday');
  await m.getByRole('button', { name: 'Schedule' }).click();
  assert.equal(await m.getByLabel('Start').getAttribute('aria-invalid'), 'true');
  assert.equal((await listed(mentorToken)).length, 0);

  await m.getByLabel('Start').fill('2027-03-01T18:00');
  await expect(m.locator('.field-error')).toHaveCount(0);
  await expect(m.locator('.sched-preview')).toContainText(
    /^6 classes, Mondays and Wednesdays at 6:00\sPM \(America\/New_York\), 1 Mar – 17 Mar 2027$/,
  );
  await screenshot(m, 'series-form');
  await m.setViewportSize({ width: 390, height: 844 });
  await screenshot(m, 'series-form-phone');
  await m.setViewportSize({ width: 1280, height: 900 });
  await m.getByRole('button', { name: 'Schedule' }).click();
  await expect(m.getByRole('status').filter({ hasText: 'was scheduled: 6 classes' })).toBeVisible();

  // 18:00 in New York is 23:00 UTC before 14 March and 22:00 after it.
  let classes = await listed(mentorToken);
  assert.deepEqual(
    classes.map((c) => c.scheduledStart),
    [
      '2027-03-01T23:00:00.000Z',
      '2027-03-03T23:00:00.000Z',
      '2027-03-08T23:00:00.000Z',
      '2027-03-10T23:00:00.000Z',
      '2027-03-15T22:00:00.000Z',
      '2027-03-17T22:00:00.000Z',
    ],
  );
  const item = (place: string) => m.locator('.sched-item').filter({ hasText: `Weekly · ${place}` });
  await expect(item('1 of 6')).toContainText('6:00');
  await expect(item('6 of 6')).toContainText('6:00');
  await screenshot(m, 'series-list-mentor');

  // "This and following" from the 4th class: a new local time, kept across DST.
  await item('4 of 6').getByRole('button', { name: 'Edit' }).click();
  await item('4 of 6')
    .getByRole('radio', { name: /This and following \(3 classes\)/ })
    .check();
  await item('4 of 6').getByLabel('Start time').fill('19:30');
  await screenshot(m, 'series-edit-following');
  await item('4 of 6').getByRole('button', { name: 'Save 3 classes' }).click();
  await expect(m.getByRole('status').filter({ hasText: '3 classes of “Algorithms seminar” were changed.' })).toBeVisible();
  classes = await listed(mentorToken);
  assert.deepEqual(
    classes.map((c) => c.scheduledStart),
    [
      '2027-03-01T23:00:00.000Z',
      '2027-03-03T23:00:00.000Z',
      '2027-03-08T23:00:00.000Z',
      '2027-03-11T00:30:00.000Z',
      '2027-03-15T23:30:00.000Z',
      '2027-03-17T23:30:00.000Z',
    ],
  );
  await expect(item('5 of 6')).toContainText('7:30');

  // Cancel the 2nd class only; the button names how many.
  await item('2 of 6').getByRole('button', { name: 'Cancel…' }).click();
  await item('2 of 6').getByRole('radio', { name: 'This class' }).check();
  await m.setViewportSize({ width: 390, height: 844 });
  await screenshot(m, 'series-cancel-phone');
  await m.setViewportSize({ width: 1280, height: 900 });
  await item('2 of 6').getByRole('button', { name: 'Cancel 1 class' }).click();
  await expect(m.getByRole('status').filter({ hasText: '1 class of “Algorithms seminar” was cancelled.' })).toBeVisible();
  await expect(m.getByRole('region', { name: 'Past' }).locator('.sched-item').filter({ hasText: 'Weekly · 2 of 6' })).toContainText(
    'Cancelled',
  );
  const cancelled = (await listed(mentorToken))[1];
  assert.equal(cancelled?.status, 'cancelled');

  // A student on a phone in Berlin subscribes to the course.
  const studentToken = await service.token({ sub: 's1', name: 'Sam Student', role: 'student' });
  const sam = await openAs(browser, service.base, studentToken, COURSE, {
    viewport: { width: 390, height: 844 },
    timezoneId: 'Europe/Berlin',
  });
  const s = sam.page;
  await expect(s.locator('.sched-item').filter({ hasText: 'Weekly · 1 of 6' })).toBeVisible();
  assert.equal(await s.getByRole('button', { name: 'Cancel…' }).count(), 0, 'students get no scoped actions');
  await s.getByText('Add to calendar').click();
  await expect(s.getByText('None yet.')).toBeVisible();
  await s.getByRole('button', { name: 'Add this course' }).click();
  const urlInput = s.getByLabel(`Your calendar link for course ${COURSE}`);
  await expect(urlInput).toBeVisible();
  const url = await urlInput.inputValue();
  assert.match(url, /^http:\/\/127\.0\.0\.1:\d+\/calendar\/[\w-]{43}\.ics$/);
  assert.equal(await s.getByRole('link', { name: 'Open in calendar app' }).getAttribute('href'), url.replace(/^http:/, 'webcal:'));
  await expect(s.locator('.sched-feeds')).toContainText(`Course ${COURSE}`);
  await screenshot(s, 'series-calendar-phone');

  // The feed as a calendar app reads it.
  const res = await fetch(url);
  assert.equal(res.status, 200);
  const events = Object.values(ical.sync.parseICS(await res.text()))
    .filter((e): e is VEvent => e?.type === 'VEVENT')
    .sort((a, b) => +a.start - +b.start);
  assert.equal(events.length, 6);
  assert.deepEqual(
    events.map((e) => e.start.toISOString()),
    classes.map((c) => c.scheduledStart),
  );
  assert.deepEqual(
    events.map((e) => e.status),
    ['CONFIRMED', 'CANCELLED', 'CONFIRMED', 'CONFIRMED', 'CONFIRMED', 'CONFIRMED'],
  );
  assert.equal(events[4]?.start.tz, 'America/New_York', 'kept at local time in the series zone');

  // The link cannot be shown again: a new one replaces it, and the old one is turned off (after the confirmation).
  await s.getByRole('button', { name: 'New link' }).click();
  await expect(s.locator('.sched-feeds > li')).toHaveCount(2);
  const newUrl = await urlInput.inputValue();
  assert.notEqual(newUrl, url);
  await s.locator('.sched-feeds > li').last().getByRole('button', { name: 'Turn off' }).click();
  await expect(s.locator('.sched-feeds > li')).toHaveCount(1);
  assert.equal((await fetch(url)).status, 404);
  assert.equal((await fetch(newUrl)).status, 200);
  await s.getByRole('button', { name: 'Turn off' }).click();
  await expect(s.getByText('None yet.')).toBeVisible();
  assert.equal((await fetch(newUrl)).status, 404);

  await mentor.context.close();
  await sam.context.close();
});
