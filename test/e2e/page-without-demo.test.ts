// Outside the demo the page offers no "Entrar como": /dev/* does not exist, and the page says how to get in.
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStack, type Stack } from '../setup/stack';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

describe('the reports page without the demo login (headless Chromium)', () => {
  let stack: Stack;
  let browser: Browser;

  beforeAll(async () => {
    stack = await startStack(); // demoLogin off, as with a given DATABASE_URL or JWT_SECRET
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.stop();
  });

  it('when opened without a token, then there is no user picker and no demo text, only the way in through the platform', async () => {
    for (const route of ['/dev/demo-users', '/dev/token']) {
      expect((await fetch(`${stack.baseUrl}${route}`, { method: route.endsWith('token') ? 'POST' : 'GET' })).status, route).toBe(404);
    }
    const page = await browser.newPage();
    await page.goto(stack.baseUrl + '/');
    await expect.poll(() => page.locator('#login-error').textContent(), { timeout: 15_000 }).toBe('Sem token: abra esta página pela plataforma.');
    expect(await page.getByRole('heading', { level: 1 }).first().textContent()).toBe('Acesso pela plataforma');
    expect(await page.getByText('Entrar como').count()).toBe(0);
    expect(await page.getByLabel('Usuário de demonstração').isVisible()).toBe(false);
    expect(await page.locator('#login-demo-note').isVisible()).toBe(false);
    await page.close();
  });
});
