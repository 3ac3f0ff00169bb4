// The "Agendamentos" page in a real headless Chromium against the real stack: endpoints with their secret shown
// once, a weekly schedule of last week, run now and delivered, paused; and who may see the page.
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportScheduleId } from '../../src/schedules/temporal-schedule';
import { type CompanyFixture, createCompany } from '../setup/rows';
import { useStack } from '../setup/reports-api';
import { startWebhookReceiver, type WebhookReceiver } from '../setup/webhook-receiver';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'];

describe('the Agendamentos page (headless Chromium)', () => {
  const stack = useStack({ demoLogin: true, delivery: { retryDelaysSeconds: [1] } });
  let browser: Browser;
  let receiver: WebhookReceiver;
  let a: CompanyFixture;
  const contexts: BrowserContext[] = [];

  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    a = await createCompany(stack.sql, 'Acme');
    browser = await chromium.launch({ executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close().catch(() => {});
    await browser?.close();
    await receiver?.close();
  }, 60_000);

  async function openAs(userName: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'pt-BR', viewport: { width: 1280, height: 900 } });
    contexts.push(context);
    const page = await context.newPage();
    page.on('dialog', (d) => void d.accept());
    await page.goto(stack.baseUrl + '/');
    await page.getByLabel('Usuário de demonstração').selectOption({ label: userName });
    await page.getByRole('button', { name: 'Entrar' }).click();
    await expect.poll(() => page.locator('#live').textContent(), { timeout: 15_000 }).toBe('ao vivo');
    await page.getByRole('link', { name: 'Agendamentos' }).click();
    await page.waitForURL(/agendamentos\.html$/);
    return page;
  }

  it('an admin registers an endpoint and sees its secret once, creates a weekly last-week schedule, runs it, sees it delivered, and pauses it', async () => {
    const page = await openAs('Admin Acme — Administrador');
    await page.getByLabel('URL').fill(receiver.url('/page'));
    await page.getByRole('button', { name: 'Cadastrar webhook' }).click();
    await expect.poll(() => page.locator('#secret').textContent()).toMatch(/não será mostrado novamente\.whsec_[A-Za-z0-9+/]{43}=$/);
    const secret = /whsec_\S+/.exec((await page.locator('#secret').textContent())!)![0];
    const endpoint = page.locator('li[data-endpoint]');
    await expect.poll(() => endpoint.locator('h3').textContent()).toBe(receiver.url('/page'));
    await endpoint.getByRole('button', { name: 'Enviar teste' }).click();
    await expect.poll(() => endpoint.locator('.result').textContent(), { timeout: 30_000 }).toBe('Teste entregue.');
    expect(receiver.received.filter((r) => r.path === '/page').map((r) => JSON.parse(r.body).type)).toEqual(['webhook.test']);

    await page.getByLabel('Nome').fill('Estatísticas da semana');
    await page.getByLabel('Relatório', { exact: true }).selectOption({ label: 'Estatísticas de Atendimento' });
    await page.getByLabel('Período').selectOption({ label: 'Semana passada (segunda a domingo)' });
    await page.getByLabel('Frequência').selectOption({ label: 'Toda semana' });
    await page.getByLabel('Dia da semana').selectOption({ label: 'segunda-feira' });
    await page.getByLabel('Horário').fill('08:00');
    await page.getByLabel(receiver.url('/page')).check();
    await page.getByRole('button', { name: 'Criar agendamento' }).click();

    const item = page.locator('li.report[data-id]');
    await expect.poll(() => item.count()).toBe(1);
    expect(await item.locator('.meta').first().textContent()).toBe('Estatísticas de Atendimento · toda segunda-feira às 08:00 · Semana passada (segunda a domingo)');
    expect(await item.locator('.next').textContent()).toMatch(/^Próxima: \d{2}\/\d{2}\/\d{4}, 08:00$/);
    expect(await item.locator('.last').textContent()).toBe('Ainda não executado');
    const scheduleId = (await item.getAttribute('data-id'))!;
    const [stored] = await stack.sql<{ companyId: number; filters: unknown; cadence: unknown; webhookEndpointIds: string[] }[]>`
      select company_id as "companyId", filters, cadence, webhook_endpoint_ids as "webhookEndpointIds" from reports.report_schedules where id = ${scheduleId}`;
    expect(stored).toMatchObject({ companyId: a.id, filters: { period: 'last_week' }, cadence: { every: 'week', weekday: 1, at: '08:00' } });
    expect(stored.webhookEndpointIds).toHaveLength(1);

    await item.getByRole('button', { name: 'Executar agora' }).click();
    await expect.poll(() => item.locator('.last .badge').textContent(), { timeout: 60_000 }).toBe('Pronto');
    await page.screenshot({ path: '/tmp/agendamentos.png', fullPage: true });
    const deliveries = item.getByRole('button', { name: 'Entregas' });
    const delivered = item.locator('li[data-delivery][data-status="DELIVERED"]');
    await expect.poll(async () => {
      if ((await deliveries.getAttribute('aria-expanded')) === 'true') await deliveries.click();
      await deliveries.click();
      return delivered.count();
    }, { timeout: 30_000 }).toBe(1);
    expect(await delivered.textContent()).toMatch(new RegExp(`^Webhook para ${receiver.url('/page')} · Entregue · 1 tentativa\\(s\\)`));

    await item.getByRole('button', { name: 'Pausar' }).click();
    await expect.poll(() => item.getAttribute('data-paused')).toBe('true');
    expect(await item.locator('h3 .badge').textContent()).toBe('Pausado');
    expect((await stack.workflows.client.schedule.getHandle(reportScheduleId(scheduleId)).describe()).state.paused).toBe(true);
    await item.getByRole('button', { name: 'Retomar' }).click();
    await expect.poll(() => item.getAttribute('data-paused')).toBe('false');

    // The secret is never shown again, not even after a reload.
    await page.reload();
    await expect.poll(() => page.locator('li[data-endpoint]').count()).toBe(1);
    expect(await page.locator('#secret').isHidden()).toBe(true);
    expect(await page.content()).not.toContain(secret);
  }, 180_000);

  it('a 400 is explained on the page, naming the field, and nothing is created', async () => {
    const page = await openAs('Admin Acme — Administrador');
    // The schedule of the test above, once the list has loaded.
    await expect.poll(() => page.locator('li.report[data-id]').count()).toBe(1);
    await page.getByLabel('Nome').fill('Para alguém de fora');
    await page.getByLabel('E-mails dos destinatários').fill('alguem@fora.com.br');
    await page.getByRole('button', { name: 'Criar agendamento' }).click();
    await expect.poll(() => page.locator('#form-errors').textContent()).toBe('recipients.emails.0: não é o e-mail de um usuário ativo desta empresa');
    expect(await page.locator('li.report[data-id]').count()).toBe(1);
    expect(await page.getByLabel('Nome').inputValue()).toBe('Para alguém de fora');
  }, 60_000);

  it('a supervisor manages schedules without the webhooks section; a user is told the page is not for them', async () => {
    const supervisor = await openAs('Supervisora Acme — Supervisor');
    await expect.poll(() => supervisor.locator('#app').isVisible()).toBe(true);
    // The admin's schedule (a type open to every profile) is theirs to manage too.
    await expect.poll(() => supervisor.locator('li.report[data-id]').count()).toBe(1);
    expect(await supervisor.getByRole('button', { name: 'Executar agora' }).isVisible()).toBe(true);
    expect(await supervisor.getByLabel('Relatório', { exact: true }).locator('option').count()).toBe(9);
    expect(await supervisor.locator('#endpoints-card').isHidden()).toBe(true);
    const user = await openAs('Operador Acme — Usuário');
    await expect.poll(() => user.locator('#forbidden').isVisible()).toBe(true);
    expect(await user.locator('#app').isHidden()).toBe(true);
  }, 60_000);
});
