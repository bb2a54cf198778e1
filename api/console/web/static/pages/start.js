// Start an execution: a state machine (definition and input, checked as
// you type: JSON first, then the States Language through /ui/api/validate,
// with a preview of the graph) or an MIE workflow (POST /workflow/execution).
import { api, get } from '../api.js';
import { h, notice } from '../dom.js';
import { jsonProblem } from '../json.js';

const SAMPLE = { StartAt: 'Hello', States: { Hello: { Type: 'Pass', Result: { hello: 'world' }, End: true } } };

function editor(id, label, value, onInput) {
  const area = h('textarea', { id, class: 'editor', spellcheck: 'false', rows: 14, 'aria-describedby': id + '-status' }, value);
  const status = h('p', { id: id + '-status', class: 'check', 'aria-live': 'polite' });
  let timer = 0;
  area.addEventListener('input', () => { clearTimeout(timer); timer = setTimeout(() => onInput(area.value, status), 200); });
  setTimeout(() => onInput(area.value, status), 0);
  return { area, node: h('div', { class: 'field wide' }, h('label', { for: id }, label), area, status) };
}

function mark(status, problem) {
  status.textContent = problem || 'Valid.';
  status.dataset.valid = problem ? 'false' : 'true';
}

export default async function start(main, args) {
  if (args[0] === 'workflow') return startWorkflow(main, args[1] || '');
  const [machineName = '', from = ''] = args;
  let def = JSON.stringify(SAMPLE, null, 2);
  if (from) {
    const d = await get('/ui/api/executions/' + encodeURIComponent(from)).catch(() => null);
    if (d && d.Definition) def = JSON.stringify(d.Definition, null, 2);
  }
  const machine = h('input', { id: 'machine', required: true, value: machineName || 'console-machine' });
  const name = h('input', { id: 'name', placeholder: 'default: the execution id' });
  const preview = h('div', { class: 'graph', id: 'preview' });
  const defEd = editor('definition', 'Definition (Amazon States Language)', def, async (text, status) => {
    const p = jsonProblem(text);
    if (p) return mark(status, p);
    const v = await api('POST', '/ui/api/validate', { Definition: JSON.parse(text) }).catch((e) => ({ Problems: [{ message: e.message }] }));
    mark(status, v.Valid ? '' : v.Problems.map((x) => (x.location ? x.location + ': ' : '') + x.message).join('\n'));
    if (v.Graph) preview.innerHTML = v.Graph.Svg; // laid out and escaped by the server
  });
  const inEd = editor('input', 'Input (JSON)', '{}', (text, status) => mark(status, jsonProblem(text)));
  const form = h('form', { class: 'start' }, h('label', { class: 'field' }, h('span', {}, 'State machine'), machine),
    h('label', { class: 'field' }, h('span', {}, 'Execution name'), name), defEd.node, inEd.node,
    h('button', { type: 'submit' }, 'Start execution'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const p = jsonProblem(defEd.area.value) || jsonProblem(inEd.area.value);
    if (p) return notice(p, 'error');
    try {
      const x = await api('POST', '/ui/api/runs', { Machine: machine.value.trim(), Name: name.value.trim(),
        Definition: JSON.parse(defEd.area.value), Input: JSON.parse(inEd.area.value) });
      location.hash = '#/execution/' + encodeURIComponent(x.Id);
    } catch (err) { notice(err.message, 'error'); }
  });
  main.append(h('h1', {}, 'Start an execution'),
    h('p', {}, 'Or ', h('a', { href: '#/start/workflow/' }, 'start an MIE workflow'), '.'),
    h('div', { class: 'split' }, form, h('div', {}, h('h2', {}, 'Preview'), preview)));
}

async function startWorkflow(main, wf) {
  const list = await get('/workflow').catch(() => []);
  const sel = h('select', { id: 'workflow' }, list.map((w) => h('option', { value: w.Name, selected: w.Name === wf }, w.Name)));
  const body = editor('wf-input', 'Input (JSON): Media or AssetId, and MetaData',
    JSON.stringify({ Media: { Video: { S3Bucket: 'mie-dataplane', S3Key: 'upload/video.mp4' } } }, null, 2),
    (text, status) => mark(status, jsonProblem(text)));
  const form = h('form', { class: 'start' }, h('label', { class: 'field' }, h('span', {}, 'Workflow'), sel), body.node,
    h('button', { type: 'submit' }, 'Start workflow'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const p = jsonProblem(body.area.value);
    if (p) return notice(p, 'error');
    try {
      const x = await api('POST', '/workflow/execution', { Name: sel.value, Input: JSON.parse(body.area.value) });
      location.hash = '#/execution/' + encodeURIComponent(x.Id);
    } catch (err) { notice(err.message, 'error'); }
  });
  main.append(h('h1', {}, 'Start an MIE workflow'), form);
}
