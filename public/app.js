// The reports page: the reference client of the reports API (plain JS, no build step).
'use strict';

const CATEGORIES = [
  'Faturamento e Recursos', 'Atendimento e Suporte', 'Gestão de Tickets', 'API e Integrações',
];
// Labels, the longest period, option sources and the filter that replaces the dates come with each type
// from the catalogue (GET /api/report-types): the page keeps no list of its own per type.
const STATUS_LABELS = { PROCESSING: 'Processando', READY: 'Pronto', ERROR: 'Erro', EXPIRED: 'Expirado' };

const $ = (id) => document.getElementById(id);
const state = { token: null, me: null, types: [], options: null, reports: new Map(), selected: null, source: null, timer: null, downloads: new Map() };

async function api(path, init = {}) {
  const headers = new Headers(init.headers);
  if (state.token) headers.set('Authorization', `Bearer ${state.token}`);
  if (init.body) headers.set('Content-Type', 'application/json');
  const res = await fetch(path, { ...init, headers });
  if (res.status === 401 && state.token) logout();
  return res;
}

async function problemOf(res) {
  try { return await res.json(); } catch { return { detail: `Erro ${res.status}.` }; }
}

// ---- Token: the platform passes one (fragment #access_token=…), or the dev picker signs one. ----
async function start() {
  const fragment = new URLSearchParams(location.hash.slice(1));
  const passed = fragment.get('access_token');
  if (passed) {
    sessionStorage.setItem('reports.token', passed);
    history.replaceState(null, '', location.pathname + location.search);
  }
  const token = passed ?? sessionStorage.getItem('reports.token');
  if (token) return enter(token);
  showLogin();
}

async function showLogin() {
  $('app').hidden = true;
  $('login').hidden = false;
  $('who').replaceChildren();
  const res = await fetch('/dev/demo-users').catch(() => null);
  if (!res || !res.ok) {
    // No demo login here (a real database or secret): nothing to pick, only the way in.
    $('login-title').textContent = 'Acesso pela plataforma';
    $('login-demo-note').hidden = true;
    $('login-error').textContent = 'Sem token: abra esta página pela plataforma.';
    $('login-form').hidden = true;
    return;
  }
  const { users } = await res.json();
  const profiles = { admin: 'Administrador', supervisor: 'Supervisor', user: 'Usuário' };
  const groups = new Map();
  for (const u of users) {
    if (!groups.has(u.companyId)) groups.set(u.companyId, el('optgroup', { label: u.companyName }));
    groups.get(u.companyId).append(el('option', { value: u.id }, `${u.name} — ${profiles[u.profile] ?? u.profile}`));
  }
  $('demo-user').replaceChildren(...groups.values());
  $('demo-user').focus();
}

$('login-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const res = await fetch('/dev/token', {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ userId: Number($('demo-user').value) }),
  });
  if (!res.ok) { $('login-error').textContent = (await problemOf(res)).detail; return; }
  const { token } = await res.json();
  sessionStorage.setItem('reports.token', token);
  enter(token);
});

function logout() {
  state.token = null;
  sessionStorage.removeItem('reports.token');
  state.source?.close();
  clearInterval(state.timer);
  state.reports.clear();
  announceSession(false);
  showLogin();
}

async function enter(token) {
  state.token = token;
  const [typesRes, optionsRes] = await Promise.all([api('/api/report-types'), api('/api/report-options')]);
  if (!typesRes.ok || !optionsRes.ok) return;
  state.types = (await typesRes.json()).reportTypes;
  state.options = await optionsRes.json();
  const claims = JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
  const me = state.options.operators.find((o) => String(o.id) === claims.sub);
  $('who').replaceChildren(el('span', {}, me ? me.name : `Usuário ${claims.sub}`),
    el('button', { type: 'button', onclick: logout }, 'Sair'));
  $('login').hidden = true;
  $('app').hidden = false;
  renderCatalogue();
  connectEvents();
  state.timer = setInterval(refreshIfProcessing, 10_000);
  announceSession(true);
}

// ---- Other sections of the page (business-hours.js) start and stop with the session, using these helpers. ----
function announceSession(active) {
  document.dispatchEvent(new CustomEvent('reports:session', { detail: active ? { api, problemOf } : null }));
}

// ---- Catalogue and filter forms, built from the JSON Schema of each type. ----
function renderCatalogue() {
  const box = $('catalogue');
  box.replaceChildren();
  for (const category of CATEGORIES) {
    const types = state.types.filter((t) => t.category === category && t.type !== 'ticket_detail');
    if (!types.length) continue;
    box.append(el('h3', {}, category), el('div', { class: 'types' }, types.map((t) => el('button', {
      type: 'button', class: 'type', 'aria-pressed': 'false', 'data-type': t.type, onclick: () => selectType(t.type),
    }, el('span', { class: 'fmt' }, (t.formats ?? [t.format]).map((f) => f.toUpperCase()).join(' · ')), el('strong', {}, t.name),
    el('span', {}, t.description)))));
  }
}

function selectType(type) {
  const t = state.types.find((x) => x.type === type);
  state.selected = t;
  for (const b of document.querySelectorAll('.type')) b.setAttribute('aria-pressed', String(b.dataset.type === type));
  $('form-title').textContent = t.name;
  $('form-desc').textContent = t.description;
  $('form-error').textContent = '';
  const props = t.filtersSchema.properties ?? {};
  const required = new Set(t.filtersSchema.required ?? []);
  const fields = [];
  if (props.from && props.to) fields.push(dateRange(t, required.has('from')));
  for (const [name, schema] of Object.entries(props)) {
    if (name === 'from' || name === 'to') continue;
    fields.push(fieldFor(t, name, schema, required.has(name)));
  }
  $('fields').replaceChildren(...fields);
  renderFormatChoice(t);
  $('report-form').hidden = false;
  $('fields').querySelector('input, select')?.focus();
}

// ---- File format: the formats the catalogue lists for the type (CSV, or XLSX for Excel). ----
const FORMAT_LABELS = { csv: 'CSV', xlsx: 'XLSX (Excel)', pdf: 'PDF' };

function renderFormatChoice(t) {
  const formats = t.formats ?? [t.format];
  const options = formats.map((f, i) => el('label', { class: 'format-option' },
    el('input', { type: 'radio', name: 'report-format', value: f, checked: i === 0 }), ` ${FORMAT_LABELS[f] ?? f.toUpperCase()}`));
  $('format-choice').replaceChildren(el('legend', {}, 'Formato do arquivo'), ...options, errorSlot('format'));
  $('format-choice').hidden = formats.length < 2;
}

function chosenFormat() {
  return document.querySelector('input[name="report-format"]:checked')?.value;
}

function errorSlot(name) {
  return el('p', { class: 'error field-error', id: `f-${name}-error`, role: 'alert' });
}

function dateRange(t, required) {
  const max = t.maxDays;
  const note = max ? `O período pode ter no máximo ${max} dias (contando a data inicial e a final).` : 'Período de datas, incluindo as duas pontas.';
  const extra = t.periodAlternative ? ` ${t.periodAlternative.hint}` : '';
  const input = (name) => el('div', { class: 'field' },
    el('label', { for: `f-${name}` }, t.filterLabels[name] ?? name),
    el('input', { type: 'date', id: `f-${name}`, name, required, 'aria-describedby': `f-${name}-error period-hint`, oninput: checkRange }),
    errorSlot(name));
  return el('div', { class: 'field' }, el('div', { class: 'row' }, input('from'), input('to')),
    el('p', { class: 'hint', id: 'period-hint' }, note + extra));
}

function fieldFor(t, name, schema, required) {
  const id = `f-${name}`;
  const label = t.filterLabels[name] ?? name;
  const valueLabel = (v) => t.valueLabels[v] ?? v;
  const describedBy = `${id}-error`;
  let control;
  if (schema.type === 'array') {
    const source = t.optionSources[name];
    const choices = source ? state.options[source].map((o) => [o.id, o.name]) : (schema.items?.enum ?? []).map((v) => [v, valueLabel(v)]);
    if (!choices.length && !schema.items?.enum && !source) {
      control = el('input', { id, name, 'data-kind': 'list', placeholder: 'separe por vírgulas', 'aria-describedby': describedBy });
    } else {
      control = el('select', { id, name, multiple: true, 'data-kind': source ? 'ids' : 'enum-list', 'aria-describedby': `${describedBy} ${id}-hint` },
        choices.map(([v, text]) => el('option', { value: v }, text)));
      return el('div', { class: 'field' }, el('label', { for: id }, label), control,
        el('p', { class: 'hint', id: `${id}-hint` }, 'Nenhum selecionado = todos. Use Ctrl/⌘ para escolher vários.'), errorSlot(name));
    }
  } else if (schema.enum) {
    control = el('select', { id, name, required, 'aria-describedby': describedBy },
      required ? null : el('option', { value: '' }, '—'),
      schema.enum.map((v) => el('option', { value: v, selected: v === schema.default }, valueLabel(v))));
  } else if (schema.type === 'boolean') {
    control = el('select', { id, name, 'data-kind': 'boolean', 'aria-describedby': describedBy },
      el('option', { value: '' }, 'Todos'), el('option', { value: 'true' }, 'Sim'), el('option', { value: 'false' }, 'Não'));
  } else if (schema.type === 'integer' && t.optionSources[name]) {
    const replacesDates = t.periodAlternative?.filter === name;
    control = el('select', { id, name, 'data-kind': 'id', 'aria-describedby': describedBy, onchange: replacesDates ? periodToggle : null },
      el('option', { value: '' }, '—'), state.options[t.optionSources[name]].map((o) => el('option', { value: o.id }, o.name)));
  } else {
    control = el('input', { id, name, required, 'data-kind': schema.type === 'integer' ? 'int' : 'text', 'aria-describedby': describedBy });
  }
  return el('div', { class: 'field' }, el('label', { for: id }, label), control, errorSlot(name));
}

// A filter that replaces the period (the type's `periodAlternative`, e.g. a campaign): chosen, the dates go.
function periodToggle(e) {
  const on = e.target.value !== '';
  for (const n of ['from', 'to']) {
    const input = $(`f-${n}`);
    if (input) { input.disabled = on; if (on) { input.value = ''; setFieldError(n, ''); } }
  }
}

function daysBetween(from, to) {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

// Client-side check of the period, the same rules the server applies; returns true when fine.
function checkRange() {
  const from = $('f-from')?.value;
  const to = $('f-to')?.value;
  setFieldError('from', ''); setFieldError('to', '');
  if (!from || !to) return true;
  if (from > to) { setFieldError('from', 'A data inicial deve ser anterior ou igual à data final.'); return false; }
  const max = state.selected?.maxDays;
  if (max && daysBetween(from, to) > max) {
    setFieldError('to', `O período pode ter no máximo ${max} dias; o escolhido tem ${daysBetween(from, to)}.`);
    return false;
  }
  return true;
}

function setFieldError(name, message) {
  const slot = $(`f-${name}-error`);
  const control = $(`f-${name}`);
  if (slot) slot.textContent = message;
  if (control) control.setAttribute('aria-invalid', message ? 'true' : 'false');
  return Boolean(slot);
}

function collectFilters() {
  const filters = {};
  for (const control of $('fields').querySelectorAll('input, select')) {
    if (control.disabled) continue;
    const { name } = control;
    const kind = control.dataset.kind;
    if (control.multiple) {
      const values = [...control.selectedOptions].map((o) => (kind === 'ids' ? Number(o.value) : o.value));
      if (values.length) filters[name] = values;
    } else if (control.value.trim() !== '') {
      const v = control.value.trim();
      if (kind === 'boolean') filters[name] = v === 'true';
      else if (kind === 'id' || kind === 'int') filters[name] = /^\d+$/.test(v) ? Number(v) : v;
      else if (kind === 'list') filters[name] = v.split(',').map((s) => s.trim()).filter(Boolean);
      else filters[name] = v;
    }
  }
  return filters;
}

// Server messages go next to their field (`filters.queueIds.2` → queueIds); the rest above the button.
function showProblem(problem, formError, fieldPrefix = 'filters.') {
  const general = [];
  for (const e of problem.errors ?? []) {
    const field = e.path.startsWith(fieldPrefix) ? e.path.slice(fieldPrefix.length).split('.')[0] : e.path.split('.')[0];
    if (!setFieldError(field, e.message)) general.push(e.message);
  }
  formError.textContent = [problem.detail, ...general].filter(Boolean).join(' ');
}

$('report-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const t = state.selected;
  $('form-error').textContent = '';
  for (const slot of $('fields').querySelectorAll('.field-error')) slot.textContent = '';
  let ok = checkRange();
  const props = t.filtersSchema.properties ?? {};
  for (const name of t.filtersSchema.required ?? []) {
    const control = $(`f-${name}`);
    if (control && !control.disabled && props[name] && control.value === '') { setFieldError(name, 'Campo obrigatório.'); ok = false; }
  }
  if (!ok) { $('form-error').textContent = 'Corrija os campos indicados.'; return; }
  $('generate').disabled = true;
  try {
    const res = await api('/api/reports', { method: 'POST', body: JSON.stringify({ type: t.type, filters: collectFilters(), format: chosenFormat() }) });
    if (!res.ok) return showProblem(await problemOf(res), $('form-error'));
    upsert(await res.json());
  } finally {
    $('generate').disabled = false;
  }
});

$('ticket-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const id = $('ticket-id').value.trim();
  $('ticket-id-error').textContent = '';
  if (!/^[1-9]\d*$/.test(id)) { $('ticket-id-error').textContent = 'Informe o número do ticket.'; return; }
  const res = await api(`/api/tickets/${id}/export`, { method: 'POST' });
  if (!res.ok) {
    const p = await problemOf(res);
    $('ticket-id-error').textContent = [p.detail, ...(p.errors ?? []).map((x) => x.message)].join(' ');
    return;
  }
  upsert(await res.json());
  $('ticket-id').value = '';
});

// ---- The list: SSE snapshot + events, and a refresh every 10 s while anything is processing. ----
function connectEvents() {
  state.source?.close();
  const source = new EventSource(`/api/reports/events?access_token=${encodeURIComponent(state.token)}`);
  state.source = source;
  source.addEventListener('open', () => { $('live').textContent = 'ao vivo'; $('live').className = 'live on'; });
  source.addEventListener('error', () => { $('live').textContent = 'reconectando…'; $('live').className = 'live'; });
  source.addEventListener('snapshot', (e) => {
    state.reports = new Map(JSON.parse(e.data).reports.map((r) => [r.id, r]));
    renderList();
  });
  source.addEventListener('report.created', (e) => upsert(JSON.parse(e.data)));
  source.addEventListener('report.updated', (e) => upsert(JSON.parse(e.data)));
  source.addEventListener('report.deleted', (e) => { state.reports.delete(JSON.parse(e.data).id); renderList(); });
}

async function refreshIfProcessing() {
  if (![...state.reports.values()].some((r) => r.status === 'PROCESSING')) return;
  const res = await api('/api/reports');
  if (!res.ok) return;
  state.reports = new Map((await res.json()).reports.map((r) => [r.id, r]));
  renderList();
}

function upsert(report) {
  state.reports.set(report.id, report);
  renderList();
}

const dateTime = new Intl.DateTimeFormat('pt-BR', { dateStyle: 'short', timeStyle: 'short' });
const number = new Intl.NumberFormat('pt-BR');

function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  if (n < 1024 ** 2) return `${(n / 1024).toFixed(1).replace('.', ',')} KB`;
  return `${(n / 1024 ** 2).toFixed(1).replace('.', ',')} MB`;
}

function formatDay(s) { return /^\d{4}-\d{2}-\d{2}$/.test(s) ? s.split('-').reverse().join('/') : s; }

function filtersSummary(r) {
  const f = r.filters ?? {};
  const t = state.types.find((x) => x.type === r.type);
  const filterLabel = (k) => t?.filterLabels[k] ?? k;
  const valueLabel = (v) => t?.valueLabels[v] ?? v;
  const parts = [];
  if (f.from && f.to) parts.push(`${formatDay(f.from)} a ${formatDay(f.to)}`);
  if (f.month) parts.push(valueLabel(f.month));
  if (f.ticketId) parts.push(`ticket #${f.ticketId}`);
  for (const [k, v] of Object.entries(f)) {
    if (['from', 'to', 'month', 'ticketId'].includes(k) || v === undefined) continue;
    if (Array.isArray(v)) { if (v.length) parts.push(`${filterLabel(k)}: ${v.length <= 3 ? v.map(valueLabel).join(', ') : `${v.length}`}`); } else if (v !== 'all') parts.push(`${filterLabel(k)}: ${valueLabel(v)}`);
  }
  return parts.join(' · ') || 'sem filtros';
}

function timeLeft(expiresAt) {
  const ms = Date.parse(expiresAt) - Date.now();
  if (ms <= 0) return 'link expirado';
  const h = Math.floor(ms / 3_600_000);
  const m = Math.floor((ms % 3_600_000) / 60_000);
  return `link válido por mais ${h ? `${h} h ` : ''}${m} min`;
}

function renderList() {
  const list = [...state.reports.values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
  $('empty').hidden = list.length > 0;
  // Re-rendering must not lose keyboard focus: remember which button of which report had it.
  const active = document.activeElement;
  const item = active?.closest?.('.report');
  const focus = item ? { id: item.dataset.id, label: active.getAttribute('aria-label')?.split(' ')[0] } : null;
  $('reports').replaceChildren(...list.map(renderReport));
  if (focus) {
    const again = [...document.querySelectorAll(`[data-id="${focus.id}"] button`)].find((b) => b.getAttribute('aria-label')?.startsWith(focus.label));
    again?.focus();
  }
}

function renderReport(r) {
  const expired = r.status === 'READY' && (r.expired || (r.expiresAt && Date.parse(r.expiresAt) <= Date.now()));
  const status = expired ? 'EXPIRED' : r.status;
  const meta = [`Pedido por ${r.requestedBy?.name ?? 'usuário removido'}`, dateTime.format(new Date(r.createdAt))];
  const details = [];
  if (r.status === 'READY' && !expired) {
    details.push(`${number.format(r.rowCount ?? 0)} linhas`, formatBytes(r.sizeBytes ?? 0), timeLeft(r.expiresAt));
  }
  if (r.status === 'PROCESSING') {
    details.push(r.progress.percent === null ? `${number.format(r.progress.rows)} linhas processadas…`
      : `${r.progress.percent}% · ${number.format(r.progress.rows)} de ${number.format(r.progress.totalRows ?? 0)} linhas`);
  }
  if (expired) details.push('O link expirou (24 h). Gere o relatório novamente.');
  const download = state.downloads.get(r.id);
  const actions = el('div', { class: 'actions' });
  if (r.status === 'READY' && !expired) {
    actions.append(el('button', { type: 'button', class: 'download', disabled: Boolean(download), 'aria-label': `Baixar ${r.name} (${r.fileName})`,
      onclick: () => downloadReport(r) }, download ? 'Baixando…' : 'Baixar'));
  }
  actions.append(el('button', { type: 'button', 'aria-label': `${r.status === 'PROCESSING' ? 'Cancelar' : 'Excluir'} ${r.name}`,
    onclick: () => removeReport(r) }, r.status === 'PROCESSING' ? 'Cancelar' : 'Excluir'));
  const item = el('li', { class: 'report', 'data-id': r.id, 'data-status': status },
    el('div', {},
      el('h3', {}, r.name, el('span', { class: `badge ${status}` }, STATUS_LABELS[status])),
      el('div', { class: 'meta' }, filtersSummary(r)),
      el('div', { class: 'meta' }, meta.join(' · ')),
      details.length ? el('div', { class: 'meta details' }, details.join(' · ')) : null,
      r.status === 'ERROR' ? el('p', { class: 'error report-error' }, r.error?.message ?? 'Erro na geração do relatório.') : null),
    actions);
  if (r.status === 'PROCESSING') {
    item.append(el('progress', { class: 'bar', max: 100, value: r.progress.percent ?? undefined, 'aria-label': `Progresso de ${r.name}` }));
  }
  if (download) {
    item.append(el('progress', { class: 'bar download-progress', max: download.total || 1, value: download.total ? download.received : undefined,
      'aria-label': `Download de ${r.fileName}` }));
  }
  return item;
}

async function removeReport(r) {
  const verb = r.status === 'PROCESSING' ? 'Cancelar' : 'Excluir';
  if (!confirm(`${verb} o relatório “${r.name}”?`)) return;
  const res = await api(`/api/reports/${r.id}`, { method: 'DELETE' });
  if (res.ok || res.status === 404) { state.reports.delete(r.id); renderList(); }
}

// Streams the file with byte progress (Content-Length), then saves it under the report's file name.
async function downloadReport(r) {
  const progress = { received: 0, total: 0 };
  state.downloads.set(r.id, progress);
  renderList();
  try {
    const res = await api(`/api/reports/${r.id}/download`);
    if (!res.ok) {
      const p = await problemOf(res);
      alert(p.detail ?? `Erro ${res.status} ao baixar.`);
      return;
    }
    progress.total = Number(res.headers.get('Content-Length')) || r.sizeBytes || 0;
    const reader = res.body.getReader();
    const chunks = [];
    let lastPaint = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      progress.received += value.byteLength;
      const bar = document.querySelector(`[data-id="${r.id}"] .download-progress`);
      if (bar && Date.now() - lastPaint > 50) { bar.value = progress.received; lastPaint = Date.now(); }
    }
    const blob = new Blob(chunks, { type: res.headers.get('Content-Type') ?? 'application/octet-stream' });
    const url = URL.createObjectURL(blob);
    const a = el('a', { href: url, download: r.fileName ?? 'relatorio' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  } finally {
    state.downloads.delete(r.id);
    renderList();
  }
}

// Repaint now and then so "time left" and expiry stay true without any event.
setInterval(() => { if (state.token) renderList(); }, 60_000);
start();
