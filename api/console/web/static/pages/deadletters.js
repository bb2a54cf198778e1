// Dead letters: the dlq topic's records with their reasons; inspect one
// (its original record), replay the ones chosen to where they came from.
import { api, get } from '../api.js';
import { h, code, fmtTime, notice } from '../dom.js';

const pos = (e) => `${e.Position.Partition}:${e.Position.Offset}`;

export default async function deadletters(main) {
  const list = await get('/ui/api/deadletters');
  const inspect = h('aside', { class: 'panel', 'aria-live': 'polite' }, h('p', { class: 'muted' }, 'Choose a dead letter to inspect it.'));
  const checks = [];
  const rows = list.map((e) => {
    const box = h('input', { type: 'checkbox', value: pos(e), disabled: !!e.Replayed, 'aria-label': 'Choose ' + pos(e) });
    checks.push(box);
    return h('tr', {}, h('td', {}, box),
      h('td', {}, h('button', { class: 'link', onclick: () => show(pos(e)) }, pos(e))),
      h('td', {}, fmtTime(e.Time)), h('td', {}, e.Reason), h('td', {}, e.SourceTopic), h('td', {}, e.Type || ''),
      h('td', { class: 'mono' }, e.Key), h('td', {}, e.Replayed ? 'replayed ' + fmtTime(e.Replayed) : ''));
  });
  const replay = h('button', { type: 'button', onclick: async () => {
    const positions = checks.filter((c) => c.checked).map((c) => c.value);
    if (!positions.length) return notice('Choose the dead letters to replay.', 'error');
    try {
      const r = await api('POST', '/ui/api/deadletters/replay', { Positions: positions });
      notice(`Replayed ${(r.Replayed || []).length}, skipped ${(r.Skipped || []).length}, unreplayable ${(r.Unreplayable || []).length}.`);
    } catch (err) { notice(err.message, 'error'); }
  } }, 'Replay chosen');
  async function show(p) {
    try { inspect.replaceChildren(h('h2', {}, 'Dead letter ' + p), code(await get('/ui/api/deadletters/' + encodeURIComponent(p)))); } catch (err) { notice(err.message, 'error'); }
  }
  main.append(h('h1', {}, 'Dead letters'), replay,
    h('div', { class: 'split' }, h('div', { class: 'scroll' }, h('table', { class: 'list' },
      h('thead', {}, h('tr', {}, ['', 'Position', 'Time', 'Reason', 'Source topic', 'Type', 'Key', 'Replay'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, rows.length ? rows : h('tr', {}, h('td', { colspan: 8, class: 'muted' }, 'No dead letters.'))))), inspect));
}
