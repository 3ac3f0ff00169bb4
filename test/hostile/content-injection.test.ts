// Hostile input 11: content injection. Every CSV type (test/setup/suites/content-injection.ts) neutralises
// formula-like text with a leading `'` and alters nothing else; markup in a message is printed in the PDF
// as the literal text it is; plain identifiers are written as stored.
import { expect, it } from 'vitest';
import { REPORTS } from '../../src/reports';
import { createMarkedTenant } from '../setup/fixtures-tenant';
import { pdfPages } from '../setup/pdf';
import { describeContentInjection } from '../setup/suites/content-injection';

const RANGE = { from: '2026-10-01', to: '2026-10-31' };

describeContentInjection(REPORTS, (t) => {
  it('when a message holds markup, then the PDF prints it as text and runs none of it', async () => {
    const res = await t.api.fetch(`/api/tickets/${t.tenant.ticket}/export`, { method: 'POST' });
    expect(res.status).toBe(202);
    const { id } = (await res.json()) as { id: string };
    await t.api.ready(id);
    const text = (await pdfPages(await t.api.download(id))).join('\n').replace(/\s+/g, ' ');
    expect(text).toContain('<script>alert(1)</script><b>negrito?</b><img src=x onerror=alert(2)> &amp; </p>');
    // The formula-like body is in the PDF as written: no apostrophe there (it is not a spreadsheet).
    expect(text).toContain("-2+3+cmd|' /C calc'!A0 Olá, aqui é FX");
    // A media type named like an object property is printed as its own name, not as code.
    for (const mediaType of ['constructor', '__proto__', 'toString']) expect(text).toContain(`[${mediaType}] anexo ${mediaType}`);
    expect(text).not.toMatch(/function|native code|\[object/);
  });

  it('when machine text is a plain identifier, then it is written exactly as stored', async () => {
    const { sql } = t.stack;
    const plain = await createMarkedTenant(sql, 'ID', '5511944440000');
    await sql`update official_messages set wamid = 'wamid.HBgM-NTUx:1_a' where company_id = ${plain.company.id}`;
    const api = t.api.as({ id: plain.company.admin, companyId: plain.company.id });
    const [, ...rows] = (await api.runCsv('official_messages', RANGE)).rows;
    expect(rows.map((r) => r[0])).toContain('wamid.HBgM-NTUx:1_a');
    expect(rows.flat().some((c) => c.startsWith("'"))).toBe(false);
  });
});
