// "Horário de atendimento": admins edit the company's business hours, holidays and first-response target
// (GET/PUT /api/business-hours). A section of its own: app.js announces the session with `reports:session`
// and lends its helpers (`$`, `el`…); nothing of app.js calls into this file.
'use strict';

(() => {
  const DAYS = [['1', 'Segunda'], ['2', 'Terça'], ['3', 'Quarta'], ['4', 'Quinta'], ['5', 'Sexta'], ['6', 'Sábado'], ['7', 'Domingo']];
  const MAX_INTERVALS = 6;

  let session = null;

  document.addEventListener('reports:session', async (e) => {
    session = e.detail;
    const section = $('business-hours');
    section.hidden = true;
    section.replaceChildren();
    if (!session) return;
    const res = await session.api('/api/business-hours');
    // Only admins may change them: the answer's Allow header says whether this user may PUT.
    if (!res.ok || !/\bPUT\b/.test(res.headers.get('Allow') ?? '')) return;
    render(await res.json());
    section.hidden = false;
  });

  function render(settings) {
    const week = el('div', { class: 'bh-week' }, DAYS.map(([day, name]) => dayRow(day, name, settings.week[day] ?? [])));
    const holidays = el('ul', { class: 'bh-holidays', id: 'bh-holidays' }, settings.holidays.map(holidayItem));
    const target = settings.firstResponseTargetSeconds;
    $('business-hours').replaceChildren(
      el('h1', { id: 'bh-title' }, 'Horário de atendimento'),
      el('p', { class: 'muted' }, `Usado pela base de tempo “Horário de atendimento” das Estatísticas de Atendimento: só conta o tempo dentro destes intervalos, fora dos feriados. Horários no fuso da empresa (${settings.timezone}).`),
      el('form', { id: 'bh-form', novalidate: true, onsubmit: save },
        el('fieldset', { class: 'bh-fieldset' }, el('legend', {}, 'Intervalos por dia da semana'),
          el('p', { class: 'hint' }, `Até ${MAX_INTERVALS} intervalos por dia, em ordem (um almoço são dois intervalos). HH:MM; 24:00 vale como fim do dia.`),
          week),
        el('fieldset', { class: 'bh-fieldset' }, el('legend', {}, 'Feriados'),
          el('p', { class: 'hint' }, 'Dias inteiros sem horário de atendimento.'),
          holidays,
          el('button', { type: 'button', onclick: () => { const item = holidayItem(''); $('bh-holidays').append(item); item.querySelector('input').focus(); } }, 'Adicionar feriado')),
        el('div', { class: 'field' },
          el('label', { for: 'bh-target' }, 'Meta de primeira resposta (minutos)'),
          el('input', { id: 'bh-target', type: 'number', min: '0', step: 'any', inputmode: 'decimal', value: target === null ? '' : String(target / 60),
            'aria-describedby': 'bh-target-hint bh-target-error' }),
          el('p', { class: 'hint', id: 'bh-target-hint' }, 'Em branco = sem meta. A coluna “Primeira resposta no prazo” mostra a porcentagem respondida dentro dela.'),
          el('p', { class: 'error field-error', id: 'bh-target-error', role: 'alert' })),
        el('p', { class: 'error', id: 'bh-error', role: 'alert' }),
        el('button', { type: 'submit', class: 'primary', id: 'bh-save' }, 'Salvar horário'),
        el('p', { class: 'bh-status', id: 'bh-status', role: 'status' })));
  }

  function dayRow(day, name, intervals) {
    const list = el('div', { class: 'bh-intervals' }, intervals.map((iv) => intervalRow(name, iv)));
    const add = el('button', { type: 'button', 'aria-label': `Adicionar intervalo na ${name}`, onclick: () => {
      if (list.children.length >= MAX_INTERVALS) return;
      const row = intervalRow(name, ['', '']);
      list.append(row);
      renumber(list, name);
      row.querySelector('input').focus();
    } }, '+ Intervalo');
    return el('div', { class: 'bh-day', 'data-day': day, role: 'group', 'aria-label': name },
      el('span', { class: 'bh-day-name' }, name), list, add, el('p', { class: 'error field-error bh-day-error', role: 'alert' }));
  }

  function intervalRow(dayName, [start, end]) {
    const row = el('div', { class: 'bh-interval' },
      el('input', { class: 'bh-start', value: start, placeholder: '08:00', inputmode: 'numeric', maxlength: '5', size: '5' }),
      el('span', { 'aria-hidden': 'true' }, '–'),
      el('input', { class: 'bh-end', value: end, placeholder: '18:00', inputmode: 'numeric', maxlength: '5', size: '5' }),
      el('button', { type: 'button', class: 'bh-remove', onclick: () => { const list = row.parentElement; row.remove(); renumber(list, dayName); } }, 'Remover'),
      el('p', { class: 'error field-error bh-interval-error', role: 'alert' }));
    queueMicrotask(() => row.parentElement && renumber(row.parentElement, dayName));
    return row;
  }

  // Accessible names follow the position, which changes as intervals are added and removed.
  function renumber(list, dayName) {
    [...list.children].forEach((row, i) => {
      row.querySelector('.bh-start').setAttribute('aria-label', `${dayName}, intervalo ${i + 1}, início`);
      row.querySelector('.bh-end').setAttribute('aria-label', `${dayName}, intervalo ${i + 1}, fim`);
      row.querySelector('.bh-remove').setAttribute('aria-label', `Remover intervalo ${i + 1} de ${dayName}`);
    });
    const add = list.parentElement?.querySelector(':scope > button');
    if (add) add.disabled = list.children.length >= MAX_INTERVALS;
  }

  function holidayItem(day) {
    const item = el('li', { class: 'bh-holiday' },
      el('input', { type: 'date', value: day, 'aria-label': 'Feriado' }),
      el('button', { type: 'button', onclick: () => item.remove() }, 'Remover'),
      el('p', { class: 'error field-error', role: 'alert' }));
    return item;
  }

  // The body, and where each sent value sits on the page, so a 400's path (`week.3.1`) finds its row.
  function collect() {
    const week = {};
    const slots = {};
    for (const dayEl of document.querySelectorAll('.bh-day')) {
      const day = dayEl.dataset.day;
      week[day] = [];
      for (const row of dayEl.querySelectorAll('.bh-interval')) {
        const start = row.querySelector('.bh-start').value.trim();
        const end = row.querySelector('.bh-end').value.trim();
        if (!start && !end) continue; // an untouched new row
        slots[`week.${day}.${week[day].length}`] = row.querySelector('.bh-interval-error');
        week[day].push([start, end]);
      }
      slots[`week.${day}`] = dayEl.querySelector('.bh-day-error');
    }
    const holidays = [];
    for (const item of document.querySelectorAll('.bh-holiday')) {
      const value = item.querySelector('input').value;
      if (!value) continue;
      slots[`holidays.${holidays.length}`] = item.querySelector('.error');
      holidays.push(value);
    }
    const minutes = $('bh-target').value.trim();
    const firstResponseTargetSeconds = minutes === '' ? null : Math.round(Number(minutes) * 60);
    slots.firstResponseTargetSeconds = $('bh-target-error');
    return { body: { week, holidays, firstResponseTargetSeconds }, slots };
  }

  async function save(e) {
    e.preventDefault();
    for (const slot of $('business-hours').querySelectorAll('.field-error')) slot.textContent = '';
    $('bh-error').textContent = '';
    $('bh-status').textContent = '';
    const { body, slots } = collect();
    $('bh-save').disabled = true;
    try {
      const res = await session.api('/api/business-hours', { method: 'PUT', body: JSON.stringify(body) });
      if (!res.ok) {
        const problem = await session.problemOf(res);
        const general = [];
        for (const err of problem.errors ?? []) {
          const text = err.message.startsWith(`${err.path}: `) ? err.message.slice(err.path.length + 2) : err.message;
          const slot = slots[err.path];
          if (slot) slot.textContent = [slot.textContent, text].filter(Boolean).join(' ');
          else general.push(err.message);
        }
        $('bh-error').textContent = [problem.detail, ...general].filter(Boolean).join(' ');
        return;
      }
      render(await res.json());
      $('bh-status').textContent = 'Horário salvo.';
    } finally {
      if ($('bh-save')) $('bh-save').disabled = false;
    }
  }
})();
