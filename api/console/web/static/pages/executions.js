// Executions: filtered by status, machine, asset and creation time; paged
// newest first; the page on screen updates live.
import { get, live } from '../api.js';
import { h, badge, fmtTime, notice } from '../dom.js';

const STATUSES = ['', 'RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'Queued', 'Started', 'Waiting', 'Resumed', 'Complete', 'Error'];

function field(label, input) {
  return h('label', { class: 'field' }, h('span', {}, label), input);
}

const toRFC3339 = (v) => (v ? new Date(v).toISOString().replace(/\.\d{3}Z$/, 'Z') : '');

export default async function executions(main, _args, params = new URLSearchParams()) {
  const status = h('select', { name: 'status' }, STATUSES.map((s) => h('option', { value: s }, s || 'any')));
  const machine = h('input', { name: 'machine', list: 'machine-names', placeholder: 'any' });
  const asset = h('input', { name: 'asset', placeholder: 'any' });
  const since = h('input', { name: 'since', type: 'datetime-local' });
  const until = h('input', { name: 'until', type: 'datetime-local' });
  const names = h('datalist', { id: 'machine-names' });
  for (const [k, el] of [['status', status], ['machine', machine], ['asset', asset]]) if (params.get(k)) el.value = params.get(k);
  const form = h('form', { class: 'filters', role: 'search', 'aria-label': 'Filter executions' },
    field('Status', status), field('Machine', machine), field('Asset', asset),
    field('Created from', since), field('Created before', until), h('button', { type: 'submit' }, 'Filter'), names);
  const body = h('tbody');
  const prev = h('button', { type: 'button', disabled: true }, '← Newer');
  const next = h('button', { type: 'button', disabled: true }, 'Older →');
  const count = h('span', { class: 'muted', 'aria-live': 'polite' });
  main.append(h('h1', {}, 'Executions'), form,
    h('div', { class: 'scroll' }, h('table', { class: 'list' },
      h('caption', { class: 'sr-only' }, 'Executions, newest first'),
      h('colgroup', {}, h('col', { class: 'w-name' }), h('col', { class: 'w-machine' }), h('col', { class: 'w-status' }),
        h('col', { class: 'w-time' }), h('col', { class: 'w-time' }), h('col', { class: 'w-asset' })),
      h('thead', {}, h('tr', {}, ['Execution', 'Machine', 'Status', 'Created', 'Ended', 'Asset'].map((t) => h('th', { scope: 'col' }, t)))),
      body)),
    h('div', { class: 'pager' }, prev, next, count));

  get('/ui/api/machines').then((ms) => names.replaceChildren(...ms.map((m) => h('option', { value: m.Name })))).catch(() => {});

  let cursors = [''];
  let stopLive = () => {};
  const query = () => {
    const q = new URLSearchParams();
    if (status.value) q.set('status', status.value);
    if (machine.value.trim()) q.set('machine', machine.value.trim());
    if (asset.value.trim()) q.set('asset', asset.value.trim());
    if (since.value) q.set('since', toRFC3339(since.value));
    if (until.value) q.set('until', toRFC3339(until.value));
    const c = cursors[cursors.length - 1];
    if (c) q.set('cursor', c);
    return q;
  };
  const render = (page) => {
    body.replaceChildren(...page.Items.map((x) => h('tr', { 'data-id': x.Id },
      h('td', {}, h('a', { href: '#/execution/' + encodeURIComponent(x.Id) }, x.Name || x.Id)),
      h('td', {}, x.Machine ? h('a', { href: `#/machines/${encodeURIComponent(x.Kind)}/${encodeURIComponent(x.Machine)}` }, x.Machine) : ''),
      h('td', {}, badge(x.RunStatus || x.Status)),
      h('td', {}, fmtTime(x.Created)), h('td', {}, fmtTime(x.Ended)), h('td', { class: 'mono' }, x.AssetId))));
    if (!page.Items.length) body.append(h('tr', {}, h('td', { colspan: 6, class: 'muted' }, 'No executions match.')));
    next.disabled = !page.Cursor;
    next.onclick = () => { cursors.push(page.Cursor); load(); };
    prev.disabled = cursors.length < 2;
    count.textContent = `Page ${cursors.length} · ${page.Items.length} shown`;
  };
  const load = () => {
    stopLive();
    stopLive = live('/ui/api/executions/stream?' + query(), (ev, d) => {
      if (ev === 'executions') render(d);
      if (ev === 'error') notice(d.Message, 'error');
    });
  };
  prev.onclick = () => { cursors.pop(); load(); };
  form.addEventListener('submit', (e) => { e.preventDefault(); cursors = ['']; load(); });
  load();
  return () => stopLive();
}
