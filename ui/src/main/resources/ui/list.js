'use strict';
// The apps list: root apps newest first (or every app matching the search), children nested under
// their parent a page at a time; refreshed every 2 s while anything shown is running.

const PAGE = 50;
const view = {offset: 0, query: '', expanded: new Map(), lastText: null}; // expanded: app id -> children offset

function appRow(app, depth) {
  const hasChildren = app.children && app.children.total > 0;
  const open = view.expanded.has(app.app_id);
  const toggle = hasChildren
    ? el('button', {class: 'toggle-children', 'aria-expanded': String(open), title: 'Show the children',
        onclick: () => toggleChildren(app.app_id)}, open ? '▾' : '▸')
    : '';
  const parent = app.parent && depth === 0 && view.query
    ? el('div', {class: 'muted small'}, 'child of ', el('a', {href: appUrl(app.parent.app_id)}, shortId(app.parent.app_id)))
    : '';
  return el('tr', {class: 'app-row depth-' + depth, 'data-app-id': app.app_id},
    el('td', {}, toggle),
    el('td', {class: 'app-id', style: 'padding-left:' + (8 + depth * 22) + 'px'},
      el('a', {class: 'app-link', href: appUrl(app.app_id), title: app.app_id}, appName(app)),
      app.child_index !== undefined && depth > 0 ? el('span', {class: 'muted small'}, ' #' + app.child_index) : '', parent),
    el('td', {}, app.graph || app.entrypoint || '–'),
    el('td', {}, statusBadge(app.status)),
    el('td', {}, fmtTime(app.created_at_ms)),
    el('td', {}, fmtDuration(app.duration_ms)),
    el('td', {}, app.steps + (app.last_action ? ' · ' + app.last_action : '')),
    el('td', {class: 'children-count'}, childCounts(app.children)));
}

async function childrenRows(appId, depth) {
  const offset = view.expanded.get(appId) || 0;
  const {data} = await getJson('/api/children?id=' + encodeURIComponent(appId) + '&offset=' + offset + '&limit=' + PAGE);
  const rows = [];
  for (const child of data.items) {
    rows.push(appRow(child, depth));
    if (view.expanded.has(child.app_id)) rows.push(...await childrenRows(child.app_id, depth + 1));
  }
  if (data.total > data.limit) {
    rows.push(el('tr', {class: 'children-pager depth-' + depth}, el('td', {}), el('td', {colspan: 7},
      pager(data.total, data.offset, data.limit, o => { view.expanded.set(appId, o); render(true); }))));
  }
  return rows;
}

function toggleChildren(appId) {
  if (view.expanded.has(appId)) view.expanded.delete(appId); else view.expanded.set(appId, 0);
  render(true);
}

async function render(force) {
  const url = '/api/apps?offset=' + view.offset + '&limit=' + PAGE + '&q=' + encodeURIComponent(view.query);
  let result;
  try {
    result = await getJson(url);
  } catch (e) {
    document.getElementById('apps-body').replaceChildren(el('tr', {}, el('td', {colspan: 8, class: 'error'}, String(e))));
    return;
  }
  const {text, data} = result;
  if (!force && text === view.lastText) return; // nothing changed (running apps change their duration)
  view.lastText = text;
  const rows = [];
  for (const app of data.items) {
    rows.push(appRow(app, 0));
    if (view.expanded.has(app.app_id)) rows.push(...await childrenRows(app.app_id, 1));
  }
  if (rows.length === 0) {
    rows.push(el('tr', {}, el('td', {colspan: 8, class: 'muted'},
      view.query ? 'No application id contains “' + view.query + '”.' : 'No applications yet.')));
  }
  document.getElementById('apps-body').replaceChildren(...rows);
  document.getElementById('page-info').textContent = data.total === 0 ? '' :
    (data.offset + 1) + '–' + Math.min(data.total, data.offset + data.limit) + ' of ' + data.total;
  document.getElementById('prev').disabled = data.offset === 0;
  document.getElementById('next').disabled = data.offset + data.limit >= data.total;
}

document.getElementById('prev').addEventListener('click', () => { view.offset = Math.max(0, view.offset - PAGE); render(true); });
document.getElementById('next').addEventListener('click', () => { view.offset += PAGE; render(true); });
let searchTimer = null;
document.getElementById('search').addEventListener('input', e => {
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => { view.query = e.target.value.trim(); view.offset = 0; render(true); }, 200);
});
showSource();
render(true);
setInterval(() => render(false), 2000);
