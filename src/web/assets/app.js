/* app.js - the dashboard's behaviour: the event stream (live view), the
 * store's tables (results, hardware), charts (uPlot) and compare. Every text
 * from a model, a file name or the store goes in as a text node
 * (textContent), never as HTML. */
'use strict';
(function () {
  const token = new URLSearchParams(location.search).get('token');
  const q = (path, params) => {
    const u = new URLSearchParams(params || {});
    if (token) u.set('token', token);
    const s = u.toString();
    return path + (s ? '?' + s : '');
  };
  const $ = (id) => document.getElementById(id);
  function el(tag, props, ...kids) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props || {})) {
      if (k === 'class') e.className = v;
      else if (k === 'text') e.textContent = v;
      else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
      else e.setAttribute(k, v);
    }
    for (const c of kids) if (c !== null && c !== undefined) e.append(c instanceof Node ? c : document.createTextNode(String(c)));
    return e;
  }
  const fmt = (v, d = 2) => (v === null || v === undefined || !isFinite(v)) ? '-' : Number(v).toFixed(d);
  const bytes = (b) => {
    if (!b) return '-';
    const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB']; let i = 0;
    while (b >= 1024 && i < u.length - 1) { b /= 1024; i++; }
    return b.toFixed(i ? 1 : 0) + ' ' + u[i];
  };
  const base = (p) => (p || '').split('/').pop();
  /* "llama 7B Q4_K - Medium" -> "Q4_K - Medium"; "llama ?B (guessed) all F32" -> "F32" */
  const quantOf = (t) => ((t || '').match(/(?:\d+(?:\.\d+)?[KMBT]|\?B)\s+(.*)$/) || [])[1]?.replace(/\(guessed\)\s*|all\s+/g, '') || t || '?';
  const padded = (u, lo, hi) => { const d = (hi - lo) || Math.abs(hi) || 1; return [lo - d * 0.08, hi + d * 0.15]; };
  const haveCharts = typeof window.uPlot === 'function';
  async function getJSON(path, params) {
    const r = await fetch(q(path, params), { headers: { Accept: 'application/json' } });
    const j = await r.json().catch(() => ({ error: 'bad reply' }));
    if (!r.ok) throw new Error(j.error || ('HTTP ' + r.status));
    return j;
  }

  /* ---- views ------------------------------------------------------------ */
  let current = 'live';
  const loaders = {};
  function show(view) {
    current = view;
    for (const b of document.querySelectorAll('#tabs button')) b.classList.toggle('on', b.dataset.view === view);
    for (const s of document.querySelectorAll('.view')) s.classList.toggle('on', s.id === 'view-' + view);
    if (loaders[view]) loaders[view]();
    if (location.hash !== '#' + view) history.replaceState(null, '', location.pathname + location.search + '#' + view);
  }
  for (const b of document.querySelectorAll('#tabs button')) b.addEventListener('click', () => show(b.dataset.view));

  /* ---- live ------------------------------------------------------------- */
  /* Events change state at once; the page is drawn from it DRAW_MS after
   * the first change (one layout and paint for every event in between), so a
   * browser watching a run takes as little CPU from the benchmark as it can:
   * on a machine whose cores all run the test, every paint is time stolen
   * from it. While a speed test's repetitions are timed (from its warm-up to
   * its end) the page waits HOLD_MS instead: a short test is drawn once,
   * after it, and a long one every HOLD_MS. */
  const DRAW_MS = 250, HOLD_MS = 2000;
  const live = { n: 0, done: 0, start: 0, samples: [], chart: null, prompt: -1, suite: null, instance: null,
    answer: '', logs: [], rows: [], clearRows: false, timing: false };
  const todo = new Map();
  let drawTimer = null, drawAt = 0;
  function schedule() {
    const at = Date.now() + (live.timing ? HOLD_MS : DRAW_MS);
    if (drawTimer && drawAt <= at) return;
    clearTimeout(drawTimer);
    drawAt = at;
    drawTimer = setTimeout(draw, at - Date.now());
  }
  function timing(on) {
    if (live.timing === on) return;
    live.timing = on;
    if (drawTimer) { clearTimeout(drawTimer); drawTimer = null; schedule(); }
  }
  function later(key, fn) {
    todo.set(key, fn);
    schedule();
  }
  function draw() {
    drawTimer = null;
    const fns = [...todo.values()];
    todo.clear();
    for (const f of fns) f();
  }
  const setText = (id, text) => later('text:' + id, () => { $(id).textContent = text; });
  function log(text) {
    live.logs.push(new Date().toISOString().slice(11, 19) + '  ' + text);
    later('log', () => {
      const ol = $('live-log');
      ol.append(...live.logs.splice(0).map((t) => el('li', { text: t })));
      while (ol.children.length > 300) ol.firstChild.remove();
      ol.scrollTop = ol.scrollHeight;
    });
  }
  function liveChart() {
    if (!haveCharts) return;
    later('chart', () => {
      const data = [live.samples.map((_, i) => i + 1), live.samples.slice()];
      const box = $('live-chart'), load = (live.instance || {}).kind === 'load';
      if (live.chart && live.chartLoad !== load) { live.chart.destroy(); live.chart = null; box.replaceChildren(); }
      if (!live.chart) {
        live.chartLoad = load;
        live.chart = new uPlot({
          width: Math.max(280, box.clientWidth - 4), height: 220,
          scales: { x: { time: false } },
          /* a load test's samples: the output t/s of each second of the run */
          axes: [{ label: load ? 'second' : 'repetition' }, { label: load ? 'output t/s' : 't/s' }],
          series: [{}, { label: load ? 'output t/s' : 't/s', stroke: '#2f6fdd', width: 0, points: { show: true, size: 8, fill: '#2f6fdd' } }],
        }, data, box);
      } else live.chart.setData(data);
    });
  }
  function progress(text, frac) {
    setText('live-progress', text);
    if (frac !== null) later('bar', () => { $('live-bar').style.width = Math.min(100, Math.max(0, frac * 100)).toFixed(1) + '%'; });
  }
  function answer() { later('answer', () => { const a = $('live-answer'); a.textContent = live.answer; a.scrollTop = a.scrollHeight; }); }
  function addRow(tr) {
    live.rows.push(tr);
    later('rows', () => {
      const tb = $('live-done').tBodies[0];
      if (live.clearRows) { tb.replaceChildren(); live.clearRows = false; }
      tb.append(...live.rows.splice(0));
    });
  }
  function eta() {
    if (!live.done || !live.n) return '';
    const el_s = (Date.now() - live.start) / 1000;
    const left = el_s / live.done * (live.n - live.done);
    return ', ETA ' + (left < 90 ? left.toFixed(0) + ' s' : (left / 60).toFixed(1) + ' min');
  }
  function resultFigure(r) {
    if (!r) return '-';
    if (r.error) return 'failed: ' + r.error;
    if (r.kind === 'ppl') return 'PPL ' + fmt(r.ppl, 4);
    if (r.kind === 'kld') return 'KLD ' + fmt(r.kld_mean, 5) + ' (PPL ' + fmt(r.ppl, 3) + ')';
    if (r.kind === 'suite') return 'pass ' + (r.suite_passed ?? '-') + '/' + (r.suite_checked ?? '-') + ', similarity ' + fmt(r.suite_similarity, 3);
    if (r.kind === 'load') return fmt(r.load_req_per_s, 2) + ' req/s, TTFT p50 ' + fmt(r.load_ttft_p50_ms, 1) + ' ms';
    return fmt(r.avg_ts, 2) + ' t/s' + (r.interference ? ' (unreliable: ' + r.interference + ')' : '');
  }
  /* the cards of a kind: a server under load has no pp, tg or memory of ours, but requests and latencies */
  function cardsFor(kind) {
    later('cards', () => {
      for (const c of document.querySelectorAll('#cards .card')) c.hidden = c.classList.contains('load') !== (kind === 'load');
    });
  }
  function setCards(r) {
    if (!r) return;
    if (r.kind === 'load') {
      setText('m-reqs', (r.load_requests_ok ?? '-') + (r.load_requests_failed ? ' + ' + r.load_requests_failed + ' failed' : ''));
      setText('m-req', fmt(r.load_req_per_s, 2));
      setText('m-otps', fmt(r.load_out_tok_per_s, 1));
      setText('m-lttft', fmt(r.load_ttft_p50_ms, 1) + ' ms');
      setText('m-tpot', fmt(r.load_tpot_p50_ms, 2) + ' ms');
      return;
    }
    if (r.kind === 'speed' || r.kind === undefined) {
      if (r.n_prompt > 0 && r.n_gen === 0) setText('m-pp', fmt(r.avg_ts, 1));
      if (r.n_gen > 0 && r.n_prompt === 0) setText('m-tg', fmt(r.avg_ts, 1));
      if (r.ttft_avg_ms !== undefined && r.ttft_avg_ms !== null) setText('m-ttft', fmt(r.ttft_avg_ms, 1) + ' ms');
    }
    if (r.kind === 'suite') {
      if (r.suite_tg_ts) setText('m-tg', fmt(r.suite_tg_ts, 1));
      if (r.suite_ttft_ms) setText('m-ttft', fmt(r.suite_ttft_ms, 1) + ' ms');
    }
    const mem = r.peak_rss_bytes ?? r.peak_rss;
    if (mem) setText('m-mem', bytes(mem));
  }
  async function suitePrompts() {
    if (live.suite) return live.suite;
    try { live.suite = await getJSON('/api/suite'); } catch (e) { live.suite = { items: [] }; }
    return live.suite;
  }
  async function showPrompt(i) {
    const builtin = live.instance && / default$/.test(live.instance.test || '');
    const s = builtin ? await suitePrompts() : { items: [] };
    const it = (s.items || [])[i];
    setText('live-prompt', 'Prompt ' + (i + 1) + (it ? ': ' + it.prompt : ''));
  }
  /* how late each event arrived (ms after the runner stamped it), for bench/dashboard_overhead.sh and the browser test */
  const lat = (window.llmbLatency = []);
  const opened = Date.now();
  function onEvent(ev) {
    /* latency of the events made after the page opened (a replay of earlier ones is not timed) */
    if (ev.time && Date.parse(ev.time) >= opened && lat.length < 10000) lat.push(Date.now() - Date.parse(ev.time));
    switch (ev.type) {
      case 'run_started':
        Object.assign(live, { n: ev.n, done: 0, start: Date.now(), samples: [], prompt: -1, rows: [], clearRows: true });
        later('rows', () => { $('live-done').tBodies[0].replaceChildren(); live.clearRows = false; });
        progress('run ' + (ev.run_id ?? '(not stored)') + ' started: ' + ev.n + ' tests' +
          (ev.estimate_s ? ', about ' + fmt(ev.estimate_s, 0) + ' s' : ''), 0);
        log('run started: ' + ev.n + ' tests');
        break;
      case 'instance_started': {
        const i = ev.instance || {};
        live.instance = i; live.samples = []; live.prompt = -1; live.answer = ''; liveChart(); answer();
        live.startedAt = Date.parse(ev.time) || Date.now();
        cardsFor(i.kind);
        if (i.kind === 'load') for (const id of ['m-reqs', 'm-req', 'm-otps', 'm-lttft', 'm-tpot']) setText(id, '-');
        setText('live-model', i.model || '-');
        const name = (i.test || '').startsWith(i.kind || '\u0000') ? i.test : (i.kind || '') + ' ' + (i.test || '');
        setText('live-test', name + ' (' + (ev.index + 1) + ' of ' + ev.n + ')');
        setText('live-prompt', '-');
        progress('test ' + (ev.index + 1) + ' of ' + ev.n + eta(), ev.index / Math.max(1, ev.n));
        log('started ' + (i.test || '') + ' on ' + base(i.model) + (i.url ? ' at ' + i.url : ''));
        break;
      }
      case 'progress':
        timing((ev.instance || live.instance || {}).kind === 'speed' && (ev.phase === 'warmup' || ev.phase === 'rep'));
        if (ev.phase === 'request') { /* serving load: requests ended so far, the output t/s so far */
          const el_s = ((Date.parse(ev.time) || Date.now()) - (live.startedAt || Date.now())) / 1000;
          setText('m-reqs', ev.i + (ev.of ? ' of ' + ev.of : ''));
          if (el_s > 0) setText('m-req', fmt(ev.i / el_s, 2));
          if (ev.value !== null && ev.value !== undefined) setText('m-otps', fmt(ev.value, 1));
          progress('test ' + (ev.index + 1) + ' of ' + ev.n + ': ' + ev.i + (ev.of ? ' of ' + ev.of : '') + ' requests' +
            (ev.value !== null && ev.value !== undefined ? ', ' + fmt(ev.value, 1) + ' output t/s' : '') + eta(),
            (ev.index + (ev.of ? ev.i / ev.of : 0)) / Math.max(1, ev.n));
          break;
        }
        progress('test ' + (ev.index + 1) + ' of ' + ev.n + ': ' + ev.phase + ' ' + ev.i + (ev.of ? '/' + ev.of : '') +
          (ev.value !== null && ev.value !== undefined ? ' (' + fmt(ev.value, 3) + ')' : '') + eta(),
          (ev.index + (ev.of ? ev.i / ev.of : 0)) / Math.max(1, ev.n));
        if (ev.phase === 'load') log('loading ' + base((ev.instance || {}).model));
        break;
      case 'token':
        if (ev.prompt !== live.prompt) {
          live.prompt = ev.prompt; live.answer = ''; showPrompt(ev.prompt);
        }
        live.answer += ev.text;
        answer();
        break;
      case 'sample':
        live.samples.push(ev.value); liveChart();
        if ((live.instance || {}).kind === 'load') break; /* its cards follow the progress events */
        if (live.instance && live.instance.n_gen > 0 && !live.instance.n_prompt) setText('m-tg', fmt(ev.value, 1));
        else if (live.instance && live.instance.n_prompt > 0 && !live.instance.n_gen) setText('m-pp', fmt(ev.value, 1));
        break;
      case 'instance_finished': {
        timing(false);
        live.done = ev.index + 1;
        const r = Object.assign({ kind: (ev.instance || {}).kind }, ev.result || {});
        setCards(r);
        addRow(el('tr', { class: 'done' }, el('td', { text: ev.index + 1 }), el('td', { text: r.test || (ev.instance || {}).test || '' }),
          el('td', { text: base(r.model_filename) }), el('td', { text: resultFigure(r) })));
        progress('test ' + (ev.index + 1) + ' of ' + ev.n + ' finished' + eta(), (ev.index + 1) / Math.max(1, ev.n));
        log('finished ' + (r.test || '') + ': ' + resultFigure(r));
        storeChanged();
        break;
      }
      case 'instance_failed':
        timing(false);
        live.done = ev.index + 1;
        log('FAILED ' + ((ev.instance || {}).test || '') + ': ' + ev.reason);
        break;
      case 'run_finished':
        timing(false);
        progress('run ' + (ev.run_id ?? '') + ' ' + ev.status + ': ' + ev.done + ' done, ' + ev.failed + ' failed', 1);
        log('run ' + ev.status);
        storeChanged();
        break;
      case 'store_changed': storeChanged(); break;
    }
  }
  let es = null;
  function connect() {
    es = new EventSource(q('/api/events'));
    es.onopen = () => { const c = $('conn'); c.textContent = 'live'; c.className = 'conn on'; };
    es.onerror = () => { const c = $('conn'); c.textContent = 'offline'; c.className = 'conn off'; };
    es.onmessage = (m) => { let ev; try { ev = JSON.parse(m.data); } catch (e) { return; } onEvent(ev); };
  }
  let reloadTimer = null;
  function storeChanged() {
    clearTimeout(reloadTimer);
    reloadTimer = setTimeout(() => { data.stale = true; if (loaders[current] && current !== 'live') loaders[current](); }, 250);
  }

  /* ---- results ----------------------------------------------------------- */
  const data = { runs: [], tests: [], stale: true, loading: null };
  async function loadData() {
    if (!data.stale && data.runs.length) return data;
    if (data.loading) return data.loading;
    data.loading = (async () => {
      try {
        const [runs, tests] = await Promise.all([getJSON('/api/runs'), getJSON('/api/results')]);
        data.runs = runs; data.tests = tests; data.stale = false;
      } catch (e) { log('store: ' + e.message); }
      data.loading = null;
      return data;
    })();
    return data.loading;
  }
  function testRow(r) {
    return { run_id: r.run_id, kind: r.kind, test: r.test, model: base(r.model_filename), quant: r.quant_type || quantOf(r.model_type),
      figure: r.kind === 'speed' ? (r.avg_ts ?? -1) : r.kind === 'load' ? (r.load_req_per_s ?? -1)
        : (r.kind === 'kld' ? r.kld_mean : r.kind === 'ppl' ? r.ppl : r.suite_pass_rate),
      figureText: resultFigure(r), time: r.test_time || '', rec: r };
  }
  const sortState = { runs: { k: 'id', dir: -1 }, tests: { k: 'run_id', dir: -1 } };
  function sortBy(rows, st) {
    return rows.slice().sort((a, b) => {
      const x = a[st.k], y = b[st.k];
      return (x === y ? 0 : (x === null || x === undefined) ? 1 : (y === null || y === undefined) ? -1 : x < y ? -1 : 1) * st.dir;
    });
  }
  function headers(table, st, redraw) {
    for (const th of table.tHead.rows[0].cells) {
      th.classList.toggle('asc', th.dataset.k === st.k && st.dir > 0);
      th.classList.toggle('desc', th.dataset.k === st.k && st.dir < 0);
      th.onclick = () => { st.dir = st.k === th.dataset.k ? -st.dir : 1; st.k = th.dataset.k; redraw(); };
    }
  }
  function detail(r) {
    const box = el('div');
    if (r.kind === 'speed') {
      box.append(el('div', { text: 'samples (ns): ' + (r.samples_ns || []).join(', ') }));
      box.append(el('div', { text: 'samples (t/s): ' + (r.samples_ts || []).map((v) => fmt(v, 2)).join(', ') }));
      box.append(el('div', { class: 'median', text: 'median ' + fmt(r.median_ts, 2) + ' t/s, 95% interval ' + fmt(r.median_ci_lo_ts, 2) +
        '-' + fmt(r.median_ci_hi_ts, 2) + (r.run_ci_lo_ts !== null && r.run_ci_lo_ts !== undefined
          ? '; across runs ' + fmt(r.run_ci_lo_ts, 2) + '-' + fmt(r.run_ci_hi_ts, 2) + ' (run-to-run sd ' + fmt(r.run_cv_pct, 1) + '%, ' +
            (r.run_cv_runs ? 'from ' + r.run_cv_runs + ' earlier runs and the prior' : 'the prior alone') + ')' : '') }));
      if (r.interference || r.drift)
        box.append(el('div', { class: 'cond', text: 'conditions: ' + [r.interference, r.drift].filter(Boolean).join(', ') +
          (r.others_cpu_cores ? '; other processes used ' + fmt(r.others_cpu_cores, 2) + ' cores' : '') +
          (r.spread_pct ? '; spread ' + fmt(r.spread_pct, 1) + '%' : '') }));
      box.append(el('div', { class: 'muted', text: 'threads ' + r.n_threads + ', batch ' + r.n_batch + '/' + r.n_ubatch +
        ', KV ' + r.type_k + '/' + r.type_v + ', peak memory ' + bytes(r.peak_rss_bytes) + ', TTFT ' + fmt(r.ttft_avg_ms, 2) + ' ms' }));
    } else if (r.kind === 'load') {
      box.append(loadDetail(r));
    } else if (r.kind === 'suite') {
      for (const a of r.answers || []) {
        const cls = 'qa ' + (a.pass === true ? 'pass' : a.pass === false ? 'fail' : '');
        box.append(el('div', { class: cls },
          el('div', {}, el('b', { text: (a.id || '') + ' ' }), el('span', { class: 'muted', text: '[' + (a.category || '') + '] ' }),
            el('span', { text: a.prompt || '' })),
          el('div', { class: 'resp', text: a.response || '' }),
          el('div', { class: 'muted', text: 'check: ' + (a.pass === null ? 'none' : a.pass ? 'pass' : 'fail') +
            ', similarity ' + fmt(a.similarity, 3) + ', ' + a.tokens + ' tokens, TTFT ' + fmt(a.ttft_ms, 1) + ' ms, tg ' + fmt(a.tg_ts, 1) + ' t/s' })));
      }
    } else {
      box.append(el('div', { text: 'PPL ' + fmt(r.ppl, 4) + ' ± ' + fmt(r.ppl_err, 4) + (r.kld_mean !== null ? ', KLD ' + fmt(r.kld_mean, 6) + ' ± ' + fmt(r.kld_err, 6) + ', top-1 ' + fmt(r.top1_agreement, 4) : '') }));
      box.append(el('div', { class: 'muted', text: 'dataset ' + (r.dataset || '-') + ', context ' + (r.n_ctx ?? '-') + ', chunks ' + (r.chunks ?? '-') + (r.ref_model ? ', reference ' + base(r.ref_model) : '') }));
    }
    return box;
  }
  /* a load test's figures: throughput, then each latency at its percentiles, then what the client cost */
  function loadDetail(r) {
    const box = el('div', { class: 'loadfig' });
    box.append(el('div', { text: r.load_requests_ok + ' requests completed, ' + (r.load_requests_failed || 0) + ' failed' +
      (r.load_errors ? ' (' + r.load_errors + ')' : '') + ' in ' + fmt(r.load_duration_s, 2) + ' s: ' + fmt(r.load_req_per_s, 2) +
      ' req/s, ' + fmt(r.load_out_tok_per_s, 1) + ' output t/s, ' + fmt(r.load_total_tok_per_s, 1) + ' total t/s' +
      (r.load_slo ? ', goodput ' + fmt(r.load_goodput_req_per_s, 2) + ' req/s (' + r.load_good_requests + ' met ' + r.load_slo + ')' : '') }));
    const cols = ['mean', 'p50', 'p90', 'p95', 'p99', 'max'];
    box.append(el('table', { class: 'grid' },
      el('thead', {}, el('tr', {}, el('th', { text: '(ms)' }), ...cols.map((c) => el('th', { text: c })))),
      el('tbody', {}, ...[['TTFT', 'ttft'], ['TPOT', 'tpot'], ['ITL', 'itl'], ['E2EL', 'e2el']].map(([label, k]) =>
        el('tr', {}, el('td', { text: label }), ...cols.map((c) => el('td', { text: fmt(r['load_' + k + '_' + c + '_ms'], 2) })))))));
    box.append(el('div', { class: 'muted', text: (r.load_endpoint || '') + ' at ' + (r.load_url || '-') + ', tokens by ' +
      (r.load_token_counts || '-') + ', client CPU ' + fmt(r.load_client_cpu_ms_per_req, 3) + ' ms/request, ' +
      fmt(r.load_client_cpu_us_per_token, 2) + ' us/token' +
      (r.load_stamp_delay_mean_ms !== null && r.load_stamp_delay_mean_ms !== undefined ? ', send stamp to client ' + fmt(r.load_stamp_delay_mean_ms, 3) + ' ms mean' : '') +
      (r.load_server_tg_ts ? ', server\'s own generation ' + fmt(r.load_server_tg_ts, 1) + ' t/s' : '') }));
    return box;
  }
  function drawRuns() {
    const t = $('runs'), tb = t.tBodies[0];
    headers(t, sortState.runs, drawRuns);
    tb.replaceChildren(...sortBy(data.runs, sortState.runs).map((r) => el('tr', {},
      el('td', { text: r.id }), el('td', { text: r.started_at }), el('td', { text: r.status }),
      el('td', { text: r.n_done + '/' + r.n_planned + (r.n_failed ? ', ' + r.n_failed + ' failed' : '') }),
      el('td', { text: r.tags }), el('td', { class: 'cmd', title: r.command, text: r.command }))));
  }
  const open = new Set();
  function drawTests() {
    const t = $('tests'), tb = t.tBodies[0];
    headers(t, sortState.tests, drawTests);
    const f = $('filter').value.toLowerCase().trim();
    const rows = sortBy(data.tests.map(testRow), sortState.tests).filter((r) => !f ||
      [r.run_id, r.kind, r.test, r.model, r.quant, r.figureText].join(' ').toLowerCase().includes(f));
    const out = [];
    for (const r of rows) {
      const id = r.rec.instance_id;
      const tr = el('tr', { class: 'item', 'data-kind': r.kind, 'data-id': id }, el('td', { text: r.run_id }), el('td', { text: r.kind }),
        el('td', { text: r.test }), el('td', { text: r.model }), el('td', { text: r.quant }), el('td', { text: r.figureText }),
        el('td', { text: r.time }));
      tr.addEventListener('click', () => { open.has(id) ? open.delete(id) : open.add(id); drawTests(); });
      out.push(tr);
      if (open.has(id)) out.push(el('tr', { class: 'detail' }, el('td', { colspan: 7 }, detail(r.rec))));
    }
    tb.replaceChildren(...out);
  }
  $('filter').addEventListener('input', drawTests);
  loaders.results = async () => { await loadData(); drawRuns(); drawTests(); };

  /* ---- charts ------------------------------------------------------------ */
  const charts = {};
  function put(id, opts, d) {
    const box = $(id);
    if (charts[id]) charts[id].destroy();
    box.replaceChildren();
    opts.width = Math.max(280, box.clientWidth - 4);
    charts[id] = new uPlot(opts, d, box);
  }
  function quantChart(tests) {
    const by = new Map();
    for (const r of tests) {
      if (r.kind !== 'speed' || r.error || !isFinite(r.avg_ts)) continue;
      const k = quantOf(r.model_type);
      const e = by.get(k) || { pp: [], tg: [] };
      (r.n_gen > 0 && r.n_prompt === 0 ? e.tg : r.n_prompt > 0 && r.n_gen === 0 ? e.pp : []).push(r.avg_ts);
      by.set(k, e);
    }
    const names = [...by.keys()];
    const mean = (a) => a.length ? a.reduce((x, y) => x + y, 0) / a.length : null;
    const bars = uPlot.paths.bars({ size: [0.35, 60] });
    put('chart-quant', {
      height: 240, scales: { x: { time: false, range: [-0.5, Math.max(0.5, names.length - 0.5)] } },
      axes: [{ values: (u, ticks) => ticks.map((t) => names[t] || ''), splits: () => names.map((_, i) => i) }, { label: 't/s' }],
      series: [{}, { label: 'pp t/s', fill: 'rgba(47,111,221,.6)', stroke: '#2f6fdd', paths: bars, points: { show: false } },
        { label: 'tg t/s', fill: 'rgba(27,138,58,.6)', stroke: '#1b8a3a', paths: bars, points: { show: false } }],
    }, [names.map((_, i) => i), names.map((n) => mean(by.get(n).pp)), names.map((n) => mean(by.get(n).tg))]);
  }
  function sizeChart(tests) {
    const pts = tests.filter((r) => r.kind === 'speed' && !r.error && r.model_size > 0 && isFinite(r.avg_ts)).map((r) => ({
      x: r.model_size / 1048576, pp: r.n_prompt > 0 && !r.n_gen ? r.avg_ts : null, tg: r.n_gen > 0 && !r.n_prompt ? r.avg_ts : null }))
      .sort((a, b) => a.x - b.x);
    put('chart-size', {
      height: 240, scales: { x: { time: false, range: padded } }, axes: [{ label: 'model size (MiB)' }, { label: 't/s' }],
      series: [{}, { label: 'pp t/s', stroke: '#2f6fdd', width: 0, points: { show: true, size: 8, fill: '#2f6fdd' } },
        { label: 'tg t/s', stroke: '#1b8a3a', width: 0, points: { show: true, size: 8, fill: '#1b8a3a' } }],
    }, [pts.map((p) => p.x), pts.map((p) => p.pp), pts.map((p) => p.tg)]);
  }
  function paretoChart(rec) {
    const c = (rec.candidates || []).filter((x) => x.tg_ts !== null && (x.kld !== null || x.ppl !== null));
    const useKld = c.some((x) => x.kld !== null);
    const pts = c.filter((x) => (useKld ? x.kld : x.ppl) !== null).sort((a, b) => a.tg_ts - b.tg_ts);
    const ylab = useKld ? 'KLD (lower is better)' : 'perplexity (lower is better)';
    const mems = pts.map((p) => p.peak_rss_bytes || 0), mmax = Math.max(1, ...mems), mmin = Math.min(...mems);
    const radius = (m) => 5 + 13 * (mmax > mmin ? (m - mmin) / (mmax - mmin) : 0.5);
    const draw = (u) => {
      const ctx = u.ctx; ctx.save();
      pts.forEach((p, i) => {
        const x = u.valToPos(p.tg_ts, 'x', true), y = u.valToPos(useKld ? p.kld : p.ppl, 'y', true);
        const r = radius(p.peak_rss_bytes || 0) * devicePixelRatio;
        ctx.beginPath(); ctx.arc(x, y, r, 0, 2 * Math.PI);
        ctx.fillStyle = p.recommended ? 'rgba(230,126,34,.75)' : p.pareto ? 'rgba(47,111,221,.6)' : 'rgba(140,150,160,.45)';
        ctx.fill();
        if (p.pareto) { ctx.lineWidth = 2 * devicePixelRatio; ctx.strokeStyle = '#1d232b'; ctx.stroke(); }
        ctx.fillStyle = '#1d232b'; ctx.font = (11 * devicePixelRatio) + 'px system-ui';
        ctx.fillText((p.recommended ? '★ ' : '') + quantOf('x 1B ' + (p.quant || p.label)), x + r + 3, y + 4);
      });
      const front = pts.filter((p) => p.pareto);
      if (front.length > 1) {
        ctx.beginPath(); ctx.setLineDash([4, 4]); ctx.strokeStyle = '#2f6fdd'; ctx.lineWidth = devicePixelRatio;
        front.forEach((p, i) => { const x = u.valToPos(p.tg_ts, 'x', true), y = u.valToPos(useKld ? p.kld : p.ppl, 'y', true); i ? ctx.lineTo(x, y) : ctx.moveTo(x, y); });
        ctx.stroke();
      }
      ctx.restore();
    };
    put('chart-pareto', {
      height: 340, scales: { x: { time: false, range: padded }, y: { range: padded } }, axes: [{ label: 'generation t/s' }, { label: ylab, size: 70 }],
      series: [{}, { label: useKld ? 'KLD' : 'PPL', stroke: 'transparent', points: { show: false } }],
      hooks: { draw: [draw] },
    }, [pts.map((p) => p.tg_ts), pts.map((p) => useKld ? p.kld : p.ppl)]);
    $('pareto-table').tBodies[0].replaceChildren(...(rec.candidates || []).map((x) => el('tr', { class: x.recommended ? 'good' : '' },
      el('td', { text: x.model || x.label, title: x.label }), el('td', { text: x.quant }), el('td', { text: fmt(x.tg_ts, 1) }), el('td', { text: fmt(x.pp_ts, 1) }),
      el('td', { text: bytes(x.peak_rss_bytes) }), el('td', { text: fmt(x.kld, 5) }), el('td', { text: fmt(x.ppl, 3) }),
      el('td', { text: x.recommended ? 'recommended' : x.pareto ? 'Pareto front' : (x.why || '') }))));
    $('chart-pareto').dataset.points = String(pts.length);
  }
  loaders.charts = async () => {
    if (!haveCharts) { $('nocharts').hidden = false; return; }
    await loadData();
    quantChart(data.tests); sizeChart(data.tests);
    try { paretoChart(await getJSON('/api/recommend')); } catch (e) { log('recommend: ' + e.message); }
  };

  /* ---- compare ----------------------------------------------------------- */
  loaders.compare = async () => {
    await loadData();
    for (const [id, pick] of [['cmp-a', 1], ['cmp-b', 0]]) {
      const s = $(id), keep = s.value;
      s.replaceChildren(...data.runs.map((r) => el('option', { value: r.id, text: '#' + r.id + ' ' + r.started_at + (r.tags ? ' [' + r.tags + ']' : '') })));
      if (keep) s.value = keep; else if (data.runs[pick]) s.value = data.runs[pick].id;
    }
  };
  $('cmp-go').addEventListener('click', async () => {
    try {
      const c = await getJSON('/api/compare', { a: $('cmp-a').value, b: $('cmp-b').value, metric: $('cmp-metric').value });
      const extra = (c.broke.length ? ', ' + c.broke.length + ' broke in B' : '') + (c.only_a || c.only_b ? ', ' + c.only_a + ' only in A, ' + c.only_b + ' only in B' : '');
      $('cmp-summary').textContent = (c.speed_ratio ? 'B is ' + fmt(c.speed_ratio, 3) + ' ± ' + fmt(c.speed_ratio_err, 3) + '× as fast as A'
        : c.rows.length ? c.n_better + ' better, ' + c.n_worse + ' worse (significant)' : 'no tests in common') + extra
        + (c.note ? '; ' + c.n_within_run + ' of ' + c.rows.length + ': ' + c.note : '');
      $('cmp-table').tBodies[0].replaceChildren(...c.rows.map((r) => el('tr', {},
        el('td', { text: r.test }), el('td', { text: base(r.model) }), el('td', { text: fmt(r.a, 3) + ' ' + r.unit }),
        el('td', { text: fmt(r.b, 3) + ' ' + r.unit }), el('td', { text: (r.change_pct >= 0 ? '+' : '') + fmt(r.change_pct, 2) + '%' }),
        el('td', { text: '[' + fmt(r.ci_lo_pct, 2) + '%, ' + fmt(r.ci_hi_pct, 2) + '%]' }),
        el('td', { class: r.significant ? 'sig' : 'muted', text: (r.significant ? 'significant' : 'noise') + (r.basis ? ' (' + r.basis + ')' : '') }))));
    } catch (e) { $('cmp-summary').textContent = e.message; }
  });

  /* ---- hardware ---------------------------------------------------------- */
  loaders.hardware = async () => {
    await loadData();
    $('hw').tBodies[0].replaceChildren(...data.runs.map((r) => el('tr', {},
      el('td', { text: r.id }), el('td', { text: r.host }), el('td', { text: r.hw.cpu }), el('td', { text: r.hw.cores }),
      el('td', { text: bytes(r.hw.mem_total) }), el('td', { text: r.hw.gpu || '-' }), el('td', { text: r.hw.backends }),
      el('td', { text: r.hw.os }), el('td', { text: r.hw.kernel }))));
  };

  connect();
  const first = location.hash.slice(1);
  show(loaders[first] || first === 'live' ? first : 'live');
})();
