// The reports page in a real headless Chromium, against the real stack (database, Temporal worker, API).
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app';
import { createContact, createQueue, createTicket } from '../setup/rows';
import { GatedStorage } from '../setup/gated-storage';
import { useStack, useCompany } from '../setup/reports-api';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

describe('the reports page (headless Chromium)', () => {
  // Every test opens its own browser context (and event stream) as the same demo users, and keeps it until
  // the end: more than the 5 streams per user a real API process allows.
  const stack = useStack({ demoLogin: true, events: { maxStreamsPerUser: 50 }, wrapWorkerStorage: (storage) => (gate = new GatedStorage(storage)) });
  const a = useCompany(stack, 'Acme');
  const b = useCompany(stack, 'Beta');
  let gate: GatedStorage;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    const queue = await createQueue(stack.sql, a.id, 'Suporte');
    await createQueue(stack.sql, b.id, 'Fila da Beta');
    const contact = await createContact(stack.sql, a.id, 'Maria', '5511988887777');
    for (let i = 0; i < 3; i++) {
      await createTicket(stack.sql, a.id, { contactId: contact, whatsappId: a.whatsapp, createdAt: `2026-10-0${i + 1}T12:00:00Z`, queueId: queue });
    }
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    gate?.openGate();
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
  }, 60_000);

  async function loginAs(userName: string): Promise<Page> {
    const context = await browser.newContext({ acceptDownloads: true, locale: 'pt-BR', viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(stack.baseUrl + '/');
    await page.getByLabel('Usuário de demonstração').selectOption({ label: userName });
    await page.getByRole('button', { name: 'Entrar' }).click();
    await expect.poll(() => page.locator('#live').textContent(), { timeout: 15_000 }).toBe('ao vivo');
    return page;
  }

  const item = (page: Page, id: string) => page.locator(`li.report[data-id="${id}"]`);

  it('the picker offers demo users of two companies, and the page needs no token to load', async () => {
    const res = await fetch(`${stack.baseUrl}/dev/demo-users`);
    const { users } = (await res.json()) as { users: { id: number; companyId: number; profile: string }[] };
    expect(users.map((u) => [u.companyId, u.profile])).toEqual([
      [a.id, 'admin'], [a.id, 'supervisor'], [a.id, 'user'], [b.id, 'admin'], [b.id, 'supervisor'], [b.id, 'user'],
    ]);
    expect((await fetch(`${stack.baseUrl}/`)).status).toBe(200);
    expect((await stack.api('/api/report-options')).status).toBe(401);
  });

  it('without the dev flag (production) the demo login does not exist, and the page says to open it from the platform', async () => {
    const app = buildApp({ sql: stack.sql, storage: stack.storage, workflows: stack.workflows, jwtSecret: stack.jwtSecret });
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
    try {
      expect((await fetch(`${base}/dev/demo-users`)).status).toBe(404);
      expect((await fetch(`${base}/dev/token`, { method: 'POST' })).status).toBe(404);
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      await page.goto(base + '/');
      await expect.poll(() => page.locator('#login-error').textContent()).toMatch(/abra esta página pela plataforma/);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }, 60_000);

  it('generates a Resumo de Tickets, shows PROCESSING then READY live, and downloads it with its name and bytes', async () => {
    const page = await loginAs('Admin Acme — Administrador');
    await page.getByRole('button', { name: /Resumo de Tickets/ }).click();
    await page.getByLabel('Data inicial').fill('2026-10-01');
    await page.getByLabel('Data final').fill('2026-10-31');
    await expect.poll(() => page.getByLabel('Filas').locator('option').allTextContents()).toEqual(['Suporte']);

    gate.closeGate();
    const created = page.waitForResponse((r) => r.url().endsWith('/api/reports') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Gerar Relatório' }).click();
    const report = (await (await created).json()) as { id: string; fileName: string | null };
    const row = item(page, report.id);
    await expect.poll(() => row.getAttribute('data-status')).toBe('PROCESSING');
    expect(await row.locator('.badge').textContent()).toBe('Processando');
    await page.screenshot({ path: '/tmp/page-processing.png', fullPage: true });

    gate.openGate();
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000 }).toBe('READY');
    const details = await row.locator('.details').textContent();
    expect(details).toMatch(/^3 linhas · [\d,]+ (B|KB) · link válido por mais 2[34] h/);
    await page.screenshot({ path: '/tmp/page.png', fullPage: true });

    const download = page.waitForEvent('download');
    await row.getByRole('button', { name: /^Baixar/ }).click();
    const file = await download;
    const ready = (await (await stack.api(`/api/reports/${report.id}`, { token: stack.tokenFor({ id: a.admin, companyId: a.id }) })).json()) as {
      fileName: string; sizeBytes: number;
    };
    expect(file.suggestedFilename()).toBe(ready.fileName);
    const bytes = readFileSync((await file.path())!);
    expect(bytes.length).toBe(ready.sizeBytes);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = bytes.toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe('ID do ticket;Telefone do contato;Tipo;Data de abertura;Última mensagem;Status;Fila;Ocorrência/Tag;Contrato');
    expect(lines.filter(Boolean)).toHaveLength(4);
  }, 120_000);

  it('offers CSV or XLSX for a CSV type, and a Resumo de Tickets asked as XLSX downloads a workbook', async () => {
    const page = await loginAs('Admin Acme — Administrador');
    await page.locator('button.type[data-type="ticket_summary"]').click();
    const choice = page.getByRole('group', { name: 'Formato do arquivo' });
    expect(await choice.getByRole('radio').evaluateAll((radios) => radios.map((r) => {
      const radio = r as unknown as { value: string; checked: boolean };
      return [radio.value, radio.checked];
    })))
      .toEqual([['csv', true], ['xlsx', false]]);
    await page.getByLabel('Data inicial').fill('2026-10-01');
    await page.getByLabel('Data final').fill('2026-10-31');
    await choice.getByLabel('XLSX (Excel)').check();
    await page.screenshot({ path: '/tmp/page-xlsx.png', fullPage: true });
    const created = page.waitForResponse((r) => r.url().endsWith('/api/reports') && r.request().method() === 'POST');
    await page.getByRole('button', { name: 'Gerar Relatório' }).click();
    const report = (await (await created).json()) as { id: string; format: string };
    expect(report.format).toBe('xlsx');
    const row = item(page, report.id);
    await expect.poll(() => row.getAttribute('data-status'), { timeout: 60_000 }).toBe('READY');
    const download = page.waitForEvent('download');
    await row.getByRole('button', { name: /^Baixar/ }).click();
    const file = await download;
    expect(file.suggestedFilename()).toMatch(/^resumo-de-tickets.*\.xlsx$/);
    const bytes = readFileSync((await file.path())!);
    expect(bytes.subarray(0, 2).toString('latin1')).toBe('PK');
  }, 120_000);

  it('explains a 40-day range on Histórico de Atendimento next to the field and sends nothing', async () => {
    const page = await loginAs('Admin Acme — Administrador');
    await page.getByRole('button', { name: /Histórico de Atendimento/ }).click();
    expect(await page.locator('#period-hint').textContent()).toContain('no máximo 31 dias');
    const posts: string[] = [];
    page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.url()); });
    await page.getByLabel('Data inicial').fill('2026-09-01');
    await page.getByLabel('Data final').fill('2026-10-10');
    await page.getByRole('button', { name: 'Gerar Relatório' }).click();
    expect(await page.locator('#f-to-error').textContent()).toBe('O período pode ter no máximo 31 dias; o escolhido tem 40.');
    expect(await page.getByLabel('Data final').getAttribute('aria-invalid')).toBe('true');
    expect(posts).toEqual([]);
  }, 60_000);

  it("shows the server's message next to the field it names", async () => {
    const page = await loginAs('Admin Acme — Administrador');
    await page.getByRole('button', { name: /Mensagens Oficial/ }).click();
    // Only a start date: the page lets the server say what is missing.
    await page.getByLabel('Data inicial').fill('2026-10-01');
    const refused = page.waitForResponse((r) => r.url().endsWith('/api/reports') && r.status() === 400);
    await page.getByRole('button', { name: 'Gerar Relatório' }).click();
    await refused;
    await expect.poll(() => page.locator('#f-to-error').textContent()).toMatch(/obrigatório junto com from/);
  }, 60_000);

  it('a report created by another user of the company appears live; another company never sees it', async () => {
    const mine = await loginAs('Admin Acme — Administrador');
    const colleague = await loginAs('Supervisora Acme — Supervisor');
    const other = await loginAs('Admin Beta — Administrador');
    const res = await stack.api('/api/reports', {
      method: 'POST', token: stack.tokenFor({ id: a.supervisor, companyId: a.id }),
      body: JSON.stringify({ type: 'login_logout', filters: { from: '2026-10-01', to: '2026-10-02' } }),
    });
    const { id } = (await res.json()) as { id: string };
    for (const page of [mine, colleague]) {
      await expect.poll(() => item(page, id).count(), { timeout: 2_000 }).toBe(1);
      expect(await item(page, id).locator('.meta').nth(1).textContent()).toMatch(/^Pedido por Supervisora Acme/);
    }
    await stack.waitForReport(id, stack.tokenFor({ id: a.admin, companyId: a.id }));
    await expect.poll(() => item(mine, id).getAttribute('data-status')).toBe('READY');
    expect(await other.locator('li.report').count()).toBe(0);
    expect(await other.locator('#empty').isVisible()).toBe(true);
  }, 60_000);

  it('an ERROR report shows its message', async () => {
    const page = await loginAs('Admin Acme — Administrador');
    const res = await stack.api('/api/reports', {
      method: 'POST', token: stack.tokenFor({ id: a.admin, companyId: a.id }),
      body: JSON.stringify({ type: 'login_logout', filters: { from: '2026-09-01', to: '2026-09-02' } }),
    });
    const { id } = (await res.json()) as { id: string };
    await stack.waitForReport(id, stack.tokenFor({ id: a.admin, companyId: a.id }));
    await stack.sql`update reports.reports set status = 'ERROR', error_message = 'Falha ao gravar o arquivo.' where id = ${id}`;
    await expect.poll(() => item(page, id).getAttribute('data-status')).toBe('ERROR');
    expect(await item(page, id).locator('.report-error').textContent()).toBe('Falha ao gravar o arquivo.');
    await page.screenshot({ path: '/tmp/page-error.png', fullPage: true });
  }, 60_000);
});
