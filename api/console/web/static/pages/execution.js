// One execution: its graph with every state's status live, Map iterations
// and Parallel branches to move through, a state's run in detail, the
// state runs and the full history, and Stop, Redrive and Resume.
import { api, get, live, ApiError } from '../api.js';
import { h, badge, code, fmtTime, duration, notice, table } from '../dom.js';
import { statusOf, Scope } from '../graph.js';

// detailOf reads the execution, waiting a little for one that was just
// started and that the projection does not show yet.
async function detailOf(id) {
  for (let attempt = 0; ; attempt++) {
    try {
      return await get('/ui/api/executions/' + encodeURIComponent(id));
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404 || attempt >= 20) throw e;
      await new Promise((done) => setTimeout(done, 250));
    }
  }
}

export default async function execution(main, [id]) {
  const detail = await detailOf(id);
  let x = detail.Execution;
  const scope = new Scope(detail.Graph ? detail.Graph.Nodes : []);
  let selected = null; // state name

  const title = h('h1', {}, (x.Run && x.Run.Name) || x.Id);
  const status = h('span', { id: 'execution-status' });
  const facts = h('dl', { class: 'facts' });
  const actions = h('div', { class: 'actions', role: 'group', 'aria-label': 'Execution actions' });
  const graphBox = h('div', { class: 'graph', id: 'graph' });
  const scopes = h('div', { class: 'scopes', 'aria-label': 'Map iterations' });
  const panel = h('aside', { class: 'panel', id: 'state-panel', 'aria-live': 'polite', tabindex: '-1' },
    h('p', { class: 'muted' }, 'Select a state to see its input, output, error, retries and history.'));
  const runsBody = h('tbody');
  const historyBox = h('div', { id: 'history' });

  main.append(h('div', { class: 'head' }, title, status), facts, actions,
    h('section', { class: 'split', 'aria-label': 'Graph' }, h('div', { class: 'graph-col' }, scopes, graphBox), panel),
    h('h2', {}, 'State runs'),
    h('div', { class: 'scroll' }, h('table', { class: 'list', id: 'runs' }, h('thead', {}, h('tr', {},
      ['Run', 'State', 'Type', 'Status', 'Attempt', 'Retries', 'Entered', 'Duration', 'Error'].map((t) => h('th', { scope: 'col' }, t)))), runsBody)),
    h('h2', {}, 'History'), historyBox,
    h('details', {}, h('summary', {}, 'Definition'), code(detail.Definition)));

  // Room for the Map iteration pickers from the start, so that none
  // pushes the graph down when its first iteration arrives.
  if (scope.hasMaps()) scopes.style.minHeight = '3.6em';
  if (detail.Graph) {
    graphBox.innerHTML = detail.Graph.Svg; // laid out and escaped by the server
    graphBox.addEventListener('click', (e) => { const g = e.target.closest('g.state'); if (g) pick(g.dataset.state); });
    graphBox.addEventListener('keydown', (e) => {
      const g = e.target.closest('g.state');
      if (g && (e.key === 'Enter' || e.key === ' ')) { e.preventDefault(); pick(g.dataset.state); }
    });
  } else {
    graphBox.append(h('p', { class: 'muted' }, detail.GraphError || 'No graph.'));
  }

  const paint = () => {
    const runs = (x.Run && x.Run.States) || [];
    scope.update(runs);
    for (const g of graphBox.querySelectorAll('g.state')) {
      const r = scope.shown(g.dataset.state);
      const st = r ? statusOf(r) : 'not-started';
      if (g.dataset.status !== st) g.dataset.status = st;
      g.dataset.run = r ? r.Run : '';
      g.setAttribute('aria-label', `${g.dataset.state} (${g.dataset.type}): ${st}`);
      g.classList.toggle('selected', g.dataset.state === selected);
    }
    renderScopes();
    renderHead();
    runsBody.replaceChildren(...runs.map((r) => h('tr', { 'data-run': r.Run },
      h('td', {}, r.Run), h('td', {}, h('button', { class: 'link', onclick: () => pick(r.State, r.Run) }, r.State)), h('td', {}, r.Type),
      h('td', {}, badge(statusOf(r))), h('td', {}, r.Attempt || ''), h('td', {}, r.Retries || ''),
      h('td', {}, fmtTime(r.Entered)), h('td', {}, duration(r.Entered, r.Ended)), h('td', {}, r.Error || ''))));
  };

  const renderScopes = () => {
    const maps = scope.maps();
    scopes.replaceChildren(...maps.map((m) => {
      const sel = h('select', { 'aria-label': `Iteration of ${m.state}`, 'data-map': m.state,
        onchange: (e) => { scope.choose(m.state, Number(e.target.value)); paint(); } },
      m.slots.map((s) => h('option', { value: s.slot, selected: s.slot === m.chosen }, `#${s.slot} · ${s.status}`)));
      return h('label', { class: 'field' }, h('span', {}, `${m.state}: iteration`), sel);
    }));
  };

  const renderHead = () => {
    const rs = x.Run ? x.Run.Status : x.Status;
    status.replaceChildren(badge(rs));
    facts.replaceChildren(
      ...[['Id', x.Id], ['Machine', (x.Run && x.Run.StateMachine && x.Run.StateMachine.Name) || x.Workflow.Name],
        ['MIE status', x.Status], ['Created', fmtTime(x.Created)], ['Started', fmtTime(x.Started)], ['Ended', fmtTime(x.Ended)],
        ['Asset', x.AssetId], ['Error', x.Error], ['Cause', x.Cause], ['Redrives', x.Run && x.Run.RedriveCount]]
        .filter(([, v]) => v).flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, String(v))]));
    const running = x.Run ? ['RUNNING', 'QUEUED'].includes(x.Run.Status) : !['Complete', 'Error'].includes(x.Status);
    const redrivable = x.Run && ['FAILED', 'TIMED_OUT', 'ABORTED'].includes(x.Run.Status);
    actions.replaceChildren(
      h('button', { id: 'stop', type: 'button', disabled: !running, onclick: stopIt }, 'Stop'),
      h('button', { id: 'redrive', type: 'button', disabled: !redrivable, onclick: redrive }, 'Redrive'),
      h('button', { id: 'resume', type: 'button', disabled: x.Status !== 'Waiting', onclick: resume }, 'Resume'));
  };

  const act = async (what, fn) => {
    try { await fn(); notice(what + ' sent.'); } catch (e) { notice(`${what}: ${e.message}`, 'error'); }
  };
  const stopIt = () => act('Stop', () => api('DELETE', `/workflow/execution/${encodeURIComponent(x.Id)}?reason=${encodeURIComponent('stopped from the console')}`))
    .then(() => watch());
  const redrive = () => act('Redrive', () => api('POST', `/ui/api/executions/${encodeURIComponent(x.Id)}/redrive`)).then(() => watch());
  const resume = () => act('Resume', () => api('PUT', `/workflow/execution/${encodeURIComponent(x.Id)}`, { WaitingStageName: x.WaitingStage }))
    .then(() => watch());

  async function pick(state, run) {
    selected = state;
    paint();
    const r = run || Number(graphBox.querySelector(`g.state[data-state="${CSS.escape(state)}"]`)?.dataset.run || 0);
    if (!r) { panel.replaceChildren(h('h2', {}, state), h('p', { class: 'muted' }, 'Not started in this scope.')); return; }
    try {
      const d = await get(`/ui/api/executions/${encodeURIComponent(x.Id)}/runs/${r}`);
      panel.replaceChildren(...statePanel(d).filter(Boolean));
    } catch (e) { panel.replaceChildren(h('p', { class: 'error' }, e.message)); }
  }

  let lastHistory = -1;
  const loadHistory = async () => {
    if (x.Version === lastHistory) return;
    lastHistory = x.Version;
    const hs = await get(`/workflow/execution/${encodeURIComponent(x.Id)}/history`);
    historyBox.replaceChildren(table(['#', 'Time', 'Type', 'Data'], hs.map((e, i) => h('tr', {},
      h('td', {}, i), h('td', {}, fmtTime(e.time)), h('td', {}, e.type), h('td', {}, h('code', { class: 'clip' }, JSON.stringify(e.data)))))));
  };

  let stopLive = () => {};
  let historyTimer = 0;
  function watch() {
    stopLive();
    stopLive = live(`/ui/api/executions/${encodeURIComponent(x.Id)}/stream`, (ev, d) => {
      if (ev === 'execution') {
        x = d;
        paint();
        clearTimeout(historyTimer);
        historyTimer = setTimeout(() => loadHistory().catch(() => {}), 300);
      }
      if (ev === 'error') notice(d.Message, 'error');
    });
  }
  paint();
  loadHistory().catch((e) => notice(e.message, 'error'));
  watch();
  return () => { stopLive(); clearTimeout(historyTimer); };
}

function statePanel(d) {
  const r = d.Run;
  return [
    h('h2', { id: 'state-name' }, r.State),
    h('dl', { class: 'facts' }, ...[['Type', r.Type], ['Status', statusOf(r)], ['Run', r.Run], ['Visit', r.Visit],
      ['Attempt', r.Attempt], ['Retries', r.Retries || 0], ['Entered', fmtTime(r.Entered)], ['Ended', fmtTime(r.Ended)],
      ['Duration', duration(r.Entered, r.Ended)], ['Function', r.Function], ['Error', r.Error], ['Cause', r.Cause]]
      .filter(([, v]) => v !== undefined && v !== '').flatMap(([k, v]) => [h('dt', {}, k), h('dd', { 'data-fact': k }, String(v))])),
    h('h3', {}, 'Input'), h('pre', { class: 'json', id: 'state-input', tabindex: '0' }, pretty(d.Input)),
    h('h3', {}, 'Output'), h('pre', { class: 'json', id: 'state-output', tabindex: '0' }, pretty(d.Output)),
    d.Attempts.length ? h('h3', {}, 'Attempts') : null,
    d.Attempts.length ? table(['#', 'Scheduled', 'Ended', 'Error', 'Retry after'], d.Attempts.map((a) => h('tr', {},
      h('td', {}, a.Attempt), h('td', {}, fmtTime(a.Scheduled)), h('td', {}, fmtTime(a.Ended)),
      h('td', {}, [a.Error, a.Cause].filter(Boolean).join(': ')), h('td', {}, a.RetryDelayMs ? a.RetryDelayMs + ' ms' : ''))), 'Task attempts') : null,
    h('h3', {}, 'History rows'),
    table(['#', 'Time', 'Type', 'Data'], d.History.map((e) => h('tr', {}, h('td', {}, e.Index), h('td', {}, fmtTime(e.Time)),
      h('td', {}, e.Type), h('td', {}, h('code', { class: 'clip' }, JSON.stringify(e.Data)))))),
  ];
}

function pretty(v) {
  if (v === undefined || v === null) return '—';
  return JSON.stringify(v, null, 2);
}
