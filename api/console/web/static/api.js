// The console's one door to the API: every request carries the token set
// in the login box (sessionStorage), as "Authorization: Bearer <token>".
const KEY = 'mie.token';

export const token = {
  get: () => sessionStorage.getItem(KEY) || '',
  set: (t) => (t ? sessionStorage.setItem(KEY, t) : sessionStorage.removeItem(KEY)),
};

function headers(extra = {}) {
  const h = { Accept: 'application/json', ...extra };
  const t = token.get();
  if (t) h.Authorization = 'Bearer ' + t;
  return h;
}

// ApiError carries the API's {Code, Message} body.
export class ApiError extends Error {
  constructor(status, body) {
    super((body && body.Message) || `HTTP ${status}`);
    this.status = status;
    this.code = body && body.Code;
  }
}

export async function api(method, path, body) {
  const init = { method, headers: headers() };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = { Message: text }; }
  if (!res.ok) throw new ApiError(res.status, data);
  return data;
}

export const get = (path) => api('GET', path);

// stream reads Server-Sent Events with fetch (EventSource cannot send the
// Authorization header) and calls on(event, data) for each; it resolves
// when the stream ends and stops when signal aborts.
export async function stream(path, on, signal) {
  const res = await fetch(path, { headers: headers({ Accept: 'text/event-stream' }), signal });
  if (!res.ok) throw new ApiError(res.status, await res.json().catch(() => null));
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    buf += value;
    let i;
    while ((i = buf.indexOf('\n\n')) >= 0) {
      const block = buf.slice(0, i);
      buf = buf.slice(i + 2);
      let event = 'message';
      const data = [];
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data.push(line.slice(6));
      }
      if (data.length) on(event, JSON.parse(data.join('\n')));
    }
  }
}

// live keeps a stream open, reconnecting after a break, until stopped.
export function live(path, on) {
  const ctl = new AbortController();
  (async () => {
    let ended = false;
    while (!ctl.signal.aborted && !ended) {
      try {
        await stream(path, (ev, d) => { if (ev === 'end') ended = true; on(ev, d); }, ctl.signal);
      } catch (e) {
        if (ctl.signal.aborted) return;
        on('error', { Message: e.message });
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  })();
  return () => ctl.abort();
}
