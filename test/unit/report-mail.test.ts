// The words of a schedule's mail and of its cadence: periods and cadences as people read them, markup escaped.
import { describe, expect, it } from 'vitest';
import { periodInWords, reportMail } from '../../src/delivery/report-mail';
import { cadenceInWords, calendarOf } from '../../src/schedules/cadence';

describe('periodInWords', () => {
  it('when the report has days, a single day or a month, then it says them in pt-BR order', () => {
    const at = new Date('2026-11-01T12:00:00Z');
    expect(periodInWords({ from: '2026-10-05', to: '2026-10-11' }, 'America/Sao_Paulo', at)).toBe('05/10/2026 a 11/10/2026');
    expect(periodInWords({ from: '2026-10-31', to: '2026-10-31' }, 'America/Sao_Paulo', at)).toBe('31/10/2026');
    expect(periodInWords({ month: 'previous' }, 'America/Sao_Paulo', at)).toBe('10/2026');
    // 02:30 UTC on 1 November is still October in São Paulo: "previous" is September there.
    expect(periodInWords({ month: 'previous' }, 'America/Sao_Paulo', new Date('2026-11-01T02:30:00Z'))).toBe('09/2026');
  });
});

describe('reportMail', () => {
  const base = {
    name: 'Login/Logout', filters: { from: '2026-10-05', to: '2026-10-11' }, createdAt: new Date('2026-10-12T11:00:00Z'),
    rowCount: 12345, sizeBytes: 2_500_000, expiresAt: new Date('2026-10-13T11:00:05Z'), errorMessage: null,
  };
  const company = { name: 'Loja <b>&</b> Cia', timezone: 'America/Sao_Paulo' };

  it('when READY, then the subject, rows, size and link are there, and the company name is text, not markup', () => {
    const mail = reportMail({ ...base, status: 'READY', downloadUrl: 'https://files.example/x?a=1&b=2' }, company);
    expect(mail.subject).toBe('Relatório Login/Logout pronto — 05/10/2026 a 11/10/2026');
    expect(mail.text).toContain('Linhas: 12.345');
    expect(mail.text).toContain('Tamanho: 2,4 MB');
    expect(mail.text).toContain('Baixar: https://files.example/x?a=1&b=2');
    expect(mail.text).toContain('O link vale até 13/10/2026, 08:00 (24 horas).');
    expect(mail.html).toContain('Loja &lt;b&gt;&amp;&lt;/b&gt; Cia');
    expect(mail.html).not.toContain('<b>&</b>');
    expect(mail.html).toContain('href="https://files.example/x?a=1&amp;b=2"');
  });

  it('when ERROR, then it says so with the message and carries no link', () => {
    const mail = reportMail({ ...base, status: 'ERROR', errorMessage: 'Não foi possível gravar o arquivo.' }, company);
    expect(mail.subject).toBe('Relatório Login/Logout não pôde ser gerado — 05/10/2026 a 11/10/2026');
    expect(mail.text).toContain('Motivo: Não foi possível gravar o arquivo.');
    expect(mail.html).not.toContain('href');
  });
});

describe('cadence', () => {
  it('when a cadence is daily, weekly or monthly, then its words and its Temporal calendar agree', () => {
    expect(cadenceInWords({ every: 'week', weekday: 1, at: '08:00' })).toBe('toda segunda-feira às 08:00');
    expect(cadenceInWords({ every: 'week', weekday: 6, at: '09:15' })).toBe('todo sábado às 09:15');
    expect(cadenceInWords({ every: 'month', dayOfMonth: 1, at: '06:30' })).toBe('todo dia 1 do mês às 06:30');
    expect(cadenceInWords({ every: 'day', at: '23:59' })).toBe('todos os dias às 23:59');
    expect(calendarOf({ every: 'week', weekday: 7, at: '08:05' })).toEqual({ hour: 8, minute: 5, dayOfWeek: 'SUNDAY' });
    expect(calendarOf({ every: 'month', dayOfMonth: 28, at: '00:00' })).toEqual({ hour: 0, minute: 0, dayOfMonth: 28 });
  });
});
