/**
 * LTI 1.3 in a browser: a mock LMS (another site: localhost, while the tool is on 127.0.0.1) shows a course page with
 * the tool in an iframe. The iframe walks the real flow: login initiation, the LMS's authentication answer posted back,
 * the launch, and lands in the web app signed in on the course, inside the LMS's frame. Once with the platform's
 * postMessage storage (the state's browser secret kept in the LMS's frame), once with the partitioned cookie alone.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { decodeJwt } from 'jose';
import { LTI, startMockLms } from '../../src/test/mock-lms.ts';
import { expect } from './expect.ts';
import { type Browser, launchBrowser, openAs, screenshot, startService } from './harness.ts';

let browser: Browser;
const stops: (() => Promise<void>)[] = [];

before(async () => {
  browser = await launchBrowser();
});
after(async () => {
  await browser?.close();
  for (const stop of stops.reverse()) await stop();
});

/** A tool with a registered mock LMS that may frame it; `storage`: the LMS offers postMessage storage. */
async function setUp(storage: boolean) {
  const options = { launchUrl: '', host: '::', storage };
  const lms = await startMockLms(options);
  stops.push(lms.close);
  const service = await startService({ env: { CORS_ORIGINS: lms.issuer } });
  stops.push(service.close);
  // The LMS learns the tool's launch URL now that the tool listens (the mock reads its options on each request).
  const launchUrl = `${service.base}/lti/launch`;
  options.launchUrl = launchUrl;
  const admin = await service.token({ sub: 'lms-admin', name: 'Admin', role: 'admin' });
  await service.api(admin, 'POST', '/api/lti/platforms', lms.registration());
  return { lms, service, launchUrl, admin };
}

for (const storage of [true, false]) {
  test(`launched in the LMS's iframe, a student lands signed in on the course (${storage ? 'postMessage storage' : 'partitioned cookie'})`, async () => {
    const { lms } = await setUp(storage);
    lms.users.set('learner-1', { sub: 'learner-1', role: 'learner', name: 'Lena Learner' });
    const context = await browser.newContext({ viewport: { width: 1300, height: 950 } });
    const page = await context.newPage();
    const problems: string[] = [];
    let launches = 0;
    let completions = 0;
    if (storage) {
      // The login's cookie is gone by the time the LMS posts the launch (as in a browser that refuses even
      // partitioned cookies), so the launch must finish through the LMS's storage.
      await context.route('**/auth?**', async (route) => {
        await context.clearCookies();
        await route.continue();
      });
      await context.route(/\/lti\/launch$/, (route) => {
        if (!route.request().url().includes('/api/')) launches += 1;
        return route.continue();
      });
      await context.route('**/api/lti/launch', (route) => {
        completions += 1;
        return route.continue();
      });
    }
    page.on('pageerror', (err) => problems.push(err.message));
    await page.goto(`${lms.issuer}/course?user=learner-1`);
    const frame = page.frameLocator('iframe[name="tool"]');
    // Headed by the LMS's name for the course, not its namespaced id.
    await expect(frame.getByRole('heading', { name: 'Live sessions: Algorithms 101' }))
      .toBeVisible({ timeout: 15_000 })
      .catch((err: Error) => {
        // Where the frame got stuck (the token, if any, cut off) and what the page threw.
        const at = page
          .frame({ name: 'tool' })
          ?.url()
          .replace(/token=[^&]*/, 'token=…');
        throw new Error(`${err.message}; the frame is at ${at}; ${problems.join(' | ')}`);
      });
    await expect(frame.getByText('Lena Learner')).toBeVisible();
    const toolFrame = page.frame({ name: 'tool' });
    assert.ok(toolFrame);
    assert.doesNotMatch(toolFrame.url(), /token=/, 'the token is scrubbed from the address');
    if (storage) {
      assert.equal(launches, 1);
      assert.equal(completions, 1, 'the launch page read the secret from the LMS and completed the launch');
      await screenshot(page, 'lti-launch-in-lms', { dark: false });
    }
    assert.deepEqual(problems, []);
    await context.close();
  });
}

test("a mentor places a class from the LMS's content picker (Deep Linking)", async () => {
  const { lms, service, admin } = await setUp(false);
  const platforms = (await service.api(admin, 'GET', '/api/lti/platforms')) as { platforms: { courseIdPrefix: string }[] };
  const courseId = `${platforms.platforms[0]?.courseIdPrefix}ctx-101`;
  const start = new Date(Date.now() + 86_400_000).toISOString();
  const made = await service.api(admin, 'POST', '/api/live-sessions', {
    courseId,
    title: 'Shortest paths, live',
    scheduledStart: start,
    durationMinutes: 60,
  });
  lms.users.set('teacher-1', {
    sub: 'teacher-1',
    role: 'instructor',
    name: 'Ada Teacher',
    claims: {
      [`${LTI}message_type`]: 'LtiDeepLinkingRequest',
      [`${LTI}resource_link`]: undefined,
      'https://purl.imsglobal.org/spec/lti-dl/claim/deep_linking_settings': {
        deep_link_return_url: `${lms.issuer}/deep-link-return`,
        accept_types: ['ltiResourceLink'],
        accept_multiple: true,
      },
    },
  });
  const context = await browser.newContext({ viewport: { width: 1300, height: 950 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  await page.goto(`${lms.issuer}/course?user=teacher-1`);
  const frame = page.frameLocator('iframe[name="tool"]');
  await expect(frame.getByRole('heading', { name: 'Add live classes to your course' })).toBeVisible({ timeout: 15_000 });
  await frame.getByRole('checkbox', { name: /Shortest paths, live/ }).check();
  await screenshot(page, 'lti-deep-link-picker', { dark: false });
  await frame.getByRole('button', { name: /Place 1 in the LMS/ }).click();
  await expect(frame.getByRole('heading', { name: 'Content added' })).toBeVisible({ timeout: 15_000 });
  const [jwt] = lms.deepLinkReturns;
  assert.ok(jwt, 'the LMS received the signed answer');
  const items = decodeJwt(jwt)['https://purl.imsglobal.org/spec/lti-dl/claim/content_items'] as { custom: { session_id: string } }[];
  assert.deepEqual(
    items.map((i) => i.custom.session_id),
    [made.id],
  );
  assert.deepEqual(problems, []);
  await context.close();
});

/** Launches `user` from the mock LMS's course page in a browser context of their own; resolves with the tool's frame. */
async function launchInLms(lmsIssuer: string, user: string) {
  const context = await browser.newContext({ viewport: { width: 1300, height: 950 } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(err.message));
  await page.goto(`${lmsIssuer}/course?user=${user}`);
  const frame = page.frameLocator('iframe[name="tool"]');
  await expect(frame.getByRole('heading', { name: 'Live sessions: Algorithms 101' })).toBeVisible({ timeout: 15_000 });
  // The course's id is in the app's own address (#/courses/<id>), the title being the LMS's name for it.
  const at = decodeURIComponent(page.frame({ name: 'tool' })?.url() ?? '');
  const courseId = /#\/courses\/(lti:[a-z0-9]{8}:ctx-101)/.exec(at)?.[1] ?? '';
  assert.ok(courseId, `the course's id in ${at}`);
  return { context, page, frame, problems, courseId };
}

test('an instructor launched from an LMS that offers grades sets what the course sends to its gradebook', async () => {
  const { lms, service, admin } = await setUp(false);
  const ags = 'https://purl.imsglobal.org/spec/lti-ags/';
  // The LMS offers Assignment and Grade Services with the scopes a publication needs: columns and scores.
  const offered = { scope: [`${ags}scope/lineitem`, `${ags}scope/score`], lineitems: `${lms.issuer}/ags/ctx-101/lineitems` };
  lms.users.set('teacher-2', { sub: 'teacher-2', role: 'instructor', name: 'Grace Grader', claims: { [`${ags}claim/endpoint`]: offered } });
  const { context, page, frame, problems, courseId } = await launchInLms(lms.issuer, 'teacher-2');
  const setting = async () => {
    const read = await service.api(admin, 'GET', `/api/courses/${encodeURIComponent(courseId)}/lti-grades`);
    return { attendance: read.attendance, quizzes: read.quizzes, available: read.available };
  };

  await frame.getByRole('link', { name: /Course dashboard/ }).click();
  const panel = frame.getByRole('region', { name: 'Grades to the LMS' });
  await expect(panel).toBeVisible();
  await expect(panel.getByRole('status')).toContainText('Nothing is sent (the default).');
  await panel.getByRole('radio', { name: 'Percent of the class' }).check();
  await expect(panel).toContainText(
    'percent of the class (out of 100) is sent to the LMS gradebook as a column named “class title — attendance”',
  );
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByRole('status')).toContainText('Saved.');
  assert.deepEqual(await setting(), { attendance: 'percent', quizzes: false, available: true });
  await panel.scrollIntoViewIfNeeded();
  await screenshot(page, 'lti-grades-setting');

  // On a phone, opened directly, the saved choice is what the panel shows.
  const phone = await openAs(browser, service.base, admin, courseId, { viewport: { width: 390, height: 844 } });
  await phone.page.goto(`${service.base}/#/courses/${encodeURIComponent(courseId)}/report`);
  const phonePanel = phone.page.getByRole('region', { name: 'Grades to the LMS' });
  await expect(phonePanel).toBeVisible();
  assert.equal(await phonePanel.getByRole('radio', { name: 'Percent of the class' }).isChecked(), true);
  await phonePanel.scrollIntoViewIfNeeded();
  await screenshot(phone.page, 'lti-grades-setting-phone');

  // The LMS stops offering grades (a later launch without AGS): turning quizzes on is refused, and the page says why.
  lms.users.set('teacher-3', { sub: 'teacher-3', role: 'instructor', claims: { [`${ags}claim/endpoint`]: undefined } });
  const later = await launchInLms(lms.issuer, 'teacher-3');
  await later.context.close();
  await panel.getByRole('checkbox', { name: 'Quiz scores' }).check();
  await panel.getByRole('button', { name: 'Save' }).click();
  await expect(panel.getByRole('alert')).toContainText('did not offer Assignment and Grade Services');
  assert.deepEqual(await setting(), { attendance: 'percent', quizzes: false, available: false });
  assert.deepEqual(problems, []);
  await context.close();

  // Such a course, like one that never came from an LMS, shows no panel at all, not an empty one.
  for (const id of [courseId, 'plain-course']) {
    await phone.page.goto(`${service.base}/#/courses/${encodeURIComponent(id)}/report`);
    // A fresh page load, so the panel's availability is read now, not taken from the last page's cache.
    const answered = phone.page.waitForResponse((r) => r.url().endsWith(`/api/courses/${encodeURIComponent(id)}/lti-grades`));
    await phone.page.reload();
    assert.equal((await answered).status(), 200);
    await expect(phone.page.getByRole('heading', { name: 'Attendance rules' })).toBeVisible();
    assert.equal(await phone.page.getByRole('heading', { name: 'Grades to the LMS' }).count(), 0);
  }
  assert.deepEqual(phone.problems, []);
  await phone.context.close();
});
