/**
 * Accessibility checks with axe-core, run inside the page under test. The script is evaluated through the browser's
 * devtools protocol rather than added as a <script>, so the app's strict CSP stays on while it runs.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/** Fails with every serious or critical WCAG 2 A/AA violation on the page as it is now, each with where it is. */
export async function expectAccessible(page: Page, what: string) {
  await page.evaluate(source);
  const violations = await page.evaluate(async () => {
    const page = globalThis as unknown as {
      axe: { run: (context: unknown, options: object) => Promise<{ violations: Violation[] }> };
      document: unknown;
    };
    const result = await page.axe.run(page.document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5) }));
  });
  const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  assert.deepEqual(
    serious.map((v) => `${v.impact} ${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(' | ')}`),
    [],
    `axe found serious violations on ${what}`,
  );
}
