// "Horário de atendimento" on the reports page, in a real headless Chromium against the real stack: an admin
// edits the week, holidays and target; a 400 shows under the interval it names; other profiles never see it.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCompany } from '../setup/rows';
import { useStack, useCompany } from '../setup/reports-api';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];
const EMPTY_WEEK = { 1: [], 2: [], 3: [], 4: [], 5: [], 6: [], 7: [] };

describe('the business-hours section of the reports page (headless Chromium)', () => {
  const stack = useStack({ demoLogin: true });
  const a = useCompany(stack, 'Acme');
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    await createCompany(stack.sql, 'Beta');
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
  }, 60_000);

  async function loginAs(userName: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(stack.baseUrl + '/');
    await page.getByLabel('Usuário de demonstração').selectOption({ label: userName });
    // The section decides from this answer: once it has arrived (and been handled), what is shown is final.
    const settings = page.waitForResponse((r) => r.url().endsWith('/api/business-hours') && r.request().method() === 'GET');
    await page.getByRole('button', { name: 'Entrar' }).click();
    await expect.poll(() => page.locator('#live').textContent(), { timeout: 15_000 }).toBe('ao vivo');
    await (await settings).finished();
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 0)));
    return page;
  }

  const stored = async () => (await stack.api('/api/business-hours', { token: stack.tokenFor({ id: a.admin, companyId: a.id }) })).json();
  const addInterval = async (page: Page, day: string, n: number, start: string, end: string) => {
    await page.getByRole('button', { name: `Adicionar intervalo na ${day}` }).click();
    await page.getByLabel(`${day}, intervalo ${n}, início`).fill(start);
    await page.getByLabel(`${day}, intervalo ${n}, fim`).fill(end);
  };

  it('an admin sets a week with a lunch break, a holiday and a 15-minute target, and it is stored exactly', async () => {
    const page = await loginAs('Admin Acme — Administrador');
    const section = page.locator('#business-hours');
    await expect.poll(() => section.isVisible()).toBe(true);
    expect(await section.getByRole('heading', { level: 1 }).textContent()).toBe('Horário de atendimento');
    expect(await section.textContent()).toContain('America/Sao_Paulo');

    await addInterval(page, 'Segunda', 1, '08:00', '12:00');
    await addInterval(page, 'Segunda', 2, '13:00', '18:00');
    await addInterval(page, 'Sexta', 1, '08:00', '24:00');
    await page.getByRole('button', { name: 'Adicionar feriado' }).click();
    await page.getByLabel('Feriado').fill('2026-12-25');
    await page.getByLabel('Meta de primeira resposta (minutos)').fill('15');
    await page.getByRole('button', { name: 'Salvar horário' }).click();
    await expect.poll(() => page.locator('#bh-status').textContent()).toBe('Horário salvo.');

    expect(await stored()).toEqual({
      timezone: 'America/Sao_Paulo',
      week: { ...EMPTY_WEEK, 1: [['08:00', '12:00'], ['13:00', '18:00']], 5: [['08:00', '24:00']] },
      holidays: ['2026-12-25'],
      firstResponseTargetSeconds: 900,
    });
    // Reloaded, the page shows what is stored.
    await page.reload();
    await expect.poll(() => page.getByLabel('Segunda, intervalo 2, fim').inputValue()).toBe('18:00');
    expect(await page.getByLabel('Meta de primeira resposta (minutos)').inputValue()).toBe('15');
    expect(await page.getByLabel('Feriado').inputValue()).toBe('2026-12-25');
    await page.screenshot({ path: '/tmp/page-business-hours.png', fullPage: true });
  }, 120_000);

  it('an overlapping interval is explained under that interval and nothing is stored; removing it saves', async () => {
    const page = await loginAs('Admin Acme — Administrador');
    await expect.poll(() => page.locator('#business-hours').isVisible()).toBe(true);
    const before = await stored();
    await addInterval(page, 'Terça', 1, '08:00', '12:00');
    await addInterval(page, 'Terça', 2, '11:00', '14:00');
    await page.getByRole('button', { name: 'Salvar horário' }).click();
    const second = page.locator('.bh-day[data-day="2"] .bh-interval').nth(1);
    await expect.poll(() => second.locator('.error').textContent()).toMatch(/sobrepõe o intervalo anterior, que termina às 12:00/);
    expect(await page.locator('#bh-error').textContent()).toMatch(/inválido/);
    expect(await page.locator('#bh-status').textContent()).toBe('');
    expect(await stored()).toEqual(before);

    await page.getByRole('button', { name: 'Remover intervalo 2 de Terça' }).click();
    await page.getByRole('button', { name: 'Salvar horário' }).click();
    await expect.poll(() => page.locator('#bh-status').textContent()).toBe('Horário salvo.');
    expect(((await stored()) as { week: Record<string, unknown> }).week['2']).toEqual([['08:00', '12:00']]);
  }, 120_000);

  it('a day takes at most 6 intervals: the add button is disabled at the sixth', async () => {
    const page = await loginAs('Admin Acme — Administrador');
    await expect.poll(() => page.locator('#business-hours').isVisible()).toBe(true);
    for (let i = 1; i <= 6; i++) await addInterval(page, 'Domingo', i, `${String(i * 2).padStart(2, '0')}:00`, `${String(i * 2).padStart(2, '0')}:30`);
    expect(await page.getByRole('button', { name: 'Adicionar intervalo na Domingo' }).isDisabled()).toBe(true);
  }, 120_000);

  it('a supervisor and a user never see the section; the Estatísticas form offers the time basis to everyone', async () => {
    for (const name of ['Supervisora Acme — Supervisor', 'Operador Acme — Usuário']) {
      const page = await loginAs(name);
      await page.getByRole('button', { name: /Estatísticas de Atendimento/ }).click();
      expect(await page.getByLabel('Base de tempo').locator('option').allTextContents()).toEqual(['—', 'Tempo corrido', 'Horário de atendimento']);
      expect(await page.getByLabel('Base de tempo').inputValue()).toBe('calendar');
      expect(await page.locator('#business-hours').isHidden()).toBe(true);
      expect(await page.locator('#business-hours').innerHTML()).toBe('');
    }
  }, 120_000);
});
