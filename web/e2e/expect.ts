/**
 * The few web-first assertions the browser tests need (playwright-core has no `expect`): each polls the locator until
 * the condition holds or the timeout passes, then fails with what it last saw.
 */
import type { Locator } from 'playwright-core';

const DEFAULT_TIMEOUT = 10_000;

async function poll(what: string, check: () => Promise<{ ok: boolean; saw: unknown }>, timeout = DEFAULT_TIMEOUT) {
  const deadline = Date.now() + timeout;
  let saw: unknown;
  for (;;) {
    try {
      const result = await check();
      if (result.ok) return;
      saw = result.saw;
    } catch (err) {
      saw = err instanceof Error ? err.message.split('\n')[0] : err;
    }
    if (Date.now() > deadline) throw new Error(`expected ${what}; last saw: ${JSON.stringify(saw)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function expect(locator: Locator) {
  const name = String(locator);
  return {
    toBeVisible: (o: { timeout?: number } = {}) =>
      poll(`${name} to be visible`, async () => ({ ok: await locator.isVisible(), saw: 'hidden' }), o.timeout),
    toBeHidden: (o: { timeout?: number } = {}) =>
      poll(`${name} to be hidden`, async () => ({ ok: !(await locator.isVisible()), saw: 'visible' }), o.timeout),
    toContainText: (text: string | RegExp, o: { timeout?: number } = {}) =>
      poll(
        `${name} to contain ${String(text)}`,
        async () => {
          // biome-ignore lint/performance/useDomNodeTextContent: Playwright's locator.innerText (what is shown), not the DOM property.
          const content = (await locator.innerText({ timeout: 1000 })) ?? '';
          return { ok: typeof text === 'string' ? content.includes(text) : text.test(content), saw: content.slice(0, 300) };
        },
        o.timeout,
      ),
    toHaveAttribute: (attribute: string, value: string, o: { timeout?: number } = {}) =>
      poll(
        `${name} to have ${attribute}=${value}`,
        async () => {
          const actual = await locator.getAttribute(attribute, { timeout: 1000 });
          return { ok: actual === value, saw: actual };
        },
        o.timeout,
      ),
    toBeDisabled: (o: { timeout?: number } = {}) =>
      poll(`${name} to be disabled`, async () => ({ ok: await locator.isDisabled({ timeout: 1000 }), saw: 'enabled' }), o.timeout),
    toHaveCount: (count: number, o: { timeout?: number } = {}) =>
      poll(
        `${name} to have count ${count}`,
        async () => {
          const actual = await locator.count();
          return { ok: actual === count, saw: actual };
        },
        o.timeout,
      ),
  };
}
