/**
 * The presenter view in a real browser: the mentor opens it from the class page (a new tab that keeps the sign-in),
 * shares it in the meeting, and runs a poll from the keyboard while students answer and ask. A student follows the
 * short join link shown under the QR code. Screenshots at desktop and phone width go to web/e2e/screenshots/.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { expect } from './expect.ts';
import { type Browser, launchBrowser, openAs, screenshot, startService } from './harness.ts';

const COURSE = 'physics-1';
const PEOPLE = {
  mentor: { userId: 'ines', name: 'Inés Navarro', role: 'mentor' as const },
  sam: { userId: 'sam', name: 'Sam Lee', role: 'student' as const },
  noor: { userId: 'noor', name: 'Noor Haddad', role: 'student' as const },
  tom: { userId: 'tom', name: 'Tom Becker', role: 'student' as const },
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

const call = async (person: (typeof PEOPLE)[keyof typeof PEOPLE], method: string, path: string, body?: unknown) =>
  service.api(await tokenOf(person), method, path, body);

test('the presenter view: the poll in large type, live results, the join QR and link, top questions, shortcuts', async () => {
  const mentor = await openAs(browser, service.base, await tokenOf(PEOPLE.mentor), COURSE);
  const m = mentor.page;
  const session = await call(PEOPLE.mentor, 'POST', '/api/live-sessions', {
    courseId: COURSE,
    title: 'Waves and oscillations',
    scheduledStart: new Date(Date.now() + 60_000).toISOString(),
    durationMinutes: 60,
  });
  const sessionId = session.id as string;
  await m.goto(`${service.base}/#/sessions/${sessionId}`);
  await m.getByRole('button', { name: 'Start class' }).click();

  // Opened from the class page, the view is a tab of its own that is already signed in.
  const [present] = await Promise.all([mentor.context.waitForEvent('page'), m.getByRole('link', { name: 'Presenter view' }).click()]);
  await present.waitForLoadState();
  assert.equal(new URL(present.url()).pathname, `/sessions/${sessionId}/present`);
  await expect(present.getByRole('heading', { name: 'Waves and oscillations' })).toBeVisible();
  await expect(present.getByText('No poll yet.')).toBeVisible();

  // A poll with live results: they grow on the shared screen as answers come in; R hides and shows them.
  const poll = await call(PEOPLE.mentor, 'POST', `/api/live-sessions/${sessionId}/polls`, {
    question: 'Which quantity does a pendulum’s period depend on?',
    type: 'single',
    options: ['Its length', 'Its mass', 'The amplitude (for small swings)'],
  });
  await expect(present.getByRole('heading', { name: /pendulum’s period/ })).toBeVisible();
  for (const [who, choice] of [
    [PEOPLE.sam, 0],
    [PEOPLE.noor, 0],
    [PEOPLE.tom, 1],
  ] as const) {
    await call(who, 'POST', `/api/live-sessions/${sessionId}/polls/${poll.id}/respond`, { choice });
  }
  await expect(present.getByText('3 people voted')).toBeVisible();
  await expect(present.getByRole('img', { name: 'Its length: 2 votes (67%)' })).toBeVisible();
  await present.keyboard.press('r');
  await expect(present.getByText(/Results are hidden/)).toBeVisible();
  await expect(present.getByText(/3 responses/)).toBeVisible();
  await present.keyboard.press('r');
  await expect(present.getByRole('img', { name: 'Its mass: 1 vote (33%)' })).toBeVisible();

  // Questions: the most upvoted first.
  const q1 = await call(PEOPLE.sam, 'POST', `/api/live-sessions/${sessionId}/qa`, { question: 'Does air resistance matter here?' });
  await call(PEOPLE.noor, 'POST', `/api/live-sessions/${sessionId}/qa`, { question: 'Is this on the exam?' });
  await call(PEOPLE.noor, 'POST', `/api/live-sessions/${sessionId}/qa/${q1.id}/upvote`);
  const listed = present.getByRole('region', { name: 'Top questions' }).getByRole('listitem');
  await expect(listed.first()).toContainText('Does air resistance matter here?');
  await expect(listed.first()).toContainText('1');

  // The way in: a QR code and the short link it encodes.
  const joinCode = session.joinCode as string;
  await expect(present.getByRole('img', { name: new RegExp(`QR code for .*/j/${joinCode}`) })).toBeVisible();
  await expect(present.getByText(`/j/${joinCode}`, { exact: true })).toBeVisible();
  await screenshot(present, 'presenter-desktop');

  // C closes the poll on screen for everyone.
  await present.keyboard.press('c');
  await expect(present.getByText(/Poll 1 of 1 · closed/)).toBeVisible();
  await expect(present.getByRole('status').filter({ hasText: 'Poll closed.' })).toBeVisible();

  // A student who types the short link lands on the class page.
  const sam = await openAs(browser, service.base, await tokenOf(PEOPLE.sam), COURSE, { viewport: { width: 390, height: 844 } });
  await sam.page.goto(`${service.base}/j/${joinCode}`);
  await expect(sam.page.getByRole('heading', { name: 'Waves and oscillations' })).toBeVisible();
  // A student who opens the presenter path is told it is the mentors'.
  await sam.page.goto(`${service.base}/sessions/${sessionId}/present`);
  await expect(sam.page.getByText("The presenter view is for the class's mentors.")).toBeVisible();

  await present.setViewportSize({ width: 390, height: 844 });
  await screenshot(present, 'presenter-phone');
  assert.deepEqual([...mentor.problems, ...sam.problems], []);
});
