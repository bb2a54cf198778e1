// Assets: the data plane's assets, paged; one asset's renditions played
// (HLS through the browser's own player where it has one), its images as
// thumbnails, and its operators' metadata, paged.
import { get } from '../api.js';
import { h, code, fmtTime } from '../dom.js';

const objectURL = (bucket, key) => `/ui/api/objects/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;

export default async function assets(main, [id]) {
  if (id) return asset(main, id);
  const body = h('tbody');
  const more = h('button', { type: 'button' }, 'More');
  main.append(h('h1', {}, 'Assets'), h('div', { class: 'scroll' }, h('table', { class: 'list' },
    h('thead', {}, h('tr', {}, ['Asset', 'Media type', 'Object', 'Created', 'Operators'].map((t) => h('th', { scope: 'col' }, t)))), body)), more);
  let cursor = '';
  const load = async () => {
    const page = await get('/dataplane/metadata?limit=25' + (cursor ? '&cursor=' + encodeURIComponent(cursor) : ''));
    for (const a of page.assets) {
      body.append(h('tr', {}, h('td', { class: 'mono' }, h('a', { href: '#/assets/' + encodeURIComponent(a.asset_id) }, a.asset_id)),
        h('td', {}, a.media_type), h('td', { class: 'mono' }, `${a.s3_bucket}/${a.s3_key}`), h('td', {}, fmtTime(a.created)),
        h('td', {}, a.operators.join(', '))));
    }
    cursor = page.cursor || '';
    more.hidden = !cursor;
  };
  more.onclick = load;
  await load();
}

// player is the element that shows one object: video, audio or image.
function player(m) {
  const url = objectURL(m.s3_bucket, m.s3_key);
  const key = m.s3_key.toLowerCase();
  if (key.endsWith('.m3u8')) {
    const v = h('video', { controls: true, preload: 'metadata', src: url, class: 'media' });
    if (!v.canPlayType('application/vnd.apple.mpegurl')) {
      return h('p', { class: 'muted' }, 'This browser has no HLS player of its own; open the playlist in one that does: ', h('a', { href: url }, m.s3_key));
    }
    return v;
  }
  if (/\.(png|jpe?g|gif|webp)$/.test(key) || m.media_type === 'Image') return h('img', { src: url, alt: `${m.media_type} ${m.s3_key}`, class: 'thumb', loading: 'lazy' });
  if (/\.(mp4|webm|mov|mkv)$/.test(key) || m.media_type === 'Video') return h('video', { controls: true, preload: 'metadata', src: url, class: 'media' });
  if (/\.(mp3|wav|m4a|aac|ogg|flac)$/.test(key) || m.media_type === 'Audio') return h('audio', { controls: true, preload: 'metadata', src: url });
  return h('a', { href: url }, 'Download');
}

async function asset(main, id) {
  const first = await get(`/dataplane/metadata/${encodeURIComponent(id)}?limit=10`);
  const a = first.asset;
  const media = [{ media_type: a.media_type, s3_bucket: a.s3_bucket, s3_key: a.s3_key, operator: 'source' }, ...a.media];
  const meta = h('div', { id: 'metadata' });
  const more = h('button', { type: 'button' }, 'More metadata');
  main.append(h('h1', {}, 'Asset ', h('span', { class: 'mono' }, id)),
    h('p', {}, h('a', { href: '#/executions?asset=' + encodeURIComponent(id) }, 'Executions of this asset')),
    h('h2', {}, 'Renditions'),
    h('div', { class: 'renditions' }, media.map((m) => h('figure', {}, player(m),
      h('figcaption', {}, `${m.media_type} · ${m.operator || ''} · `, h('span', { class: 'mono' }, m.s3_key))))),
    h('h2', {}, 'Metadata'), meta, more);
  let page = first;
  const show = (p) => {
    for (const m of p.metadata || []) {
      meta.append(h('details', {}, h('summary', {}, `${m.OperatorName} · page ${m.Page}${m.Final ? ' (final)' : ''}`), code(m.Results || m.Ref)));
    }
    more.hidden = !p.cursor;
  };
  more.onclick = async () => { page = await get(`/dataplane/metadata/${encodeURIComponent(id)}?limit=10&cursor=${encodeURIComponent(page.cursor)}`); show(page); };
  show(first);
  if (!(first.metadata || []).length) meta.append(h('p', { class: 'muted' }, 'No metadata stored.'));
}
