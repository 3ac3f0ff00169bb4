// "Agendamentos": the company's report schedules and (admins) webhook endpoints. Plain JS, like app.js.
'use strict';

// Period and month labels come with each type from the catalogue (`valueLabels`).
const STATUS_LABELS = { PROCESSING: 'Processando', READY: 'Pronto', ERROR: 'Erro', PENDING: 'Pendente', DELIVERED: 'Entregue', FAILED: 'Falhou' };
const EVENT_LABELS = { 'report.ready': 'relatório pronto', 'report.failed': 'relatório com erro', 'webhook.test': 'teste' };

const $ = (id) => document.getElementById(id);
const state = { token: sessionStorage.getItem('reports.token'), types: [], endpoints: null, editing: null };

async function api(path, init = {}) {
  const headers = new Headers(init.headers);
  headers.set('Authorization', `Bearer ${state.token}`);
  if (init.body) headers.set('Content-Type', 'application/json');
  return fetch(path, { ...init, headers });
}

const problemOf = async (res) => { try { return await res.json(); } catch { return { detail: `Erro ${res.status}.` }; } };

function showProblems(list, problem) {
  const items = problem.errors?.length ? problem.errors.map((e) => e.message) : [problem.detail ?? 'Erro.'];
  list.replaceChildren(...items.map((m) => el('li', {}, m)));
}

const when = (iso, timeZone) => new Intl.DateTimeFormat('pt-BR', { dateStyle: 'short', timeStyle: 'short', timeZone }).format(new Date(iso));

async function start() {
  if (!state.token) { $('no-token').hidden = false; return; }
  const [schedulesRes, typesRes, endpointsRes] = await Promise.all([api('/api/report-schedules'), api('/api/report-types'), api('/api/webhook-endpoints')]);
  if (schedulesRes.status === 401) { $('no-token').hidden = false; return; }
  if (schedulesRes.status === 403) { $('forbidden').hidden = false; return; }
  state.types = (await typesRes.json()).reportTypes.filter((t) => t.type !== 'ticket_detail');
  state.endpoints = endpointsRes.ok ? (await endpointsRes.json()).endpoints : null; // null: not an admin
  $('app').hidden = false;
  $('endpoints-card').hidden = state.endpoints === null;
  $('s-type').replaceChildren(...state.types.map((t) => el('option', { value: t.type }, t.name)));
  renderPeriods();
  renderCadence();
  renderEndpointChoices();
  renderSchedules((await schedulesRes.json()).schedules);
  renderEndpoints();
}

// ---- The form: type, its period (or month), cadence, recipients. ----
function renderPeriods(selected) {
  const type = state.types.find((t) => t.type === $('s-type').value);
  const months = type?.filtersSchema?.properties?.month?.enum;
  const label = (v) => type.valueLabels[v] ?? v;
  const choices = type?.periods?.length ? type.periods.map((p) => [p, label(p)])
    : months ? months.map((m) => [m, label(m)]) : [];
  $('period-field').hidden = choices.length === 0;
  $('s-period').replaceChildren(...choices.map(([value, label]) => el('option', { value, selected: value === selected }, label)));
}

function renderCadence() {
  $('weekday-field').hidden = $('s-every').value !== 'week';
  $('day-field').hidden = $('s-every').value !== 'month';
}

function renderEndpointChoices(checked = []) {
  const box = $('s-endpoints');
  $('endpoints-field').hidden = !state.endpoints?.length;
  box.replaceChildren(...(state.endpoints ?? []).map((e) => el('label', {},
    el('input', { type: 'checkbox', name: 'endpoint', value: e.id, checked: checked.includes(e.id), style: 'width:auto' }), ` ${e.url}`)));
}

$('s-type').addEventListener('change', () => renderPeriods());
$('s-every').addEventListener('change', renderCadence);

function formBody() {
  const type = state.types.find((t) => t.type === $('s-type').value);
  const choice = $('s-period').value;
  const filters = type?.periods?.length ? { period: choice } : choice ? { month: choice } : {};
  const every = $('s-every').value;
  const cadence = { every, at: $('s-at').value };
  if (every === 'week') cadence.weekday = Number($('s-weekday').value);
  if (every === 'month') cadence.dayOfMonth = Number($('s-day').value);
  const emails = $('s-emails').value.split(/[,;\s]+/).map((s) => s.trim()).filter(Boolean);
  const webhookEndpointIds = [...document.querySelectorAll('#s-endpoints input:checked')].map((i) => i.value);
  return { name: $('s-name').value, type: $('s-type').value, filters, cadence, recipients: { emails, webhookEndpointIds } };
}

$('schedule-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const editing = state.editing;
  const res = await api(editing ? `/api/report-schedules/${editing}` : '/api/report-schedules', {
    method: editing ? 'PATCH' : 'POST', body: JSON.stringify(formBody()),
  });
  if (!res.ok) { showProblems($('form-errors'), await problemOf(res)); return; }
  $('form-errors').replaceChildren();
  resetForm();
  await refresh();
});

function resetForm() {
  state.editing = null;
  $('schedule-form').reset();
  $('form-title').textContent = 'Novo agendamento';
  $('save').textContent = 'Criar agendamento';
  $('cancel-edit').hidden = true;
  renderPeriods();
  renderCadence();
  renderEndpointChoices();
}
$('cancel-edit').addEventListener('click', resetForm);

function edit(s) {
  state.editing = s.id;
  $('s-name').value = s.name;
  $('s-type').value = s.type;
  renderPeriods(s.filters.period ?? s.filters.month);
  $('s-every').value = s.cadence.every;
  $('s-at').value = s.cadence.at;
  if (s.cadence.weekday) $('s-weekday').value = String(s.cadence.weekday);
  if (s.cadence.dayOfMonth) $('s-day').value = String(s.cadence.dayOfMonth);
  renderCadence();
  $('s-emails').value = s.recipients.emails.join(', ');
  renderEndpointChoices(s.recipients.webhookEndpointIds);
  $('form-title').textContent = `Editar: ${s.name}`;
  $('save').textContent = 'Salvar alterações';
  $('cancel-edit').hidden = false;
  $('s-name').focus();
}

// ---- The list of schedules. ----
async function refresh() {
  const res = await api('/api/report-schedules');
  if (res.ok) renderSchedules((await res.json()).schedules);
}

function renderSchedules(schedules) {
  $('empty').hidden = schedules.length > 0;
  $('schedules').replaceChildren(...schedules.map(scheduleItem));
}

function scheduleItem(s) {
  const last = s.lastRun
    ? el('span', {}, 'Última execução: ', el('span', { class: `badge ${s.lastRun.status}` }, STATUS_LABELS[s.lastRun.status] ?? s.lastRun.status),
      ` ${when(s.lastRun.at, s.timezone)}`)
    : 'Ainda não executado';
  const next = s.paused ? 'Pausado' : s.nextRunAt[0] ? `Próxima: ${when(s.nextRunAt[0], s.timezone)}` : '';
  const deliveries = el('ul', { class: 'deliveries', hidden: true });
  const item = el('li', { class: 'report', 'data-id': s.id, 'data-paused': String(s.paused) },
    el('div', {},
      el('h3', {}, s.name, s.paused ? el('span', { class: 'badge EXPIRED' }, 'Pausado') : null),
      el('div', { class: 'meta' }, `${s.typeName} · ${s.cadenceText} · ${describeFilters(s)}`),
      el('div', { class: 'meta next' }, next),
      el('div', { class: 'meta last' }, last),
      el('p', { class: 'error', role: 'alert' })),
    el('div', { class: 'actions' },
      el('button', { type: 'button', onclick: () => runNow(s, item) }, 'Executar agora'),
      el('button', { type: 'button', onclick: () => setPaused(s, !s.paused, item) }, s.paused ? 'Retomar' : 'Pausar'),
      el('button', { type: 'button', 'aria-expanded': 'false', onclick: (e) => toggleDeliveries(s, deliveries, e.currentTarget) }, 'Entregas'),
      el('button', { type: 'button', onclick: () => edit(s) }, 'Editar'),
      el('button', { type: 'button', onclick: () => remove(s) }, 'Excluir')),
    deliveries);
  return item;
}

function describeFilters(s) {
  const f = s.filters;
  const labels = state.types.find((t) => t.type === s.type)?.valueLabels ?? {};
  const chosen = f.period ?? f.month;
  return chosen ? labels[chosen] ?? chosen : f.from ? `${f.from} a ${f.to}` : '';
}

async function runNow(s, item) {
  const res = await api(`/api/report-schedules/${s.id}/run`, { method: 'POST' });
  item.querySelector('.error').textContent = res.ok ? '' : (await problemOf(res)).detail;
  if (!res.ok) return;
  const { id } = await res.json();
  // Follow the run until its report ends (the list shows it as the last run).
  for (let i = 0; i < 60; i++) {
    await refresh();
    const r = await api(`/api/reports/${id}`);
    if (!r.ok || (await r.json()).status !== 'PROCESSING') break;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  await refresh();
}

async function setPaused(s, paused, item) {
  const res = await api(`/api/report-schedules/${s.id}`, { method: 'PATCH', body: JSON.stringify({ paused }) });
  if (!res.ok) { item.querySelector('.error').textContent = (await problemOf(res)).detail; return; }
  await refresh();
}

async function remove(s) {
  if (!confirm(`Excluir o agendamento "${s.name}"? Os relatórios já gerados continuam disponíveis.`)) return;
  await api(`/api/report-schedules/${s.id}`, { method: 'DELETE' });
  await refresh();
}

async function toggleDeliveries(s, list, button) {
  const open = list.hidden;
  list.hidden = !open;
  button.setAttribute('aria-expanded', String(open));
  if (!open) return;
  const res = await api(`/api/report-schedules/${s.id}/deliveries`);
  const { deliveries } = res.ok ? await res.json() : { deliveries: [] };
  list.replaceChildren(...(deliveries.length ? deliveries.map((d) => deliveryItem(d, s.timezone)) : [el('li', {}, 'Nenhuma entrega ainda.')]));
}

function deliveryItem(d, timeZone) {
  return el('li', { 'data-delivery': d.id, 'data-status': d.status },
    `${d.channel === 'email' ? 'E-mail' : 'Webhook'} para ${d.target} · `,
    el('span', { class: `badge ${d.status === 'DELIVERED' ? 'READY' : d.status === 'FAILED' ? 'ERROR' : 'PROCESSING'}` }, STATUS_LABELS[d.status]),
    ` · ${d.attempts} tentativa(s)`, d.deliveredAt ? ` · ${when(d.deliveredAt, timeZone)}` : '', d.lastError ? ` · ${d.lastError}` : '');
}

// ---- Webhook endpoints (admins). ----
function renderEndpoints() {
  if (state.endpoints === null) return;
  $('endpoints').replaceChildren(...state.endpoints.map((e) => {
    const result = el('p', { class: 'meta result', role: 'status' });
    return el('li', { class: 'report', 'data-endpoint': e.id },
      el('div', {}, el('h3', {}, e.url), el('div', { class: 'meta' }, e.events.map((x) => EVENT_LABELS[x] ?? x).join(', ')), result),
      el('div', { class: 'actions' },
        el('button', { type: 'button', onclick: () => sendTest(e, result) }, 'Enviar teste'),
        el('button', { type: 'button', onclick: () => removeEndpoint(e) }, 'Excluir')));
  }));
  renderEndpointChoices([...document.querySelectorAll('#s-endpoints input:checked')].map((i) => i.value));
}

async function reloadEndpoints() {
  const res = await api('/api/webhook-endpoints');
  if (res.ok) state.endpoints = (await res.json()).endpoints;
  renderEndpoints();
}

$('endpoint-form').addEventListener('submit', async (e) => {
  e.preventDefault();
  const events = [...document.querySelectorAll('#endpoint-form input[name=events]:checked')].map((i) => i.value);
  const res = await api('/api/webhook-endpoints', { method: 'POST', body: JSON.stringify({ url: $('e-url').value, events }) });
  if (!res.ok) { showProblems($('endpoint-errors'), await problemOf(res)); return; }
  $('endpoint-errors').replaceChildren();
  const created = await res.json();
  // Shown once: the API never returns it again.
  $('secret').replaceChildren('Guarde este segredo agora: ele não será mostrado novamente.', el('code', {}, created.secret));
  $('secret').hidden = false;
  $('endpoint-form').reset();
  await reloadEndpoints();
});

async function sendTest(endpoint, result) {
  result.textContent = 'Enviando…';
  const res = await api(`/api/webhook-endpoints/${endpoint.id}/test`, { method: 'POST' });
  const d = await res.json();
  result.textContent = res.ok
    ? (d.status === 'DELIVERED' ? 'Teste entregue.' : `Teste não entregue: ${d.lastError ?? 'sem resposta'} (novas tentativas seguem).`)
    : d.detail;
}

async function removeEndpoint(endpoint) {
  if (!confirm(`Excluir o webhook ${endpoint.url}?`)) return;
  await api(`/api/webhook-endpoints/${endpoint.id}`, { method: 'DELETE' });
  $('secret').hidden = true;
  await reloadEndpoints();
}

start();
