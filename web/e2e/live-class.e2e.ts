/**
 * The classroom as issue 14 makes it, in three browsers at once: a mentor at a desktop, Amara at a desktop and Ben on
 * a phone. The course page picks up the started class without a reload; Ben, reading the chat, is told a quiz opened
 * (a notice and a badge on the Polls tab); the timed quiz closes itself and each student sees right or wrong; the
 * presenter view shows a word cloud; a dismissed question disappears for the other student and its asker is told;
 * a mentor deletes a chat message from its "⋯" menu; once the class ends, every control is off. Every screenshot is also an axe check, light and dark (harness.ts).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expect } from './expect.ts';
import { type Browser, launchBrowser, openAs, type Page, screenshot, startService } from './harness.ts';

const COURSE = 'chem-101';
const PEOPLE = {
  mentor: { userId: 'lena', name: 'Lena Fischer', role: 'mentor' as const },
  amara: { userId: 'amara', name: 'Amara Okafor', role: 'student' as const },
  ben: { userId: 'ben', name: 'Ben Carter', role: 'student' as const },
};
type Person = (typeof PEOPLE)[keyof typeof PEOPLE];

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

const tokenOf = (p: Person) => service.token({ sub: p.userId, name: p.name, role: p.role });
const region = (page: Page, name: string) => page.getByRole('region', { name });

const call = async (person: (typeof PEOPLE)[keyof typeof PEOPLE], method: string, path: string, body?: unknown) =>
  service.api(await tokenOf(person), method, path, body);

test('a live class: live schedule, notices and tabs, a timed quiz, a word cloud, moderation, and the end', async () => {
  const mentor = await openAs(browser, service.base, await tokenOf(PEOPLE.mentor), COURSE);
  const amara = await openAs(browser, service.base, await tokenOf(PEOPLE.amara), COURSE);
  const ben = await openAs(browser, service.base, await tokenOf(PEOPLE.ben), COURSE, { viewport: { width: 390, height: 844 } });
  const [m, a, b] = [mentor.page, amara.page, ben.page];

  // The class is scheduled and started while Amara looks at the course page: it moves to the top with "Join now".
  const session = await call(PEOPLE.mentor, 'POST', '/api/live-sessions', {
    courseId: COURSE,
    title: 'Acids, bases and buffers',
    scheduledStart: new Date(Date.now() + 60_000).toISOString(),
    durationMinutes: 60,
  });
  const sessionId = session.id as string;
  await expect(a.getByRole('link', { name: 'Acids, bases and buffers' })).toBeVisible();
  await call(PEOPLE.mentor, 'PUT', `/api/live-sessions/${sessionId}`, { status: 'live' });
  const joinNow = a.getByRole('link', { name: 'Join now' });
  await expect(joinNow).toBeVisible();
  await screenshot(a, 'live-schedule');
  await joinNow.click();
  await m.goto(`${service.base}/#/sessions/${sessionId}`);
  await b.goto(`${service.base}/#/sessions/${sessionId}`);

  // Ben, on a phone, reads the chat tab; the class is tabs there.
  const tabs = b.getByRole('tablist', { name: 'Class sections' });
  await expect(tabs.getByRole('tab', { name: /Chat/, selected: true })).toBeVisible();
  await expect(b.getByRole('heading', { name: 'Polls' })).toBeHidden();

  // A timed quiz opens: Ben is told where he is, and the Polls tab shows a badge.
  await call(PEOPLE.mentor, 'POST', `/api/live-sessions/${sessionId}/polls`, {
    question: 'Which of these is a buffer?',
    type: 'single',
    options: ['HCl and NaCl', 'CH3COOH and CH3COONa', 'NaOH and water'],
    correctOption: 1,
    durationSeconds: 12,
  });
  await expect(region(b, 'Notices').getByText('New quiz: Which of these is a buffer?')).toBeVisible();
  await expect(tabs.getByRole('tab', { name: /Polls.*1 new/ })).toBeVisible();
  await expect(region(b, 'Open poll')).toContainText('Which of these is a buffer?');
  await screenshot(b, 'notice-phone');

  // "Answer now" takes him to the quiz; Amara answers on her desktop, wrongly.
  await region(b, 'Open poll').getByRole('button', { name: 'Answer now' }).click();
  await expect(tabs.getByRole('tab', { name: /Polls/, selected: true })).toBeVisible();
  await b.getByRole('radio', { name: 'CH3COOH and CH3COONa' }).check();
  await b.getByRole('button', { name: 'Vote' }).click();
  await a.getByRole('radio', { name: 'HCl and NaCl' }).check();
  await a.getByRole('button', { name: 'Vote' }).click();
  await expect(region(a, 'Open poll')).toBeHidden();
  // The timer closes it on the server; each student is told how they did.
  await expect(b.getByText('✓ Right!')).toBeVisible({ timeout: 25_000 });
  await expect(a.getByText('✗ Wrong.')).toBeVisible({ timeout: 25_000 });
  await screenshot(b, 'quiz-verdict-phone');
  await screenshot(a, 'quiz-verdict-desktop');

  // A word cloud on the presenter view.
  const cloud = await call(PEOPLE.mentor, 'POST', `/api/live-sessions/${sessionId}/polls`, {
    question: 'One word for today’s lab?',
    type: 'wordcloud',
  });
  for (const [who, words] of [
    [PEOPLE.amara, ['fizzy', 'colourful']],
    [PEOPLE.ben, ['Fizzy', 'safe']],
  ] as const) {
    await call(who, 'POST', `/api/live-sessions/${sessionId}/polls/${cloud.id}/respond`, { choice: words });
  }
  const [present] = await Promise.all([mentor.context.waitForEvent('page'), m.getByRole('link', { name: 'Presenter view' }).click()]);
  await expect(present.getByRole('heading', { name: 'One word for today’s lab?' })).toBeVisible();
  const words = present.getByRole('list', { name: 'Word cloud of the answers' });
  await expect(words).toContainText('fizzy');
  await expect(words).toContainText('safe');
  await screenshot(present, 'presenter-wordcloud');
  await present.close();

  // Chat moderation sits behind each message's "⋯": the mentor deletes one, and it is gone for everyone.
  await b.getByRole('tab', { name: /Chat/ }).click();
  await b.getByLabel('Message').fill('lol this is so boring');
  await b.getByRole('button', { name: 'Send' }).click();
  await expect(a.getByText('lol this is so boring')).toBeVisible();
  await m.getByRole('button', { name: 'Actions for what Ben Carter wrote' }).click();
  await m.getByRole('button', { name: 'Delete message' }).click();
  await expect(a.getByText('lol this is so boring')).toBeHidden();
  await expect(b.getByText('lol this is so boring')).toBeHidden();

  // A question Amara asks is dismissed: it leaves Ben's list, and Amara is told.
  await a.getByLabel('Your question').fill('Can we repeat the titration next week?');
  await a.getByRole('button', { name: 'Ask' }).click();
  await b.getByRole('tab', { name: /Q&A/ }).click();
  await expect(b.getByText('Can we repeat the titration next week?')).toBeVisible();
  const asked = m.getByRole('listitem').filter({ hasText: 'Can we repeat the titration next week?' });
  await asked.getByRole('button', { name: 'Dismiss' }).click();
  await expect(b.getByText('Can we repeat the titration next week?')).toBeHidden();
  await expect(a.getByText('A mentor dismissed your question.').first()).toBeVisible();
  await screenshot(m, 'mentor-console-live');

  // The end: every control is off at once, and nobody is "in class now".
  await m.getByRole('button', { name: 'End class' }).click();
  await m.getByRole('button', { name: 'Yes, end the class' }).click();
  for (const page of [a, b]) {
    await expect(page.getByText('The class is over: nobody is in class now.')).toBeVisible();
    await expect(page.getByRole('button', { name: 'Raise hand' })).toHaveCount(0);
    await expect(page.getByRole('group', { name: 'React' })).toHaveCount(0);
  }
  await b.getByRole('tab', { name: /Chat/ }).click();
  await expect(b.getByRole('button', { name: 'Send' })).toBeDisabled();
  await expect(a.getByRole('button', { name: 'Send' })).toBeDisabled();
  await expect(a.getByRole('button', { name: 'Ask' })).toBeDisabled();
  // Notices go by themselves after a few seconds: the word cloud's, long past, is not on the ended page.
  await expect(region(b, 'Notices').getByText(/New poll/)).toHaveCount(0);
  await screenshot(a, 'ended-desktop');
  await screenshot(b, 'ended-phone');
  assert.deepEqual([...mentor.problems, ...amara.problems, ...ben.problems], []);
});
