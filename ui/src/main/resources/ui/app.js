'use strict';
// One application: header (status, parent link), the graph with the current action highlighted,
// join progress, and the step timeline with inputs, results, state diffs and errors. A parallel
// step lists its children (a page at a time); each expands inline to its own steps. Polls the
// JSON API every second while anything is still running.

const PAGE = 50;
const appId = new URLSearchParams(location.search).get('id');
const ui = {
  lastText: null,
  openSteps: new Set(),       // sequence ids whose details are open
  userToggled: false,         // once the user opened or closed a step, keep their choice
  childOffsets: new Map(),    // sequence id -> offset of the children page shown
  expandedChildren: new Set(),
  timer: null,
  info: null,                 // /api/info: whether the page may resume apps, and its token
  resumeKey: null,            // what the resume panel shows now: kept while the user types
  resumed: null,              // the coordinator's answer to this page's resume, shown once the app runs
};

// A value kept in the value store shows as its size, digest and beginning; its button loads it
// whole, on demand.
function valueView(v) {
  const pre = el('pre', {}, jsonText(v));
  if (!v || typeof v !== 'object' || !v.stored || !v.stored.sha256) return pre;
  const button = el('button', {class: 'load-value', type: 'button', onclick: async () => {
    button.disabled = true;
    try {
      const {data} = await getJson('/api/value?sha256=' + encodeURIComponent(v.stored.sha256));
      pre.textContent = jsonText(data.value);
      button.remove();
    } catch (e) {
      button.textContent = 'Could not load it (' + e.message + ')';
    }
  }}, 'Load all ' + v.stored.bytes + ' bytes');
  return el('div', {class: 'stored-value'}, pre, button);
}

function kv(obj) {
  const keys = obj ? Object.keys(obj) : [];
  if (keys.length === 0) return el('p', {class: 'muted small'}, 'none');
  return el('table', {class: 'kv'}, keys.map(k => el('tr', {'data-key': k},
    el('th', {}, k), el('td', {}, valueView(obj[k])))));
}

function diffTable(diff) {
  const rows = [];
  for (const [k, v] of Object.entries(diff.added || {})) {
    rows.push(el('tr', {class: 'diff-added', 'data-key': k}, el('td', {class: 'sign'}, '+'), el('th', {}, k),
      el('td', {colspan: 2}, valueView(v))));
  }
  for (const [k, v] of Object.entries(diff.changed || {})) {
    rows.push(el('tr', {class: 'diff-changed', 'data-key': k}, el('td', {class: 'sign'}, '~'), el('th', {}, k),
      el('td', {class: 'from'}, valueView(v.from)), el('td', {class: 'to'}, valueView(v.to))));
  }
  for (const [k, v] of Object.entries(diff.removed || {})) {
    rows.push(el('tr', {class: 'diff-removed', 'data-key': k}, el('td', {class: 'sign'}, '−'), el('th', {}, k),
      el('td', {colspan: 2}, el('pre', {}, jsonText(v)))));
  }
  if (rows.length === 0) return el('p', {class: 'muted small'}, 'state unchanged');
  return el('table', {class: 'diff'}, rows);
}

// Calls, tokens in and out, time: of one step, or summed over an app's whole tree.
function modelUse(u) {
  return u.calls + (u.calls === 1 ? ' call' : ' calls') + ' · ' + u.input_tokens + ' tokens in, '
    + u.output_tokens + ' out · ' + fmtDuration(u.duration_ms);
}

function sumCalls(calls) {
  return calls.reduce((u, c) => ({calls: u.calls + 1, input_tokens: u.input_tokens + c.input_tokens,
    output_tokens: u.output_tokens + c.output_tokens, duration_ms: u.duration_ms + c.duration_ms}),
    {calls: 0, input_tokens: 0, output_tokens: 0, duration_ms: 0});
}

function modelCallsTable(calls) {
  return el('table', {class: 'kv model-calls'},
    el('tr', {}, el('th', {}, 'model'), el('th', {}, 'tokens in'), el('th', {}, 'tokens out'), el('th', {}, 'time')),
    calls.map(c => el('tr', {}, el('td', {}, c.model), el('td', {}, c.input_tokens), el('td', {}, c.output_tokens),
      el('td', {}, fmtDuration(c.duration_ms)))));
}

function header(app) {
  const parent = app.parent
    ? el('p', {class: 'parent'}, 'Child ', app.child_index !== undefined ? '#' + app.child_index + ' ' : '', 'of ',
        el('a', {id: 'parent-link', href: appUrl(app.parent.app_id)}, app.parent.app_id),
        app.parent.action ? ' (step ' + app.parent.sequence_id + ', ' + app.parent.action + ')' : '')
    : null;
  const root = app.parent && app.root_app_id && app.root_app_id !== app.parent.app_id
    ? el('p', {class: 'muted small'}, 'Root: ', el('a', {href: appUrl(app.root_app_id)}, app.root_app_id)) : null;
  return [
    el('h1', {}, app.label ? el('span', {id: 'app-label'}, app.label + ' ') : null,
      el('span', {id: 'app-id', class: app.label ? 'muted small' : null}, app.app_id), ' ',
      el('span', {id: 'app-status'}, statusBadge(app.status))),
    el('p', {class: 'meta'},
      el('span', {}, 'Graph: ', el('b', {}, app.graph || app.entrypoint || '–'),
        app.graph_version ? ' version ' + app.graph_version : ''),
      el('span', {}, 'Created: ', fmtTime(app.created_at_ms)),
      el('span', {}, 'Duration: ', el('b', {id: 'app-duration'}, fmtDuration(app.duration_ms))),
      el('span', {}, 'Steps: ', Array.isArray(app.steps) ? app.steps.length : app.steps),
      app.current_action ? el('span', {}, app.status === 'running' ? 'Current: ' : app.halted_before ? 'Waits before: ' : 'Last: ',
        el('b', {id: 'current-action'}, app.current_action)) : null,
      app.children.total ? el('span', {}, 'Children: ', childCounts(app.children)) : null,
      app.model_calls && app.model_calls.calls
        ? el('span', {title: Object.entries(app.model_calls.by_model).map(([m, u]) => m + ': ' + modelUse(u)).join('\n')},
            app.children.total ? 'Model calls (with its children): ' : 'Model calls: ',
            el('b', {id: 'model-calls'}, modelUse(app.model_calls)))
        : null),
    parent, root,
    app.error ? el('div', {class: 'error-box', id: 'job-error'}, el('b', {}, 'Failed: '), app.error) : null,
    app.waiting && app.waiting.length
      ? el('p', {class: 'waiting', id: 'waiting'}, 'Waiting for input: ',
          ...app.waiting.map(w => el('span', {}, el('a', {href: appUrl(w.app_id), title: w.app_id}, appName(w)),
            w.halted_before ? ' (before ' + w.halted_before + takes(w.next_inputs) + ') ' : ' ')),
          el('span', {class: 'muted small'}, '· bramble resume ' + app.waiting[0].app_id + ' --inputs JSON'))
      : (app.halted_before && !app.next_inputs // else the resume panel below says it
          ? el('p', {class: 'waiting', id: 'waiting'}, 'Halted before ', el('b', {}, app.halted_before)) : null),
    app.waiting_for_pools && app.waiting_for_pools.length
      ? el('p', {class: 'waiting', id: 'waiting-for-pools'},
          ...app.waiting_for_pools.map(w => el('span', {}, 'Waiting for a worker of pool ', el('b', {}, w.pool),
            ' (' + w.lag + (w.lag === 1 ? ' task' : ' tasks') + ' waiting in it) ')),
          el('span', {class: 'muted small'}, '· bramble worker --pools POOL'))
      : null,
    app.migrations && app.migrations.length
      ? el('ul', {class: 'migrations', id: 'migrations'},
          ...app.migrations.map(m => el('li', {},
            fmtTime(m.at_ms) + ' ',
            m.refused
              ? el('span', {}, 'Stayed on version ' + m.from_version + ' (migration to ' + m.to_version + ' refused): ', m.refused)
              : el('span', {}, 'Moved from version ' + m.from_version + ' to ', el('b', {}, m.to_version),
                  ' in front of ' + m.action + ', continues at ', el('b', {}, m.next_action)))))
      : null,
    app.live_output && app.live_output.length
      ? el('div', {class: 'live-output', id: 'live-output'},
          el('h3', {}, 'Live output'),
          ...app.live_output.map(o => el('div', {class: 'live', 'data-app': o.app_id},
            el('div', {class: 'live-label'},
              el('a', {href: appUrl(o.app_id)}, o.label || o.action), ' · ', o.action, ' #' + o.sequence_id,
              o.attempt > 1 ? el('span', {class: 'status status-halted'}, 'attempt ' + o.attempt) : ''),
            el('pre', {class: 'live-text'}, o.text))))
      : null,
  ];
}

function progressBlock(group) {
  const pct = group.total ? Math.round(100 * group.done / group.total) : 100;
  return el('div', {class: 'join-progress', 'data-seq': group.sequence_id},
    el('div', {class: 'join-label'}, el('b', {}, group.action || 'parallel step'), ' (step ' + group.sequence_id + '): ',
      el('span', {class: 'join-count'}, group.done + ' / ' + group.total), ' children done',
      group.failed ? el('span', {class: 'status status-failed'}, group.failed + ' failed') : '',
      group.waiting ? el('span', {class: 'status status-halted'}, group.waiting + ' waiting for input') : '',
      group.reduced ? el('span', {class: 'muted'}, ' · reduced') : el('span', {class: 'muted'}, ' · joining…')),
    el('div', {class: 'bar'}, el('div', {class: 'fill' + (group.failed ? ' has-failed' : ''), style: 'width:' + pct + '%'})));
}

function stepItem(app, step, span) {
  const open = ui.openSteps.has(step.sequence_id);
  const offsetPct = span.total > 0 && step.started_at_ms ? 100 * (step.started_at_ms - span.start) / span.total : 0;
  const widthPct = span.total > 0 && step.duration_ms !== undefined ? Math.max(0.5, 100 * step.duration_ms / span.total) : 0.5;
  const details = el('details', {class: 'step step-' + step.status, 'data-seq': step.sequence_id, 'data-action': step.action, open},
    el('summary', {},
      el('span', {class: 'seq'}, '#' + step.sequence_id),
      el('span', {class: 'action-name'}, step.action),
      statusBadge(step.status),
      el('span', {class: 'muted small step-duration'}, fmtDuration(step.duration_ms)),
      step.attempts > 1 ? el('span', {class: 'muted small'}, step.attempts + ' attempts') : '',
      step.model_calls && step.model_calls.length
        ? el('span', {class: 'muted small step-model-calls'}, modelUse(sumCalls(step.model_calls))) : '',
      el('span', {class: 'gantt'}, el('span', {class: 'gantt-bar', style: 'left:' + offsetPct + '%;width:' + widthPct + '%'}))),
    el('div', {class: 'step-body'},
      step.error ? el('div', {class: 'error-box'}, el('b', {}, 'Error: '), step.error,
        step.stack_trace ? el('details', {class: 'stack'}, el('summary', {}, 'Stack trace'), el('pre', {}, step.stack_trace)) : '') : '',
      el('div', {class: 'grid'},
        el('div', {}, el('h4', {}, 'Inputs'), kv(step.inputs)),
        el('div', {}, el('h4', {}, 'Result'), kv(step.result))),
      step.model_calls && step.model_calls.length ? [el('h4', {}, 'Model calls'), modelCallsTable(step.model_calls)] : '',
      el('h4', {}, 'State change'), step.diff ? diffTable(step.diff) : el('p', {class: 'muted small'}, 'not yet'),
      step.state ? el('details', {class: 'full-state'}, el('summary', {}, 'Whole state after this step'), kv(step.state)) : '',
      step.parallel ? el('div', {class: 'children', 'data-seq': step.sequence_id},
        el('h4', {}, 'Sub-applications'), progressBlock(step.parallel),
        el('div', {class: 'children-list'}, el('p', {class: 'muted small'}, 'Loading children…'))) : ''));
  details.addEventListener('toggle', () => {
    ui.userToggled = true;
    if (details.open) ui.openSteps.add(step.sequence_id); else ui.openSteps.delete(step.sequence_id);
    highlight(details.open ? step.action : null);
    if (details.open && step.parallel) loadChildren(step.sequence_id, details.querySelector('.children-list'));
  });
  return el('li', {}, details);
}

async function loadChildren(seq, box) {
  const offset = ui.childOffsets.get(seq) || 0;
  let data;
  try {
    ({data} = await getJson('/api/children?id=' + encodeURIComponent(appId) + '&seq=' + seq + '&offset=' + offset + '&limit=' + PAGE));
  } catch (e) {
    box.replaceChildren(el('p', {class: 'error'}, String(e)));
    return;
  }
  const rows = data.items.map(child => {
    const expanded = ui.expandedChildren.has(child.app_id);
    const steps = el('div', {class: 'child-steps'});
    const row = el('div', {class: 'child', 'data-app-id': child.app_id},
      el('div', {class: 'child-line'},
        el('button', {class: 'expand-child', 'aria-expanded': String(expanded), title: 'Show its steps here',
          onclick: () => toggleChild(child.app_id, row)}, expanded ? '▾' : '▸'),
        el('span', {class: 'muted small'}, child.child_index !== undefined ? '#' + child.child_index : ''),
        el('a', {class: 'child-link', href: appUrl(child.app_id), title: child.app_id}, appName(child)),
        statusBadge(child.status),
        el('span', {class: 'muted small'}, child.steps + ' steps · ' + fmtDuration(child.duration_ms)
          + (child.last_action ? ' · ' + child.last_action : '')),
        child.children.total ? el('span', {class: 'muted small'}, ' · children ' + childCounts(child.children)) : ''),
      steps);
    if (expanded) loadChildSteps(child.app_id, steps);
    return row;
  });
  box.replaceChildren(...rows, pager(data.total, data.offset, data.limit, o => { ui.childOffsets.set(seq, o); loadChildren(seq, box); }));
}

function toggleChild(id, row) {
  const steps = row.querySelector('.child-steps');
  const button = row.querySelector('.expand-child');
  if (ui.expandedChildren.has(id)) {
    ui.expandedChildren.delete(id);
    steps.replaceChildren();
    button.textContent = '▸';
    button.setAttribute('aria-expanded', 'false');
  } else {
    ui.expandedChildren.add(id);
    button.textContent = '▾';
    button.setAttribute('aria-expanded', 'true');
    loadChildSteps(id, steps);
  }
}

async function loadChildSteps(id, box) {
  let child;
  try {
    ({data: child} = await getJson('/api/app?id=' + encodeURIComponent(id)));
  } catch (e) {
    box.replaceChildren(el('p', {class: 'error'}, String(e)));
    return;
  }
  box.replaceChildren(el('ol', {class: 'child-step-list'}, child.steps.map(s =>
    el('li', {class: 'child-step step-' + s.status, 'data-action': s.action},
      el('span', {class: 'seq'}, '#' + s.sequence_id), el('b', {class: 'action-name'}, s.action), ' ', statusBadge(s.status),
      el('span', {class: 'muted small'}, ' ' + fmtDuration(s.duration_ms)),
      s.diff ? el('span', {class: 'small diff-summary'}, ' ' + diffSummary(s.diff)) : '',
      s.error ? el('div', {class: 'error small'}, s.error) : ''))));
}

function diffSummary(diff) {
  const parts = [];
  const added = Object.keys(diff.added || {});
  const changed = Object.keys(diff.changed || {});
  const removed = Object.keys(diff.removed || {});
  if (added.length) parts.push('+' + added.join(', +'));
  if (changed.length) parts.push('~' + changed.join(', ~'));
  if (removed.length) parts.push('−' + removed.join(', −'));
  return parts.join('  ');
}

function highlight(action) {
  document.querySelectorAll('#graph .node.selected').forEach(n => n.classList.remove('selected'));
  if (!action) return;
  document.querySelectorAll('#graph .node').forEach(n => { if (n.dataset.action === action) n.classList.add('selected'); });
}

// ", takes verdict (required)": what a halted app's next actions take.
function takes(inputs) {
  if (!inputs || !inputs.accepted || !inputs.accepted.length) return '';
  return '; takes ' + inputs.accepted.map(i => inputs.required.includes(i) ? i + ' (required)' : i).join(', ');
}

// A field's text as a value: JSON when it reads as JSON (42, true, {"a":1}, "quoted"), else the text.
function inputValue(text) {
  try { return JSON.parse(text); } catch (e) { return text; }
}

// A halted app that waits for a person: the inputs its next action declares, and a form that
// resumes it when the UI allows it (else the command that does). Rendered again only when what it
// shows changes, so a person's typing survives the page's polling.
function renderResume(app) {
  const panel = document.getElementById('resume-panel');
  const inputs = app.status === 'halted' || app.waiting_for_input ? app.next_inputs : null;
  const key = JSON.stringify([app.app_id, inputs, ui.info && ui.info.resume, ui.resumed]);
  if (key === ui.resumeKey) return;
  ui.resumeKey = key;
  panel.hidden = !inputs && !ui.resumed;
  if (!inputs) {
    panel.replaceChildren(ui.resumed ? el('p', {class: 'resume-answer ok', id: 'resume-answer'}, ui.resumed) : '');
    return;
  }
  const example = '{' + inputs.accepted.map(i => '"' + i + '": …').join(', ') + '}';
  const command = 'bramble resume ' + app.app_id + (inputs.accepted.length ? " --inputs '" + example + "'" : '');
  const intro = el('p', {}, 'Waits before ', el('b', {}, inputs.action),
    inputs.accepted.length ? '; it takes ' : '; it takes no inputs',
    ...inputs.accepted.map((i, n) => el('span', {}, n ? ', ' : '', el('code', {}, i),
      inputs.required.includes(i) ? ' (required)' : '')));
  if (!ui.info || !ui.info.resume) {
    panel.replaceChildren(el('h2', {}, 'Waiting for input'), intro,
      el('p', {class: 'muted small'}, 'Resume it with ', el('code', {}, command),
        ' (or start the UI with --allow-resume to answer here).'));
    return;
  }
  const fields = inputs.accepted.map(i => el('label', {class: 'resume-field'},
    el('span', {}, i, inputs.required.includes(i) ? ' *' : ''),
    el('input', {name: i, type: 'text', required: inputs.required.includes(i), autocomplete: 'off'})));
  const answer = el('p', {class: 'resume-answer', id: 'resume-answer', role: 'status'});
  const form = el('form', {id: 'resume-form'}, ...fields,
    el('button', {type: 'submit', id: 'resume-submit'}, 'Resume'), answer);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    const given = {};
    for (const f of form.querySelectorAll('input')) {
      if (f.value !== '') given[f.name] = inputValue(f.value);
    }
    form.querySelector('button').disabled = true;
    answer.className = 'resume-answer muted';
    answer.textContent = 'Sending…';
    try {
      const res = await fetch('/api/resume', {method: 'POST', cache: 'no-store',
        headers: {'Content-Type': 'application/json', 'X-Bramble-Token': ui.info.token},
        body: JSON.stringify({app_id: app.app_id, inputs: given})});
      const data = await res.json();
      if (res.status === 504) { // it may still be applied: sending it again could resume twice
        answer.className = 'resume-answer error';
        answer.textContent = data.error + ' It may still be applied: reload the page before sending it again.';
        return;
      }
      if (!res.ok) throw new Error(data.error || res.status);
      answer.className = 'resume-answer ok';
      answer.textContent = ui.resumed = 'Resumed at step ' + data.sequence_id + ' (' + data.action + ').';
      schedule(300);
    } catch (e) {
      answer.className = 'resume-answer error';
      answer.textContent = e.message;
      form.querySelector('button').disabled = false;
    }
  });
  panel.replaceChildren(el('h2', {}, 'Waiting for input'), intro, form,
    el('p', {class: 'muted small'}, 'A field takes text, or JSON (42, true, {"a": 1}). The same as ', el('code', {}, command), '.'));
}

function render(app) {
  document.title = 'Bramble · ' + app.app_id;
  document.getElementById('app-header').replaceChildren(...header(app).filter(Boolean));
  renderResume(app);
  document.getElementById('graph').innerHTML = app.graph_svg; // server-rendered, escaped SVG
  document.getElementById('mermaid').textContent = app.mermaid || '';
  document.getElementById('progress').replaceChildren(...app.parallel.map(progressBlock));
  if (!ui.userToggled) { // by default the last step is open, and every parallel step
    ui.openSteps = new Set(app.steps.filter((s, i) => s.parallel || i === app.steps.length - 1).map(s => s.sequence_id));
  }
  const starts = app.steps.map(s => s.started_at_ms).filter(Boolean);
  const ends = app.steps.map(s => s.ended_at_ms || Date.now()).filter(Boolean);
  const span = {start: Math.min(...starts), total: Math.max(...ends) - Math.min(...starts)};
  const items = app.steps.map(s => stepItem(app, s, span));
  document.getElementById('timeline').replaceChildren(...(items.length ? items : [el('li', {class: 'muted'}, 'No steps yet.')]));
  for (const s of app.steps) {
    if (s.parallel && ui.openSteps.has(s.sequence_id)) {
      loadChildren(s.sequence_id, document.querySelector('.children[data-seq="' + s.sequence_id + '"] .children-list'));
    }
  }
}

async function refresh() {
  let result;
  try {
    result = await getJson('/api/app?id=' + encodeURIComponent(appId));
  } catch (e) {
    document.getElementById('app-header').replaceChildren(el('p', {class: 'error'}, 'Cannot load ' + appId + ': ' + e.message));
    schedule(3000);
    return;
  }
  const {text, data} = result;
  if (text !== ui.lastText) {
    ui.lastText = text;
    render(data);
  }
  const live = data.status !== 'cancelled' && (data.status === 'running' || data.parallel.some(g => !g.reduced) || data.children.running > 0);
  schedule(live ? 1000 : 5000);
}

function schedule(ms) {
  clearTimeout(ui.timer);
  ui.timer = setTimeout(refresh, ms);
}

async function start() {
  showSource();
  try {
    ({data: ui.info} = await getJson('/api/info'));
  } catch (e) { /* without it the page shows how to resume, not a form */ }
  refresh();
}

if (!appId) {
  document.getElementById('app-header').replaceChildren(el('p', {class: 'error'}, 'No app id: open /app?id=APP_ID'));
} else {
  start();
}
