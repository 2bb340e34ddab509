/**
 * A class and its reports in a real browser, with the people and content of a real course. The mentor sets the
 * course's rules, runs the class (one student in the room and the meeting, one who only opens the page for seconds,
 * chat, a question, a quiz) and ends it; then the class report (tiles, charts with data, the table and its filter,
 * poll answers, a CSV), the student's own "My attendance" and the course dashboard. Screenshots at desktop and phone
 * width go to web/e2e/screenshots/; the mentor console one is the README's picture.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { expect } from './expect.ts';
import { type Browser, launchBrowser, openAs, openTab, type Page, screenshot, startService } from './harness.ts';

const COURSE = 'algorithms-2';
const PEOPLE = {
  mentor: { userId: 'priya', name: 'Priya Raman', role: 'mentor' as const, email: 'priya.raman@example.edu' },
  amara: { userId: 'amara', name: 'Amara Okafor', role: 'student' as const, email: 'amara.okafor@example.edu' },
  chloe: { userId: 'chloe', name: 'Chloé Dubois', role: 'student' as const, email: 'chloe.dubois@example.edu' },
  ben: { userId: 'ben', name: 'Ben Carter', role: 'student' as const, email: 'ben.carter@example.edu' },
  daniel: { userId: 'daniel', name: 'Daniel Kim', role: 'student' as const, email: 'daniel.kim@example.edu' },
};

let service: Awaited<ReturnType<typeof startService>>;
let browser: Browser;

before(async () => {
  service = await startService();
  browser = await launchBrowser();
  await service.roster(COURSE, Object.values(PEOPLE));
});
after(async () => {
  await browser?.close();
  await service?.close();
});

const tokenOf = (p: (typeof PEOPLE)[keyof typeof PEOPLE]) => service.token({ sub: p.userId, name: p.name, role: p.role });
const region = (page: Page, name: string) => page.getByRole('region', { name });
const studentRow = (page: Page, name: string) => region(page, 'Students table').getByRole('row').filter({ hasText: name });

async function say(page: Page, text: string) {
  await page.getByLabel('Message').fill(text);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(region(page, 'Chat').getByText(text)).toBeVisible();
}

test('a class, then its report, the student’s own view and the course dashboard', async () => {
  const mentor = await openAs(browser, service.base, await tokenOf(PEOPLE.mentor), COURSE);
  const amara = await openAs(browser, service.base, await tokenOf(PEOPLE.amara), COURSE, { viewport: { width: 390, height: 844 } });
  const chloe = await openAs(browser, service.base, await tokenOf(PEOPLE.chloe), COURSE);
  const m = mentor.page;

  // The course's rules: a class in a test lasts under a minute, so "absent" means under 30 seconds here. (A page
  // closed without a goodbye keeps its place for the presence grace period, 10 s, before its stay ends.)
  await m.getByRole('link', { name: /Course dashboard/ }).click();
  await m.getByLabel('Absent under (minutes)').fill('0.5');
  await m.getByRole('button', { name: 'Save rules' }).click();
  await expect(region(m, 'Attendance rules').getByRole('status')).toContainText('Saved');

  // The class, scheduled for a minute from now; the mentor starts it a little early.
  const created = await fetch(`${service.base}/api/live-sessions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${await tokenOf(PEOPLE.mentor)}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      courseId: COURSE,
      title: 'Shortest paths: Dijkstra and Bellman–Ford',
      description: 'Week 6. Bring your notes on priority queues.',
      scheduledStart: new Date(Date.now() + 60_000).toISOString(),
      durationMinutes: 60,
    }),
  });
  assert.equal(created.status, 201);
  const sessionId = ((await created.json()) as { id: string }).id;
  for (const p of [m, amara.page, chloe.page]) await p.goto(`${service.base}/#/sessions/${sessionId}`);
  await m.getByRole('button', { name: 'Start class' }).click();
  const started = Date.now();
  for (const p of [amara.page, chloe.page]) await expect(p.getByRole('status').first()).toContainText(/live/i);

  // Amara opens the meeting (answered locally: no test reaches the internet).
  await amara.context.route('https://meet.jit.si/**', (route) =>
    route.fulfill({ body: '<title>meeting</title>', contentType: 'text/html' }),
  );
  const [meetingTab] = await Promise.all([
    amara.context.waitForEvent('page'),
    amara.page.getByRole('button', { name: 'Join meeting' }).click(),
  ]);
  await meetingTab.close();

  // Ben only opens the class page for a few seconds.
  const ben = await openAs(browser, service.base, await tokenOf(PEOPLE.ben), COURSE);
  await ben.page.goto(`${service.base}/#/sessions/${sessionId}`);
  await expect(ben.page.getByRole('status').first()).toContainText(/live/i);
  await ben.page.waitForTimeout(2_000);
  await ben.context.close();

  // Chat, a question answered, a quiz.
  await say(amara.page, 'Is Dijkstra’s algorithm greedy?');
  await say(m, 'Yes: it always settles the closest vertex it has not settled yet.');
  await say(chloe.page, 'So one negative edge can break that choice?');
  await chloe.page.getByLabel('Your question').fill('Why does Bellman–Ford need V − 1 rounds?');
  await chloe.page.getByRole('button', { name: 'Ask' }).click();
  const question = (p: Page) => p.getByRole('listitem').filter({ hasText: 'V − 1 rounds' });
  await openTab(amara.page, 'Q&A');
  await question(amara.page)
    .getByRole('button', { name: /Upvote/ })
    .click();
  await expect(question(m)).toContainText('1 vote');
  await question(m).getByRole('button', { name: 'Answer' }).click();
  await m.getByLabel('Poll question').fill('Which algorithm handles negative edge weights?');
  await m.getByLabel('Option 1', { exact: true }).fill('Dijkstra');
  await m.getByLabel('Option 2', { exact: true }).fill('Bellman–Ford');
  await m.getByRole('button', { name: 'Add option' }).click();
  await m.getByLabel('Option 3', { exact: true }).fill('Prim');
  await m.getByLabel('Quiz').check();
  await m.getByLabel('Correct option').selectOption('1');
  await m.getByRole('button', { name: 'Create poll' }).click();
  await openTab(amara.page, 'Polls');
  await amara.page.getByRole('radio', { name: 'Bellman–Ford' }).check();
  await amara.page.getByRole('button', { name: 'Vote', exact: true }).click();
  await chloe.page.getByRole('radio', { name: 'Dijkstra' }).check();
  await chloe.page.getByRole('button', { name: 'Vote', exact: true }).click();
  await expect(region(m, 'Polls')).toContainText('2 people voted');
  await screenshot(m, 'mentor-console-realistic');

  // Long enough that Ben's few seconds (plus the grace period) fall under the 30 s and the others' stay does not.
  await m.waitForTimeout(Math.max(0, 50_000 - (Date.now() - started)));
  await m.getByRole('button', { name: 'End class' }).click();
  await m.getByRole('button', { name: 'Yes, end the class' }).click();
  await expect(amara.page.getByRole('status').first()).toContainText(/completed|ended/i);

  // The class report.
  await m.getByRole('link', { name: 'Class report' }).click();
  const tiles = m.getByRole('definition');
  await expect(m.getByLabel('Summary')).toContainText('Attendance rate');
  const tile = (label: string) => m.locator('.tile').filter({ has: m.getByRole('term').filter({ hasText: new RegExp(`^${label}$`) }) });
  await expect(tile('Attendance rate')).toContainText('50%');
  await expect(tile('Present')).toContainText('2');
  await expect(tile('Absent')).toContainText('2');
  await expect(tile('Chat messages')).toContainText('3');
  await expect(tile('Questions')).toContainText('1 answered');
  await expect(tile('Quiz average')).toContainText('50%');
  assert.ok((await tiles.count()) >= 10);
  await expect(studentRow(m, 'Ben Carter')).toContainText('Absent');
  await expect(studentRow(m, 'Daniel Kim')).toContainText('Absent');
  await expect(studentRow(m, 'Amara Okafor')).toContainText('Present');
  await expect(studentRow(m, 'Amara Okafor')).toContainText('Opened');
  await expect(studentRow(m, 'Chloé Dubois')).toContainText('Not opened');
  // Charts drawn with data: the attendance area has a shape, the engagement chart has bars.
  const area = await m.locator('svg[role="img"] .chart-area').getAttribute('d');
  assert.ok(area && area.length > 20, `attendance area path: ${area}`);
  assert.ok((await m.locator('svg[role="img"] rect.chart-bar').count()) > 0, 'engagement bars');
  // The filter, and who answered what.
  await m.getByLabel('Show').selectOption('absent');
  await expect(region(m, 'Students table').getByRole('row')).toHaveCount(3);
  await expect(m.getByRole('status').filter({ hasText: 'Showing' })).toContainText('Showing 2 students of 4');
  await m.getByLabel('Show').selectOption('all');
  await m.getByText('Answers by student').click();
  await expect(m.getByRole('row').filter({ hasText: 'Amara Okafor' }).filter({ hasText: 'Bellman–Ford' })).toContainText('Yes');
  for (const chart of ['Students in class, per minute', 'Engagement, per minute'])
    await expect(m.getByRole('img', { name: chart })).toBeVisible();
  await screenshot(m, 'report-desktop');
  await m.emulateMedia({ media: 'print' });
  await screenshot(m, 'report-print', { dark: false });
  await m.emulateMedia({ media: 'screen' });

  const [download] = await Promise.all([m.waitForEvent('download'), m.getByRole('button', { name: 'Students', exact: true }).click()]);
  const csv = readFileSync((await download.path()) as string, 'utf8');
  assert.match(csv, /^\uFEFF?userId,name,email/);
  assert.match(csv, /Ben Carter,ben\.carter@example\.edu,absent/);
  assert.match(download.suggestedFilename(), /\.csv$/);

  await m.setViewportSize({ width: 390, height: 844 });
  await screenshot(m, 'report-phone');
  await m.setViewportSize({ width: 1280, height: 900 });

  // Amara's own view, on the class page she still has open.
  const mine = region(amara.page, 'My attendance');
  await expect(mine).toContainText('Present');
  await expect(mine).toContainText('You opened the meeting.');
  await expect(mine).toContainText('Bellman–Ford (correct)');
  await expect(mine).toContainText('1 of 1 correct');
  await screenshot(amara.page, 'my-attendance-phone');

  // The course dashboard: one class, its rate drawn.
  await m.getByRole('link', { name: 'Course dashboard' }).click();
  await expect(m.getByRole('img', { name: 'Attendance rate per class' })).toBeVisible();
  await expect(m.locator('svg[role="img"] .chart-rate')).toHaveCount(1);
  await expect(region(m, 'At risk')).toContainText('Nobody has missed two classes in a row.');
  await screenshot(m, 'course-dashboard');

  for (const person of [mentor, amara, chloe]) assert.deepEqual(person.problems, []);
});
