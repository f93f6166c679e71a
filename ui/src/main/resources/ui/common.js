'use strict';
// Helpers shared by the list and the app page: DOM building, formatting, fetching.

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}

async function getJson(url) {
  const res = await fetch(url, {cache: 'no-store'});
  const text = await res.text();
  if (!res.ok) {
    let message = text;
    try { message = JSON.parse(text).error; } catch (e) { /* not JSON */ }
    throw new Error(res.status + ': ' + message);
  }
  return {text, data: JSON.parse(text)};
}

function appUrl(id) {
  return '/app?id=' + encodeURIComponent(id);
}

function fmtDuration(ms) {
  if (ms === null || ms === undefined) return '–';
  if (ms < 1000) return ms + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(ms < 10000 ? 2 : 1) + ' s';
  const m = Math.floor(ms / 60000);
  const s = Math.round((ms % 60000) / 1000);
  return m + ' min ' + s + ' s';
}

function fmtTime(ms) {
  if (!ms) return '–';
  const d = new Date(ms);
  const today = new Date();
  const time = d.toLocaleTimeString([], {hour12: false});
  return d.toDateString() === today.toDateString() ? time : d.toLocaleDateString() + ' ' + time;
}

function statusBadge(status) {
  return el('span', {class: 'status status-' + status}, status);
}

function shortId(id) {
  return id.length > 28 ? id.slice(0, 12) + '…' + id.slice(-8) : id;
}

// A child by its label in its job's tree (sonnet, phone:1100) when it has one, else by its id.
function appName(app) {
  return app.label || shortId(app.app_id);
}

function jsonText(v) {
  if (typeof v === 'string') return v; // text as it reads, newlines and all
  return JSON.stringify(v, null, 2).replace(/\\n/g, '\n');
}

function childCounts(c) {
  if (!c || !c.total) return '';
  const parts = [];
  if (c.completed) parts.push(c.completed + ' completed');
  if (c.running) parts.push(c.running + ' running');
  if (c.failed) parts.push(c.failed + ' failed');
  if (c.waiting) parts.push(c.waiting + ' waiting for input');
  return c.total + ' (' + parts.join(', ') + ')';
}

async function showSource() {
  try {
    const {data} = await getJson('/api/info');
    document.getElementById('source').textContent = data.source;
  } catch (e) { /* the header line is optional */ }
}

function pager(total, offset, limit, go) {
  const box = el('div', {class: 'pager small'});
  if (total <= limit) return box;
  box.append(
    el('button', {class: 'page-prev', disabled: offset === 0, onclick: () => go(Math.max(0, offset - limit))}, '‹'),
    el('span', {class: 'page-info'}, (offset + 1) + '–' + Math.min(total, offset + limit) + ' of ' + total),
    el('button', {class: 'page-next', disabled: offset + limit >= total, onclick: () => go(offset + limit)}, '›'));
  return box;
}
