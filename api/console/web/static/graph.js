// What a state's node shows: the status of the run of that state in the
// scope on screen (the top level, a Parallel branch, or the Map iteration
// chosen), from the execution's state runs.

// statusOf is one run's status: not-started, running, succeeded, failed,
// caught, aborted, or retried (running or succeeded after a Retry).
export function statusOf(r) {
  switch (r.Status) {
    case 'RUNNING': return r.Retries > 0 ? 'retried' : 'running';
    case 'SUCCEEDED': return r.Retries > 0 ? 'retried' : 'succeeded';
    case 'FAILED': return 'failed';
    case 'CAUGHT': return 'caught';
    case 'ABORTED': return 'aborted';
  }
  return String(r.Status || 'not-started').toLowerCase();
}

export class Scope {
  constructor(nodes) {
    this.nodes = new Map(nodes.map((n) => [n.State, n]));
    this.runs = [];
    this.chosen = new Map(); // Map state -> iteration chosen by the user
  }

  update(runs) {
    this.runs = runs;
    this.byRun = new Map(runs.map((r) => [r.Run, r]));
    this.memo = new Map();
  }

  choose(mapState, slot) { this.chosen.set(mapState, slot); this.memo = new Map(); }

  // shown is the latest run of state in the scope on screen, or null.
  shown(state) {
    if (this.memo.has(state)) return this.memo.get(state);
    const n = this.nodes.get(state);
    let parent = 0;
    let slot = 0;
    if (n && n.Container) {
      const c = this.shown(n.Container);
      if (!c) { this.memo.set(state, null); return null; }
      parent = c.Run;
      slot = this.nodes.get(n.Container).Type === 'Parallel' ? n.Branch : this.slotOf(n.Container, c);
    }
    let best = null;
    for (const r of this.runs) {
      if (r.State === state && (r.Parent || 0) === parent && (r.Slot || 0) === slot && (!best || r.Run > best.Run)) best = r;
    }
    this.memo.set(state, best);
    return best;
  }

  // slotOf is the iteration of Map run m on screen: the user's choice, or
  // the first that failed, or the first still running, or the first.
  slotOf(mapState, m) {
    if (this.chosen.has(mapState)) return this.chosen.get(mapState);
    const slots = this.iterations(m);
    const pick = slots.find((s) => s.status === 'failed') || slots.find((s) => s.status === 'running') || slots[0];
    return pick ? pick.slot : 0;
  }

  // iterations of Map run m: each slot with the worst status of its runs.
  iterations(m) {
    const rank = ['failed', 'aborted', 'running', 'retried', 'caught', 'succeeded'];
    const slots = new Map();
    for (const r of this.runs) {
      if ((r.Parent || 0) !== m.Run) continue;
      const s = r.Slot || 0;
      const st = statusOf(r);
      const was = slots.get(s);
      if (!was || rank.indexOf(st) < rank.indexOf(was)) slots.set(s, st);
    }
    return [...slots.entries()].sort((a, b) => a[0] - b[0]).map(([slot, status]) => ({ slot, status }));
  }

  hasMaps() { return [...this.nodes.values()].some((n) => n.Type === 'Map'); }

  // maps are the Map states on screen that have iterations to choose.
  maps() {
    const out = [];
    for (const n of this.nodes.values()) {
      if (n.Type !== 'Map') continue;
      const m = this.shown(n.State);
      if (!m) continue;
      const slots = this.iterations(m);
      if (slots.length) out.push({ state: n.State, slots, chosen: this.slotOf(n.State, m) });
    }
    return out;
  }
}
