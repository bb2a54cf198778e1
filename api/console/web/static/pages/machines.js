// State machines and MIE workflows: the list, and one machine's definition
// as a graph and as JSON, with its versions, aliases and latest runs.
import { get } from '../api.js';
import { h, badge, code, fmtTime, table } from '../dom.js';

export default async function machines(main, [kind, name]) {
  if (kind && name) return machine(main, kind, name);
  const list = await get('/ui/api/machines');
  main.append(h('h1', {}, 'State machines and workflows'),
    h('p', { class: 'muted' }, 'MIE workflows come from the control plane; state machines are those executions have run.'),
    table(['Name', 'Kind', 'Executions', 'Versions', 'Aliases'], list.map((m) => h('tr', {},
      h('td', {}, h('a', { href: `#/machines/${encodeURIComponent(m.Kind)}/${encodeURIComponent(m.Name)}` }, m.Name)),
      h('td', {}, m.Kind), h('td', {}, m.Executions), h('td', {}, m.Versions.join(', ')), h('td', {}, m.Aliases.join(', '))))));
}

async function machine(main, kind, name) {
  const d = await get(`/ui/api/machines/${encodeURIComponent(kind)}/${encodeURIComponent(name)}`);
  const graph = h('div', { class: 'graph' });
  if (d.Graph) graph.innerHTML = d.Graph.Svg; // laid out and escaped by the server
  else graph.append(h('p', { class: 'muted' }, d.GraphError || 'No graph.'));
  const start = kind === 'StateMachine'
    ? h('a', { class: 'button', href: `#/start/${encodeURIComponent(name)}/${encodeURIComponent(d.Latest || '')}` }, 'Start an execution')
    : h('a', { class: 'button', href: `#/start/workflow/${encodeURIComponent(name)}` }, 'Start this workflow');
  main.append(h('h1', {}, name), h('p', { class: 'muted' }, `${kind} · ${d.Source || ''}`), start,
    d.Versions.length || d.Aliases.length
      ? h('p', {}, `Versions run: ${d.Versions.join(', ') || '—'} · Aliases run: ${d.Aliases.join(', ') || '—'}`) : '',
    h('h2', {}, 'Graph'), graph,
    h('h2', {}, 'Definition'), code(d.Definition),
    d.Workflow ? h('details', {}, h('summary', {}, 'MIE workflow definition'), code(d.Workflow)) : '',
    h('h2', {}, 'Latest executions'),
    table(['Execution', 'Status', 'Created'], d.Recent.map((x) => h('tr', {},
      h('td', {}, h('a', { href: '#/execution/' + encodeURIComponent(x.Id) }, x.Name || x.Id)),
      h('td', {}, badge(x.RunStatus || x.Status)), h('td', {}, fmtTime(x.Created))))));
}
