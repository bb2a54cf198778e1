// System: MaxConcurrentWorkflows, active executions, queue depth and
// throughput per topic, projection lag, the GPU pool and segments, the
// functions, triggers and tables.
import { api, get } from '../api.js';
import { h, notice, table } from '../dom.js';

export default async function system(main) {
  const cfgBox = h('section', { class: 'card', 'aria-label': 'Concurrency' });
  const queues = h('section', { class: 'card wide', 'aria-label': 'Queues' });
  const proj = h('section', { class: 'card', 'aria-label': 'Projections' });
  const gpu = h('section', { class: 'card', 'aria-label': 'GPU pool' });
  const segs = h('section', { class: 'card', 'aria-label': 'Segments' });
  const defs = h('section', { class: 'card wide', 'aria-label': 'Functions and triggers' });
  main.append(h('h1', {}, 'System'), h('div', { class: 'cards' }, cfgBox, proj, gpu, segs, queues, defs));

  let before = null;
  const refresh = async () => {
    const s = await get('/ui/api/system');
    const secs = before ? (new Date(s.Time) - new Date(before.Time)) / 1000 : 0;
    const prevEnd = new Map((before ? before.Topics : []).map((t) => [t.Topic, t.End]));
    before = s;
    renderConfig(cfgBox, s);
    queues.replaceChildren(h('h2', {}, 'Queues'), s.TopicsError ? h('p', { class: 'error' }, s.TopicsError) : '',
      table(['Topic', 'Records', 'Depth', 'Records/s', 'Groups'], s.Topics.map((t) => h('tr', {},
        h('td', { class: 'mono' }, t.Topic), h('td', {}, t.End), h('td', {}, t.Depth),
        h('td', {}, secs > 0 && prevEnd.has(t.Topic) ? ((t.End - prevEnd.get(t.Topic)) / secs).toFixed(1) : '…'),
        h('td', { class: 'mono' }, t.Groups.join(', '))))));
    proj.replaceChildren(h('h2', {}, 'Projections'), s.ProjectionsError ? h('p', { class: 'error' }, s.ProjectionsError) : '',
      table(['Projection', 'Backend', 'Lag'], s.Projections.map((p) => h('tr', {}, h('td', {}, p.Name), h('td', {}, p.Backend), h('td', {}, p.Lag)))));
    gpu.replaceChildren(h('h2', {}, 'GPU pool'), s.GPU
      ? h('dl', { class: 'facts' }, h('dt', {}, 'Up'), h('dd', {}, s.GPU.Up ? 'yes' : 'no'),
        ...[['URL', s.GPU.URL], ['Instance', s.GPU.InstanceID], ['Sentinel', s.GPU.Sentinel], ['Reason', s.GPU.Reason]]
          .filter(([, v]) => v).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]))
      : h('p', { class: 'muted' }, 'No GPU pool is configured on this instance.'));
    defs.replaceChildren(h('h2', {}, 'Functions'),
      table(['Name', 'Implementation', 'Timeout (s)'], s.Functions.map((f) => h('tr', {}, h('td', {}, f.Name), h('td', { class: 'mono' }, f.Implementation), h('td', {}, f.TimeoutSeconds || '')))),
      h('h2', {}, 'Upload triggers'),
      table(['Name', 'Workflow', 'Prefix'], s.Triggers.map((t) => h('tr', {}, h('td', {}, t.Name), h('td', {}, t.Workflow || ''), h('td', { class: 'mono' }, t.Prefix || '')))),
      h('h2', {}, 'Tables'), h('p', { class: 'muted' }, 'DynamoDB-style tables are not served by this build.'));
  };
  renderSegments(segs);
  await refresh();
  const timer = setInterval(() => refresh().catch((e) => notice(e.message, 'error')), 3000);
  return () => clearInterval(timer);
}

function renderConfig(box, s) {
  if (box.dataset.ready) {
    box.querySelector('#active').textContent = Object.entries(s.Active).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none';
    return;
  }
  box.dataset.ready = '1';
  const n = h('input', { id: 'max-concurrent', type: 'number', min: 1, value: s.Config.MaxConcurrentWorkflows || '' });
  const form = h('form', {}, h('label', { for: 'max-concurrent' }, 'MaxConcurrentWorkflows'), ' ', n, ' ', h('button', { type: 'submit' }, 'Set'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await api('POST', '/system/configuration', { MaxConcurrentWorkflows: Number(n.value) });
      notice('MaxConcurrentWorkflows set to ' + n.value + '.');
    } catch (err) { notice(err.message, 'error'); }
  });
  box.append(h('h2', {}, 'Concurrency'), form, h('p', {}, 'Active executions: ', h('span', { id: 'active' },
    Object.entries(s.Active).map(([k, v]) => `${k}: ${v}`).join(', ') || 'none')), h('p', { class: 'muted' }, `Workflows defined: ${s.Workflows}.`));
}

function renderSegments(box) {
  const session = h('input', { id: 'session', placeholder: 'session id' });
  const out = h('div');
  const form = h('form', {}, h('label', { for: 'session' }, 'Session'), ' ', session, ' ', h('button', { type: 'submit' }, 'Show segments'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      const list = await get('/segments?sessionId=' + encodeURIComponent(session.value.trim()));
      out.replaceChildren(table(['Segment', 'Window', 'Status'], list.map((s) => h('tr', {},
        h('td', { class: 'mono' }, s.SegmentId || s.Id || ''), h('td', {}, s.WindowIndex ?? ''), h('td', {}, s.ProcessingStatus || s.Status || '')))));
    } catch (err) { out.replaceChildren(h('p', { class: 'error' }, err.message)); }
  });
  box.append(h('h2', {}, 'Segments'), form, out);
}
