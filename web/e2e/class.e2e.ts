/**
 * A whole class in a real browser: a mentor and two students in separate contexts, through the LMS launch URL.
 * Schedule, start, join, chat, ask, upvote, answer, poll, vote, results, a network drop and recovery, end, the class
 * report and its CSV; XSS payloads in chat, a question, a poll option, a title and a display name show as text and run
 * nothing. Screenshots of each main screen go to web/e2e/screenshots/ (ignored by git).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { expect } from './expect.ts';
import { type Browser, launchBrowser, openAs, openTab, type Page, screenshot, startProxy, startService } from './harness.ts';

const XSS = '<img src=x onerror="window.__pwned=1;alert(1)">';
const COURSE = 'algo-101';

let service: Awaited<ReturnType<typeof startService>>;
let browser: Browser;
let proxy: Awaited<ReturnType<typeof startProxy>>;

before(async () => {
  service = await startService();
  proxy = await startProxy(service.port);
  browser = await launchBrowser();
  await service.roster(COURSE, [
    { userId: 'm1', name: 'Mia Mentor', role: 'mentor' },
    { userId: 's1', name: 'Sam Student', role: 'student', email: 'sam@example.edu' },
    { userId: 's2', name: `Sky ${XSS}`, role: 'student' },
  ]);
});
after(async () => {
  await browser?.close();
  await proxy?.close();
  await service?.close();
});

/** Nothing a payload could do happened in this page. */
async function assertNoScriptRan(page: Page, problems: string[]) {
  assert.deepEqual(problems, []);
  assert.equal(await page.evaluate(() => (globalThis as { __pwned?: number }).__pwned), undefined);
  assert.equal(await page.locator('img[src="x"]').count(), 0, 'a payload became an element');
}

const chatItem = (page: Page, text: string) => page.getByRole('region', { name: 'Chat' }).getByText(text, { exact: false });

test('a mentor and two students run a whole class', async () => {
  // The mentor is in Kolkata (UTC+5:30); times must be entered and shown in the viewer's zone.
  const mentorToken = await service.token({ sub: 'm1', name: 'Mia Mentor', role: 'mentor' });
  const mentor = await openAs(browser, service.base, mentorToken, COURSE, { timezoneId: 'Asia/Kolkata' });
  // Sam is on a phone.
  const sam = await openAs(browser, service.base, await service.token({ sub: 's1', name: 'Sam Student', role: 'student' }), COURSE, {
    viewport: { width: 390, height: 844 },
  });
  // Sky's whole network goes through a proxy we can cut.
  const sky = await openAs(browser, proxy.origin, await service.token({ sub: 's2', name: `Sky ${XSS}`, role: 'student' }), COURSE);
  const m = mentor.page;

  // Schedule: a validation message beside the field, then the session.
  await expect(m.getByRole('heading', { name: 'Upcoming' })).toBeVisible();
  await m.getByLabel('Duration (minutes)').fill('0');
  await m.getByRole('button', { name: 'Schedule' }).click();
  await expect(m.locator('.field-error').first()).toBeVisible();
  const title = `Graphs ${XSS}`;
  await m.getByLabel('Title').fill(title);
  await m.getByLabel('Description').fill('Shortest paths');
  await m.getByLabel('Start').fill('2030-03-01T10:30');
  await m.getByLabel('Duration (minutes)').fill('60');
  await m.getByRole('button', { name: 'Schedule' }).click();
  const sessionLink = m.getByRole('link', { name: title });
  await expect(sessionLink).toBeVisible();
  const listed = await fetch(`${service.base}/api/live-sessions?courseId=${COURSE}`, {
    headers: { authorization: `Bearer ${mentorToken}` },
  });
  const [scheduled] = ((await listed.json()) as { items: { scheduledStart: string }[] }).items;
  assert.equal(scheduled?.scheduledStart, '2030-03-01T05:00:00.000Z', '10:30 in Kolkata');
  await expect(m.getByRole('main')).toContainText('10:30');
  await screenshot(m, 'schedule-mentor');
  await sessionLink.click();

  for (const s of [sam, sky]) {
    await s.page.reload();
    await expect(s.page.getByRole('main')).toContainText('5:00'); // the same class, in UTC
    await s.page.getByRole('link', { name: title }).click();
  }

  // Start; everyone's banner follows.
  await m.getByRole('button', { name: 'Start class' }).click();
  for (const p of [sam.page, sky.page]) await expect(p.getByRole('status').first()).toContainText(/live/i);

  // Join meeting opens the Jitsi room (answered locally: no test reaches the internet) and counts attendance.
  await sam.context.route('https://meet.jit.si/**', (route) => route.fulfill({ body: '<title>meeting</title>', contentType: 'text/html' }));
  const [meetingTab] = await Promise.all([
    sam.context.waitForEvent('page'),
    sam.page.getByRole('button', { name: 'Join meeting' }).click(),
  ]);
  assert.match(meetingTab.url(), /^https:\/\/meet\.jit\.si\/SkillProbe-/);
  await meetingTab.close();
  await expect(m.getByText(/In class now: 3/)).toBeVisible();

  // The mentor switches to a pasted link (an http one is refused beside the field); the next join opens it.
  await m.getByLabel('Use another link (https)').fill('http://insecure.example.edu/room');
  await m.getByRole('button', { name: 'Use this link' }).click();
  await expect(m.getByRole('region', { name: 'Meeting link' }).locator('.field-error')).toBeVisible();
  await m.getByLabel('Use another link (https)').fill('https://meet.example.edu/room-42');
  await m.getByRole('button', { name: 'Use this link' }).click();
  await expect(m.getByRole('region', { name: 'Meeting link' })).toContainText('a pasted link: ready');
  await sky.context.route('https://meet.example.edu/**', (route) =>
    route.fulfill({ body: '<title>meeting</title>', contentType: 'text/html' }),
  );
  const [pastedTab] = await Promise.all([sky.context.waitForEvent('page'), sky.page.getByRole('button', { name: 'Join meeting' }).click()]);
  assert.equal(pastedTab.url(), 'https://meet.example.edu/room-42');
  await pastedTab.close();

  // Chat, with a payload.
  await sam.page.getByLabel('Message').fill(`Hello ${XSS}`);
  await sam.page.getByRole('button', { name: 'Send' }).click();
  for (const p of [m, sky.page]) await expect(chatItem(p, `Hello ${XSS}`)).toBeVisible();

  // Q&A: ask, ask anonymously (a payload), upvote, answer.
  await openTab(sam.page, 'Q&A');
  await sam.page.getByLabel('Your question').fill('Why does Dijkstra fail with negative edges?');
  await sam.page.getByRole('button', { name: 'Ask' }).click();
  await sky.page.getByLabel('Your question').fill(`Anonymous ${XSS}`);
  await sky.page.getByLabel('Ask anonymously').check();
  await sky.page.getByRole('button', { name: 'Ask' }).click();
  const skyQuestion = sky.page.getByRole('listitem').filter({ hasText: 'Why does Dijkstra fail' });
  await skyQuestion.getByRole('button', { name: /Upvote/ }).click();
  await expect(skyQuestion.getByRole('button', { name: /Upvote/ })).toHaveAttribute('aria-pressed', 'true');
  const mentorQuestion = m.getByRole('listitem').filter({ hasText: 'Why does Dijkstra fail' });
  await expect(mentorQuestion).toContainText('1 vote');
  await expect(m.getByRole('listitem').filter({ hasText: `Anonymous ${XSS}` })).toContainText(/Anonymous/);
  await mentorQuestion.getByRole('button', { name: 'Answer' }).click();
  await expect(sam.page.getByRole('listitem').filter({ hasText: 'Why does Dijkstra fail' })).toContainText(/answered/i);

  // A poll with a payload option; both vote; the mentor sees live results.
  await m.getByLabel('Poll question').fill('Best first algorithm?');
  await m.getByLabel('Option 1', { exact: true }).fill('BFS');
  await m.getByLabel('Option 2', { exact: true }).fill(`DFS ${XSS}`);
  await m.getByRole('button', { name: 'Create poll' }).click();
  await openTab(sam.page, 'Polls');
  await sam.page.getByRole('radio', { name: 'BFS', exact: true }).check();
  await sam.page.getByRole('button', { name: 'Vote', exact: true }).click();
  await sky.page.getByRole('radio', { name: `DFS ${XSS}` }).check();
  await sky.page.getByRole('button', { name: 'Vote', exact: true }).click();
  await expect(m.getByRole('region', { name: 'Polls' })).toContainText('2 people voted');
  await expect(m.getByRole('region', { name: 'Polls' })).toContainText('BFS: 1 vote');
  await screenshot(m, 'mentor-console');
  await screenshot(sam.page, 'student-classroom-phone');

  // Sky's network drops; the class goes on; nothing is missing when it comes back.
  proxy.drop();
  await expect(sky.page.getByText(/Reconnecting/)).toBeVisible({ timeout: 15_000 });
  await screenshot(sky.page, 'student-reconnecting');
  await openTab(sam.page, 'Chat');
  const missed = ['While you were away 1', 'While you were away 2', 'While you were away 3'];
  for (const [i, text] of missed.entries()) {
    const sender = i % 2 === 0 ? sam.page : m;
    await sender.getByLabel('Message').fill(text);
    await sender.getByRole('button', { name: 'Send' }).click();
    await expect(chatItem(sender, text)).toBeVisible();
  }
  proxy.restore();
  await expect(sky.page.getByText(/Reconnecting/)).toBeHidden({ timeout: 20_000 });
  for (const text of missed) await expect(chatItem(sky.page, text)).toHaveCount(1);
  await screenshot(sky.page, 'student-classroom');
  // Her own upvote and answer, which the event log does not carry, are read again after a reload.
  await sky.page.reload();
  await expect(skyQuestion.getByRole('button', { name: /Upvote/ })).toHaveAttribute('aria-pressed', 'true');
  await expect(sky.page.getByRole('region', { name: 'Polls' })).toContainText(`Your answer: DFS ${XSS}`);

  // End; the class report lists the roster (statuses are report.e2e.ts's subject: this class lasts seconds) and
  // downloads its students as CSV.
  await m.getByRole('button', { name: 'End class' }).click();
  await m.getByRole('button', { name: 'Yes, end the class' }).click();
  for (const p of [sam.page, sky.page]) await expect(p.getByRole('status').first()).toContainText(/completed|ended/i);
  await m.getByRole('link', { name: 'Class report' }).click();
  const students = m.getByRole('region', { name: 'Students table' });
  await expect(students.getByRole('row').filter({ hasText: 'Sam Student' })).toContainText('Opened');
  await expect(students.getByRole('row').filter({ hasText: `Sky ${XSS}` })).toBeVisible();
  await screenshot(m, 'attendance-report');
  const [download] = await Promise.all([m.waitForEvent('download'), m.getByRole('button', { name: 'Students', exact: true }).click()]);
  const csv = readFileSync((await download.path()) as string, 'utf8');
  assert.match(csv, /Sam Student/);
  assert.match(csv, /sam@example\.edu/);

  for (const person of [mentor, sam, sky]) await assertNoScriptRan(person.page, person.problems);
});

test('in demo mode, a visitor picks a demo user and lands on the demo course', async () => {
  const demo = await startService({ demo: true });
  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    await page.goto(demo.base);
    await expect(page.getByRole('heading', { name: 'Demo: sign in as' })).toBeVisible();
    await screenshot(page, 'sign-in-demo');
    await page
      .getByRole('button', { name: /\(mentor\)/ })
      .first()
      .click();
    await expect(page.getByRole('heading', { name: 'Upcoming' })).toBeVisible();
    assert.match(page.url(), /#\/courses\/demo-course$/);
    await expect(page.getByRole('button', { name: 'Sign out' })).toBeVisible();
  } finally {
    await context.close();
    await demo.close();
  }
});
