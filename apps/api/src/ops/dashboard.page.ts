/**
 * The dashboard page: plain HTML, a little CSS and a small script that renders each snapshot the
 * server pushes over Server-Sent Events (text only: no markup from data ever reaches the page).
 */
export const DASHBOARD_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>AutoCall · live</title>
<style>
  :root { --ink: #1c2430; --muted: #6b7684; --line: #e3e7ec; --bg: #f6f7f9; --card: #fff;
          --busy: #2f6fdf; --reserved: #f0a020; --free: #37a36b; --warn: #d9534f; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: var(--bg); }
  header { display: flex; align-items: baseline; gap: 16px; padding: 12px 20px; background: var(--ink); color: #fff; }
  header h1 { margin: 0; font-size: 18px; }
  header .status { color: #b9c3cf; font-size: 13px; }
  header a { color: #9cc3ff; margin-left: auto; }
  main { padding: 16px 20px; display: grid; gap: 16px; }
  .tenant { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
  .tenant h2 { margin: 0 0 10px; font-size: 16px; }
  .row { display: grid; grid-template-columns: repeat(auto-fit, minmax(280px, 1fr)); gap: 16px; }
  h3 { margin: 0 0 6px; font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: var(--muted); }
  .bar { display: flex; height: 14px; border-radius: 7px; overflow: hidden; background: var(--line); }
  .bar span { display: block; height: 100%; }
  .figures { display: flex; gap: 14px; flex-wrap: wrap; margin-top: 6px; }
  .figure b { font-size: 20px; display: block; font-variant-numeric: tabular-nums; }
  .figure small { color: var(--muted); }
  table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
  th, td { text-align: left; padding: 3px 6px; border-bottom: 1px solid var(--line); white-space: nowrap; }
  th { font-weight: 600; color: var(--muted); font-size: 12px; }
  td.n, th.n { text-align: right; }
  .progress { min-width: 120px; }
  .warn { color: var(--warn); }
  .dot { display: inline-block; width: 9px; height: 9px; border-radius: 50%; margin-right: 4px; }
  .charts { display: flex; flex-wrap: wrap; gap: 12px; margin-bottom: 8px; }
  figure.chart { margin: 0; }
  figure.chart figcaption { font-size: 12px; color: var(--muted); }
  figure.chart figcaption b { color: var(--ink); font-variant-numeric: tabular-nums; }
  svg.chart { display: block; background: var(--bg); border-radius: 4px; }
  h4 { margin: 6px 0 4px; font-size: 13px; }
</style>
</head>
<body>
<header><h1>AutoCall · live</h1><span class="status" id="status">connecting…</span><a href="/admin/queues">Bull Board</a></header>
<main id="tenants"></main>
<script>
(() => {
  const $ = (tag, attrs = {}, ...children) => {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) k === 'style' ? (el.style.cssText = v) : el.setAttribute(k, v);
    for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return el;
  };
  const pct = (x) => (x === null || x === undefined ? '–' : (100 * x).toFixed(1) + ' %');
  const figure = (value, label, cls = '') => $('div', { class: 'figure ' + cls }, $('b', {}, value), $('small', {}, label));
  const bar = (parts, total) =>
    $('div', { class: 'bar', title: parts.map((p) => p[1] + ' ' + p[0]).join(', ') },
      ...parts.map(([, n, color]) => $('span', { style: 'width:' + (total ? (100 * n) / total : 0) + '%;background:' + color })));
  const table = (head, rows) =>
    $('table', {}, $('thead', {}, $('tr', {}, ...head.map((h) => $('th', { class: h.n ? 'n' : '' }, h.t)))),
      $('tbody', {}, ...rows.map((r) => $('tr', {}, ...r.map((c, i) => $('td', { class: head[i].n ? 'n' : '' }, c))))));

  // Pacing charts: the pools' samples of the last hour, fetched every few seconds (not every push).
  let pacing = { pools: [] };
  const loadPacing = () =>
    fetch('/admin/dashboard/pacing', { credentials: 'same-origin' })
      .then((r) => (r.ok ? r.json() : null))
      .then((p) => { if (p) pacing = p; })
      .catch(() => undefined);
  const svg = (tag, attrs = {}, ...children) => {
    const el = document.createElementNS('http://www.w3.org/2000/svg', tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
    for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return el;
  };
  const MODE_COLORS = { predictive: 'var(--busy)', progressive: 'var(--free)', stopped: 'var(--line)' };
  // One series over the hour: a line, dashed reference lines (cap, target), the mode as a strip below.
  function chart(name, pool, value, options) {
    const W = 280, H = 96, P = 4, STRIP = options.modes ? 6 : 0;
    // The hour, or as much of it as the pool has paced.
    const to = Date.now(), from = Math.min(to - 60000, Math.max(to - 3600000, pool.samples.length ? pool.samples[0].at : to));
    const points = pool.samples.filter((x) => value(x) !== null);
    const refs = options.refs || [];
    const top = Math.max(options.min || 0, ...points.map(value), ...refs.map((r) => r.value * 1.15)) || 1;
    const x = (at) => P + ((at - from) / (to - from)) * (W - 2 * P);
    const y = (v) => H - STRIP - P - (v / top) * (H - STRIP - 2 * P);
    const chartSvg = svg('svg', { class: 'chart', 'data-series': options.series, viewBox: '0 0 ' + W + ' ' + H, width: W, height: H });
    for (const r of refs)
      chartSvg.append(svg('line', { x1: P, x2: W - P, y1: y(r.value), y2: y(r.value), style: 'stroke:' + r.color, 'stroke-dasharray': '4 3' }, svg('title', {}, r.label)));
    if (options.modes)
      pool.samples.forEach((sample, i) => {
        const next = pool.samples[i + 1];
        chartSvg.append(svg('rect', { x: x(sample.at), y: H - STRIP, width: Math.max(1, (next ? x(next.at) : W - P) - x(sample.at)), height: STRIP, style: 'fill:' + (MODE_COLORS[sample.mode] || 'var(--line)') }, svg('title', {}, sample.mode)));
      });
    chartSvg.append(svg('polyline', { fill: 'none', style: 'stroke: var(--ink)', 'stroke-width': 1.5,
      points: points.map((p) => x(p.at).toFixed(1) + ',' + y(value(p)).toFixed(1)).join(' ') }));
    const last = points[points.length - 1];
    return $('figure', { class: 'chart' }, $('figcaption', {}, name + ' ', $('b', {}, last ? options.format(value(last)) : '–')), chartSvg);
  }
  function renderPacing(t) {
    const pools = pacing.pools.filter((p) => p.tenantId === t.id);
    if (!pools.length) return '';
    return $('section', { class: 'pacing' }, $('h3', {}, 'Pacing, last hour'),
      ...pools.map((pool) => $('div', { 'data-pool': pool.skill },
        $('h4', {}, pool.skill + ' · since ' + new Date(Math.max(Date.now() - 3600000, pool.samples[0].at)).toLocaleTimeString()),
        $('div', { class: 'charts' },
          chart('occupancy', pool, (s) => s.occupancy, { series: 'occupancy', min: 1, format: pct }),
          chart('abandoned, last hour', pool, (s) => s.abandonRate, { series: 'abandon', format: pct, refs: [
            { value: pool.maxAbandonRate, color: 'var(--warn)', label: 'cap ' + pct(pool.maxAbandonRate) },
            { value: pool.targetAbandonRate, color: 'var(--reserved)', label: 'target ' + pct(pool.targetAbandonRate) }] }),
          chart('dials per minute', pool, (s) => s.dialsPerMinute, { series: 'dials', format: (v) => v.toFixed(1) }),
          chart('risk · mode', pool, (s) => s.alpha, { series: 'risk', format: (v) => (100 * v).toFixed(2) + ' %', modes: true })))));
  }

  function renderTenant(t) {
    const l = t.lines;
    const lines = $('section', {}, $('h3', {}, 'Lines'),
      bar([['in use', l.inUse.outbound + l.inUse.inbound, 'var(--busy)'], ['reserved', l.reserved, 'var(--reserved)'], ['free', l.free, 'var(--free)']], l.capacity),
      $('div', { class: 'figures' }, figure(l.inUse.outbound, 'outbound'), figure(l.inUse.inbound, 'inbound'),
        figure(l.reserved, 'reserved'), figure(l.free, 'free'), figure(l.capacity, 'capacity')));
    const rates = $('section', {}, $('h3', {}, 'Answer and abandon rates'),
      table([{ t: 'window' }, { t: 'dialed', n: 1 }, { t: 'answered', n: 1 }, { t: 'abandoned', n: 1 }, { t: 'answer', n: 1 }, { t: 'abandon', n: 1 }],
        ['1m', '1h', '24h'].map((w) => { const r = t.rates[w]; return [w, r.dialed, r.answered, r.abandoned, pct(r.answerRate), pct(r.abandonRate)]; })));
    const skills = $('section', {}, $('h3', {}, 'Agents and targets by skill'),
      table([{ t: 'skill' }, { t: 'available', n: 1 }, { t: 'reserved', n: 1 }, { t: 'on call', n: 1 }, { t: 'wrap-up', n: 1 }, { t: 'away', n: 1 }, { t: 'held', n: 1 }, { t: 'waiting', n: 1 }],
        t.skills.map((s) => [s.skill, s.agents.available, s.agents.reserved, s.agents.on_call, s.agents.wrap_up, s.agents.unavailable, s.held, s.waiting])));
    const autocalls = $('section', {}, $('h3', {}, 'AutoCalls'),
      t.autocalls.length ? table([{ t: 'AutoCall' }, { t: 'mode' }, { t: 'skill' }, { t: 'progress' }, { t: 'done', n: 1 }, { t: 'live', n: 1 }, { t: 'dispositions' }, { t: 'status' }],
        t.autocalls.map((a) => [a.id.slice(-8), a.mode, a.skill,
          $('div', { class: 'progress' }, bar([['done', a.done, 'var(--free)'], ['live', a.live, 'var(--busy)']], a.targetCount)),
          a.done + ' / ' + a.targetCount, a.live,
          Object.entries(a.dispositions).map(([code, n]) => code + ' ' + n).join(' · '), a.status])) : $('p', {}, 'No AutoCall in the last minute.'));
    const recent = $('section', {}, $('h3', {}, 'Recent contacts'),
      table([{ t: 'when' }, { t: 'number' }, { t: 'skill' }, { t: 'status' }, { t: 'agent' }, { t: 'cause' }],
        t.recent.map((c) => [new Date(c.at).toLocaleTimeString(), c.phoneNumber, c.skill, c.status, c.agentId || '', c.cause || ''])));
    const sim = t.simulation;
    const whatIf = sim ? $('section', { class: 'what-if' },
      $('h3', {}, 'What-if pacing · ' + sim.request.skill + ', ' + sim.request.agents + ' agents, ' + sim.request.hours + ' h · ' + new Date(sim.finishedAt).toLocaleString()),
      table([{ t: 'strategy' }, { t: 'occupancy', n: 1 }, { t: 'abandoned', n: 1 }, { t: 'worst hour', n: 1 }, { t: 'dials per agent-hour', n: 1 }, { t: 'wait p95', n: 1 }],
        sim.result.outcomes.map((o) => [o.strategy, pct(o.occupancy), pct(o.abandonRate), pct(o.worstHourAbandonRate), o.dialsPerAgentHour.toFixed(1), o.waitSeconds.p95.toFixed(1) + ' s']))) : '';
    return $('article', { class: 'tenant', 'data-tenant': t.id }, $('h2', {}, t.name),
      $('div', { class: 'row' }, lines, rates), $('div', { class: 'row' }, skills, autocalls), renderPacing(t), recent, whatIf);
  }

  const status = document.getElementById('status');
  const root = document.getElementById('tenants');
  void loadPacing();
  setInterval(loadPacing, 5000);
  const source = new EventSource('/admin/dashboard/stream');
  source.addEventListener('snapshot', (e) => {
    const snapshot = JSON.parse(e.data);
    root.replaceChildren(...snapshot.tenants.map(renderTenant));
    status.textContent = 'live · ' + new Date(snapshot.at).toLocaleTimeString();
    status.dataset.at = snapshot.at;
  });
  source.addEventListener('problem', (e) => (status.textContent = JSON.parse(e.data).message));
  source.addEventListener('revoked', (e) => {
    source.close();
    status.textContent = JSON.parse(e.data).message + ': reload to sign in again';
  });
  source.onerror = () => (status.textContent = 'reconnecting…');
})();
</script>
</body>
</html>
`;
