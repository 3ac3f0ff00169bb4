import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../src/pdf/escape-html';
import { footerTemplate, ticketHtml, type TicketDocument } from '../../src/pdf/ticket-html';

describe('escapeHtml', () => {
  it('when text holds the five HTML-special characters, then each becomes its entity', () => {
    expect(escapeHtml(`& < > " '`)).toBe('&amp; &lt; &gt; &quot; &#39;');
  });

  it('when text is markup, then no tag survives', () => {
    expect(escapeHtml('<script>alert(1)</script>')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(escapeHtml('<img src=x onerror=alert(1)>')).toBe('&lt;img src=x onerror=alert(1)&gt;');
    expect(escapeHtml('</div><div class="x">')).toBe('&lt;/div&gt;&lt;div class=&quot;x&quot;&gt;');
  });

  it('when text already holds an entity, then it is escaped again and shows literally', () => {
    expect(escapeHtml('&lt;b&gt;')).toBe('&amp;lt;b&amp;gt;');
  });

  it('when text is plain (accents, emoji, line breaks), then it is unchanged', () => {
    const text = 'Olá, ação! 🚀👍🏽\nsegunda linha\r\n\tfim';
    expect(escapeHtml(text)).toBe(text);
  });
});

describe('ticketHtml', () => {
  const evil = (name: string) => `<i>${name}</i><script>x()</script>`;
  const doc: TicketDocument = {
    ticket: {
      id: 7, status: evil('status'), direction: evil('direction'), queue: evil('queue'), contract: evil('contract'),
      tags: evil('tags'), whatsapp: evil('whatsapp'), openedAt: evil('openedAt'), closedAt: evil('closedAt'),
    },
    contact: { name: evil('name'), number: evil('number'), email: evil('email') },
    operators: [evil('op1'), evil('op2')],
    attendances: [{ id: 1, queue: evil('aqueue'), operator: evil('aoperator'), openedAt: evil('aopened'), finishedAt: evil('afinished') }],
    messages: [
      { time: evil('t1'), kind: 'customer', operatorName: null, mediaType: evil('media'), body: evil('body1') },
      { time: evil('t2'), kind: 'operator', operatorName: evil('opname'), mediaType: 'chat', body: evil('body2') },
    ],
    timezone: evil('tz'),
    requestedAt: evil('requested'),
  };

  it('when every text field holds markup, then the document has none of it as tags, only as text', () => {
    const html = ticketHtml(doc) + footerTemplate(7, evil('requested'));
    expect(html).not.toMatch(/<i>|<script>/);
    for (const name of ['status', 'queue', 'contract', 'tags', 'name', 'email', 'op1', 'aoperator', 'body1', 'body2', 'opname', 'media', 'tz']) {
      expect(html).toContain(`&lt;i&gt;${name}&lt;/i&gt;`);
    }
  });

  it('when messages come from the customer, an operator and the platform, then each has its sender and its own style', () => {
    const html = ticketHtml({
      ...doc,
      messages: [
        { time: '01/10/2026 09:00:00', kind: 'customer', operatorName: 'Ana', mediaType: 'chat', body: 'a' },
        { time: '01/10/2026 09:00:01', kind: 'operator', operatorName: 'Ana', mediaType: 'image', body: 'foto.jpg' },
        { time: '01/10/2026 09:00:02', kind: 'system', operatorName: null, mediaType: 'chat', body: 'c' },
      ],
    });
    expect(html).toContain('<div class="m c"><div class="h"><b>Cliente</b> · 01/10/2026 09:00:00</div>');
    expect(html).toContain('<div class="m o"><div class="h"><b>Ana</b> · 01/10/2026 09:00:01</div><div class="t"><span class="media">[Imagem]</span>foto.jpg');
    expect(html).toContain('<div class="m s"><div class="h"><b>Sistema</b> · 01/10/2026 09:00:02</div>');
  });
});
