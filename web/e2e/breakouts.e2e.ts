/**
 * Breakout rooms (issue 15) in four browsers: a mentor at a desktop opens two rooms at random for three students
 * (Amara and Chen at desktops, Ben on a phone); each student sees "You are in Room N" and goes to their room, a class
 * page of its own; the mentor moves one student, whose page follows them to the other room; a message to every room
 * arrives pinned in both; a student asks for help and the mentor's board shows it; the mentor looks into a room and
 * comes back; the timer is shortened into the closing warning, the round closes on its own timer, and everyone is back
 * in the main class, told so. Every screenshot is also an axe check, light and dark (harness.ts).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { BreakoutRound } from '../../src/breakouts/breakouts.schemas.ts';
import { expect } from './expect.ts';
import { type Browser, launchBrowser, openAs, type Page, screenshot, startService } from './harness.ts';

const COURSE = 'bio-201';
const TITLE = 'Cell membranes';
const PEOPLE = {
  mentor: { userId: 'nadia', name: 'Nadia Rahman', role: 'mentor' as const },
  amara: { userId: 'amara', name: 'Amara Okafor', role: 'student' as const },
  ben: { userId: 'ben', name: 'Ben Carter', role: 'student' as const },
  chen: { userId: 'chen', name: 'Chen Wei', role: 'student' as const },
};
type Person = (typeof PEOPLE)[keyof typeof PEOPLE];
const STUDENTS = [PEOPLE.amara, PEOPLE.ben, PEOPLE.chen];
const BROADCAST = 'Five minutes: agree on one hypothesis and write it in your room chat.';

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
const call = async (person: Person, method: string, path: string, body?: unknown) => service.api(await tokenOf(person), method, path, body);
const region = (page: Page, name: string) => page.getByRole('region', { name });
const nameOf = (userId: string) => Object.values(PEOPLE).find((p) => p.userId === userId)?.name ?? userId;

/** The class's round as the server has it now. */
async function currentRound(classId: string): Promise<BreakoutRound> {
  const list = (await call(PEOPLE.mentor, 'GET', `/api/live-sessions/${classId}/breakouts`)) as { current: BreakoutRound | null };
  assert.ok(list.current, 'a round is open');
  return list.current;
}

/** Polls until `check` holds (for what no single locator shows, such as where a page is). */
async function eventually(what: string, check: () => Promise<boolean> | boolean, timeout = 10_000) {
  const deadline = Date.now() + timeout;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`expected ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

test('a mentor runs breakout rooms: open, move, broadcast, help, the timer, and everyone back', async () => {
  const classSession = await call(PEOPLE.mentor, 'POST', '/api/live-sessions', {
    courseId: COURSE,
    title: TITLE,
    scheduledStart: new Date(Date.now() + 60_000).toISOString(),
    durationMinutes: 90,
  });
  const classId = classSession.id as string;
  await call(PEOPLE.mentor, 'PUT', `/api/live-sessions/${classId}`, { status: 'live' });
  const classUrl = `${service.base}/#/sessions/${classId}`;

  const mentor = await openAs(browser, service.base, await tokenOf(PEOPLE.mentor), COURSE);
  const students = new Map<string, Awaited<ReturnType<typeof openAs>>>();
  for (const s of STUDENTS) {
    const viewport = s === PEOPLE.ben ? { width: 390, height: 844 } : undefined;
    students.set(s.userId, await openAs(browser, service.base, await tokenOf(s), COURSE, viewport && { viewport }));
  }
  const pageOf = (userId: string) => (students.get(userId) as { page: Page }).page;
  const m = mentor.page;
  // Each page is in the class (its banner says live) before the count is read: the first pages of a cold browser can
  // take a while, and the mentor's count can only be right once every student has joined.
  for (const page of [m, ...STUDENTS.map((s) => pageOf(s.userId))]) {
    await page.goto(classUrl);
    await expect(page.getByRole('status').first()).toContainText(/live/i, { timeout: 20_000 });
  }
  await expect(m.getByText('In class now: 4')).toBeVisible();

  // The mentor opens two rooms at random, three minutes long, with a 20-second warning.
  const setup = region(m, 'Breakout rooms');
  await setup.getByLabel('Number of rooms').fill('2');
  await setup.getByRole('radio', { name: /Random/ }).check();
  await setup.getByLabel('Duration (minutes)').fill('3');
  await setup.getByText('More options').click();
  await setup.getByLabel('Warning before the rooms close (seconds)').fill('20');
  await screenshot(m, 'breakouts-setup');
  await setup.getByRole('button', { name: 'Open rooms' }).click();

  const board = region(m, 'Breakout rooms');
  const rooms = board.getByRole('list', { name: 'Rooms' });
  await expect(rooms.getByRole('heading', { name: 'Room 2' })).toBeVisible();
  const opened = await currentRound(classId);
  assert.equal(opened.rooms.length, 2);
  assert.deepEqual(opened.rooms.map((r) => r.memberIds.length).sort(), [1, 2], 'three students, sizes within one');
  const roomOf = (round: BreakoutRound, userId: string) => {
    const found = round.rooms.find((r) => r.memberIds.includes(userId));
    assert.ok(found, `${userId} has a room`);
    return found;
  };

  // Each student sees their room on the class page, and the mentor sees everyone by name.
  for (const s of STUDENTS) {
    const page = pageOf(s.userId);
    const room = roomOf(opened, s.userId);
    await expect(page.getByRole('heading', { name: `You are in ${room.name}` })).toBeVisible();
    await expect(region(page, 'Notices')).toContainText(`Breakout rooms are open: you are in ${room.name}.`);
    await expect(rooms.getByRole('listitem', { name: room.name })).toContainText(s.name);
  }
  await screenshot(pageOf('amara'), 'breakouts-card');
  await screenshot(pageOf('ben'), 'breakouts-card-phone');

  // "Go to room": the room is a class page of its own, under a bar that says where you are.
  for (const s of STUDENTS) {
    const page = pageOf(s.userId);
    const room = roomOf(opened, s.userId);
    await page.getByRole('link', { name: 'Go to room' }).click();
    await expect(region(page, 'Breakout room')).toContainText(room.name);
    await expect(page.getByRole('heading', { level: 1 })).toContainText(room.name);
    await expect(page.getByText(/^Opened at \d/)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Join room meeting' })).toBeVisible();
  }

  // A room page also joins its class (to follow the round): that join is no late join, so nobody is placed again,
  // and everyone still counts as in class, with nobody left waiting in the main class.
  await expect(m.getByText('In class now: 4')).toBeVisible();
  await expect(board).toContainText('Every student in class is in a room.');
  const inRooms = await currentRound(classId);
  assert.deepEqual(
    inRooms.rooms.map((r) => [...r.memberIds].sort()),
    opened.rooms.map((r) => [...r.memberIds].sort()),
  );

  // The mentor moves a student of the room of two to the other one; the student's page follows them there.
  const big = opened.rooms.find((r) => r.memberIds.length === 2) as BreakoutRound['rooms'][number];
  const small = opened.rooms.find((r) => r !== big) as BreakoutRound['rooms'][number];
  const moved = big.memberIds[0] as string;
  await board.getByLabel(`Move ${nameOf(moved)} to`).selectOption({ label: small.name });
  await board.getByRole('button', { name: `Move ${nameOf(moved)}` }).click();
  await expect(rooms.getByRole('listitem', { name: small.name })).toContainText(nameOf(moved));
  const movedPage = pageOf(moved);
  await expect(region(movedPage, 'Breakout room')).toContainText(small.name);
  await expect(region(movedPage, 'Notices')).toContainText(`You were moved to ${small.name}.`);
  assert.equal(new URL(movedPage.url()).hash, `#/sessions/${small.sessionId}`);
  const afterMove = await currentRound(classId);
  assert.deepEqual(roomOf(afterMove, moved).id, small.id);

  // The old room, reloaded (another tab, or the address bar), refuses them now; the page offers the way back to the
  // class, whose card shows the new room.
  await movedPage.goto(`${service.base}/#/sessions/${big.sessionId}`);
  await movedPage.reload();
  await expect(movedPage.getByRole('heading', { name: 'Breakout room unavailable' })).toBeVisible();
  await screenshot(movedPage, 'breakouts-room-refused');
  await movedPage.getByRole('link', { name: 'Back to the main class' }).click();
  await expect(movedPage.getByRole('heading', { name: `You are in ${small.name}` })).toBeVisible();
  await movedPage.getByRole('link', { name: 'Go to room' }).click();
  await expect(region(movedPage, 'Breakout room')).toContainText(small.name);

  // A message to every room arrives pinned in both.
  await board.getByLabel('Message to every room').fill(BROADCAST);
  await board.getByRole('button', { name: 'Send to all rooms' }).click();
  for (const s of STUDENTS) await expect(region(pageOf(s.userId), 'Announcement')).toContainText(BROADCAST);
  await expect(board).toContainText(`Pinned in every room since`);

  // A student asks for help; the mentor's board shows which room, and the mentor is told.
  const asker = big.memberIds[1] as string;
  await region(pageOf(asker), 'Breakout room').getByRole('button', { name: 'Ask for help' }).click();
  await expect(region(pageOf(asker), 'Breakout room')).toContainText('Help is on its way');
  await expect(rooms.getByRole('listitem', { name: big.name })).toContainText('Asks for help');
  await expect(region(m, 'Notices')).toContainText(`${big.name} asks for help.`);
  await screenshot(m, 'breakouts-board');
  await screenshot(pageOf('amara'), 'breakouts-room');
  await screenshot(pageOf('ben'), 'breakouts-room-phone');
  await m.setViewportSize({ width: 390, height: 844 });
  await screenshot(m, 'breakouts-board-phone');
  await m.setViewportSize({ width: 1280, height: 900 });

  // The mentor looks into the room that asked: entering answers the request (the server's rule), so the student may
  // ask again; asked again while the mentor is there, the mentor's bar shows it and clears it.
  await rooms.getByRole('link', { name: `Enter room ${big.name}` }).click();
  const mentorBar = region(m, 'Breakout room');
  await expect(mentorBar).toContainText(big.name);
  await expect(region(m, 'Announcement')).toContainText(BROADCAST);
  const askerBar = region(pageOf(asker), 'Breakout room');
  await expect(askerBar.getByRole('button', { name: 'Ask for help' })).toBeVisible();
  await askerBar.getByRole('button', { name: 'Ask for help' }).click();
  await expect(mentorBar).toContainText('This room asks for help');
  await mentorBar.getByRole('button', { name: 'Mark as helped' }).click();
  await expect(askerBar.getByRole('button', { name: 'Ask for help' })).toBeVisible();
  await expect(mentorBar.getByRole('button', { name: 'Mark as helped' })).toBeHidden();
  await mentorBar.getByRole('link', { name: 'Back to the main class' }).click();
  await expect(rooms.getByRole('listitem', { name: big.name })).toBeVisible();

  // Shortened until the rooms are in their closing warning (each minute off, down to the warning, at the latest).
  const shorten = board.getByRole('button', { name: 'Shorten (−1 min)' });
  for (let i = 0; i < 4 && (await currentRound(classId)).status === 'open'; i++) {
    await shorten.click();
    await eventually('the shortening answered', async () => !(await shorten.isVisible()) || !(await shorten.isDisabled()));
  }
  assert.equal((await currentRound(classId)).status, 'closing');
  await expect(board).toContainText('Closing: everyone goes back to the main class in');
  for (const s of STUDENTS) {
    await expect(region(pageOf(s.userId), 'Breakout room')).toContainText('Closing');
    await expect(region(pageOf(s.userId), 'Notices')).toContainText('Breakout rooms close in');
  }
  await screenshot(pageOf('ben'), 'breakouts-closing-phone', { dark: false });

  // The round closes on its timer: every student is taken back to the main class and told.
  for (const s of STUDENTS) {
    const page = pageOf(s.userId);
    await eventually(`${s.name} back in the main class`, () => new URL(page.url()).hash === `#/sessions/${classId}`, 40_000);
    await expect(region(page, 'Notices')).toContainText('The breakout rooms have closed. You are back in the main class.');
    await expect(page.getByRole('heading', { level: 1 })).toContainText(TITLE);
    await expect(region(page, 'Breakout room')).toHaveCount(0);
  }
  await expect(region(m, 'Notices')).toContainText('The breakout rooms have closed: everyone is back in the main class.');
  await expect(region(m, 'Breakout rooms').getByRole('button', { name: 'Open rooms' })).toBeVisible();
  const list = (await call(PEOPLE.mentor, 'GET', `/api/live-sessions/${classId}/breakouts`)) as { current: unknown; past: BreakoutRound[] };
  assert.equal(list.current, null);
  assert.deepEqual(
    list.past.map((r) => r.status),
    ['closed'],
  );
  await expect(m.getByText('In class now: 4')).toBeVisible();
  await screenshot(pageOf('amara'), 'breakouts-back');
  await screenshot(pageOf('ben'), 'breakouts-back-phone');

  // The class report names each student's room (the one they ended the round in) and marks their stays in it.
  await m.goto(`${service.base}/#/sessions/${classId}/report`);
  const table = region(m, 'Students table');
  await expect(table.getByRole('columnheader', { name: 'Breakout rooms' })).toBeVisible();
  for (const s of STUDENTS) {
    await expect(table.getByRole('row').filter({ hasText: s.name })).toContainText(roomOf(afterMove, s.userId).name);
  }
  await expect(m.locator('.report-legend')).toContainText('breakout room');
  const movedBar = table
    .getByRole('row')
    .filter({ hasText: nameOf(moved) })
    .getByRole('img');
  assert.match((await movedBar.getAttribute('aria-label')) ?? '', new RegExp(`in ${big.name}.* in ${small.name}`));
  await screenshot(m, 'breakouts-report');
  await m.setViewportSize({ width: 390, height: 844 });
  await screenshot(m, 'breakouts-report-phone');

  // Once the class is over, a student's own record names their room too.
  await call(PEOPLE.mentor, 'PUT', `/api/live-sessions/${classId}`, { status: 'completed' });
  const mine = region(pageOf('amara'), 'My attendance');
  await expect(mine).toContainText(`Breakout room: ${roomOf(afterMove, 'amara').name}`);
  assert.deepEqual([...mentor.problems, ...[...students.values()].flatMap((s) => s.problems)], []);
});
