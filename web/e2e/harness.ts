/**
 * Browser-test harness: the service in this process on PGlite (JWT mode, like behind an LMS), Debian's Chromium driven
 * by playwright-core, LMS-style launch URLs, and a TCP proxy whose connections can be cut to simulate a network drop.
 */
import { mkdirSync } from 'node:fs';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildApp } from '../../src/app.ts';
import type { Claims } from '../../src/auth/actor.ts';
import { signToken } from '../../src/auth/tokens.ts';
import { loadConfig } from '../../src/config.ts';
import { migrateToLatest, openDatabase } from '../../src/db/kysely.ts';
import { readOrCreateDemoSecret } from '../../src/demo/demo-secret.ts';
import { seedDemo } from '../../src/demo/demo.seed.ts';

import { expectAccessible } from './axe.ts';

const SECRET = 'e2e-secret-that-is-at-least-32-bytes-long!!';
export const SCREENSHOTS = new URL('./screenshots/', import.meta.url);

/** The service on in-memory PGlite: behind an LMS (JWT_SECRET), or in demo mode with its seeded course. */
export async function startService({ demo = false, env = {} }: { demo?: boolean; env?: Record<string, string> } = {}) {
  const base = { NODE_ENV: 'test', DATA_DIR: 'memory://', LOG_LEVEL: 'silent', RATE_LIMIT_MAX: '100000', ...env };
  const config = loadConfig(demo ? { ...base, DEMO_MODE: 'true' } : { ...base, JWT_SECRET: SECRET }, readOrCreateDemoSecret);
  const { db } = await openDatabase(config);
  await migrateToLatest(db);
  if (demo) await seedDemo(db);
  const app = await buildApp(config, { db, logger: false });
  const origin = await app.listen({ port: 0, host: '127.0.0.1' });
  const token = (claims: Claims) => signToken(new TextEncoder().encode(SECRET), claims, { ttlSeconds: 3600 });
  return {
    base: origin,
    port: (app.server.address() as AddressInfo).port,
    token,
    /** The LMS puts the roster in place (as its service account). */
    async roster(courseId: string, members: { userId: string; name: string; role: 'student' | 'mentor'; email?: string }[]) {
      const admin = await token({ sub: 'lms', name: 'LMS', role: 'admin' });
      const res = await fetch(`${origin}/api/courses/${courseId}/members`, {
        method: 'PUT',
        headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ members }),
      });
      if (!res.ok) throw new Error(`roster: ${res.status} ${await res.text()}`);
    },
    /** One API call as the token's holder; a reply that is not 2xx fails the test with its body. */
    async api(bearer: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
      const res = await fetch(`${origin}${path}`, {
        method,
        headers: { authorization: `Bearer ${bearer}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
      return JSON.parse(text) as Record<string, unknown>;
    },
    async close() {
      await app.close();
      await db.destroy();
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/** A person's own browser context, opened the way the LMS opens it: /launch#token=…&course=…. */
export async function openAs(
  browser: Browser,
  origin: string,
  token: string,
  courseId: string,
  {
    viewport = { width: 1280, height: 900 },
    timezoneId = 'UTC',
  }: { viewport?: { width: number; height: number }; timezoneId?: string } = {},
) {
  const context = await browser.newContext({ viewport, timezoneId });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('dialog', (dialog) => {
    problems.push(`dialog: ${dialog.message()}`); // an alert() from an XSS payload would land here
    void dialog.accept();
  });
  await page.goto(`${origin}/launch#token=${encodeURIComponent(token)}&course=${encodeURIComponent(courseId)}`);
  return { context, page, problems };
}

/**
 * Saves the page as `name.png` and checks it with axe (no serious or critical WCAG A/AA violation). Unless `dark` is
 * false (a print preview), the page is then shown in the system's dark scheme, saved as `name-dark.png` and checked
 * again, since its colours are a second set of contrasts.
 */
export async function screenshot(page: Page, name: string, { dark = true }: { dark?: boolean } = {}) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true });
  await expectAccessible(page, name);
  if (!dark) return;
  await page.emulateMedia({ colorScheme: 'dark' });
  try {
    await page.screenshot({ path: new URL(`${name}-dark.png`, SCREENSHOTS).pathname, fullPage: true });
    await expectAccessible(page, `${name} (dark)`);
  } finally {
    await page.emulateMedia({ colorScheme: null });
  }
}

/** On a phone the classroom is tabs: opens the named one (Chat, Q&A, Polls). Wider screens show every panel. */
export async function openTab(page: Page, name: 'Chat' | 'Q&A' | 'Polls') {
  const tabs = page.getByRole('tablist', { name: 'Class sections' });
  if (await tabs.isVisible()) await tabs.getByRole('tab', { name: new RegExp(`^${name}`) }).click();
}

/** A TCP proxy to the service: one student's "network". `drop()` cuts every connection and refuses new ones. */
export async function startProxy(targetPort: number) {
  const open = new Set<Socket>();
  let down = false;
  const server: Server = createServer((client) => {
    if (down) return void client.destroy();
    const upstream = tcpConnect(targetPort, '127.0.0.1');
    open.add(client).add(upstream);
    const forget = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('close', forget).on('error', forget);
    upstream.on('close', forget).on('error', forget);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    drop() {
      down = true;
      for (const s of open) s.destroy();
    },
    restore() {
      down = false;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of open) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export type { Browser, BrowserContext, Page };
