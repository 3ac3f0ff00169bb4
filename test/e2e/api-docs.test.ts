// GET /api/docs in a real headless Chromium: the reference page renders every operation of the document,
// and nothing it loads comes from anywhere but the module itself.
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useStack } from '../setup/reports-api';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

describe('the API reference page (headless Chromium)', () => {
  const stack = useStack();
  let browser: Browser;

  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
  }, 60_000);

  it('when opened without a token, then it lists every operation and every request stays on 127.0.0.1', async () => {
    const doc = (await (await fetch(`${stack.baseUrl}/api/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
    const operations = Object.entries(doc.paths).flatMap(([p, methods]) => Object.keys(methods).map((m) => `${m.toUpperCase()} ${p}`));

    const context = await browser.newContext();
    const requested: string[] = [];
    // Anything bound elsewhere is refused and remembered: the page must work offline.
    await context.route('**/*', (route) => {
      const url = route.request().url();
      requested.push(url);
      return new URL(url).hostname === '127.0.0.1' ? route.continue() : route.abort();
    });
    const page = await context.newPage();
    const failures: string[] = [];
    page.on('pageerror', (err) => failures.push(String(err)));
    await page.goto(`${stack.baseUrl}/api/docs`);

    const blocks = page.locator('.opblock');
    await expect.poll(() => blocks.count(), { timeout: 20_000 }).toBe(operations.length);
    const shown = await blocks.evaluateAll((els) => els.map((el) => {
      const method = el.querySelector('.opblock-summary-method')?.textContent?.trim();
      const path = el.querySelector('.opblock-summary-path')?.getAttribute('data-path');
      return `${method} ${path}`;
    }));
    expect(shown.sort()).toEqual(operations.sort());
    expect(await page.locator('.info .title').first().textContent()).toContain('Relatórios');

    // Opening an operation shows its responses, 429 and its Retry-After included.
    await page.locator('#operations-Relatórios-createReport .opblock-summary').click();
    await expect.poll(() => page.locator('#operations-Relatórios-createReport .response[data-code="429"]').count()).toBe(1);
    expect(await page.locator('#operations-Relatórios-createReport').textContent()).toContain('Retry-After');

    expect(failures).toEqual([]);
    expect(requested.length).toBeGreaterThan(0);
    expect(requested.filter((u) => !u.startsWith(`${stack.baseUrl}/`))).toEqual([]);
    await context.close();
  }, 60_000);
});
