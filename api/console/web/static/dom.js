// Small DOM helpers: elements are built, never parsed from strings.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === undefined || c === null || c === false) continue;
    el.append(c instanceof Node ? c : String(c));
  }
  return el;
}

export const fmtTime = (t) => (t && !t.startsWith('0001') ? new Date(t).toLocaleString() : '');

export function duration(a, b) {
  if (!a || a.startsWith('0001')) return '';
  const end = b && !b.startsWith('0001') ? new Date(b) : new Date();
  const ms = end - new Date(a);
  if (ms < 1000) return ms + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(1) + ' s';
  return Math.floor(ms / 60000) + ' min ' + Math.round((ms % 60000) / 1000) + ' s';
}

export const pretty = (v) => {
  if (v === undefined || v === null) return '';
  try { return JSON.stringify(typeof v === 'string' ? JSON.parse(v) : v, null, 2); } catch { return String(v); }
};

export function badge(status) {
  return h('span', { class: 'badge', 'data-badge': String(status || '').toLowerCase() }, status || '—');
}

export function notice(msg, kind = 'info') {
  const n = document.getElementById('notice');
  n.textContent = msg || '';
  n.dataset.kind = kind;
}

export function table(headers, rows, caption) {
  return h('div', { class: 'scroll' },
    h('table', {}, caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, headers.map((x) => h('th', { scope: 'col' }, x)))),
      h('tbody', {}, rows)));
}

export const code = (v) => h('pre', { class: 'json', tabindex: '0' }, pretty(v));
