// The REST API (DESIGN.md's table, docs/UPLOAD-PROTOCOL.md) with the token from localStorage.
const KEY = 'trainyard.token';

export const token = {
  get: () => localStorage.getItem(KEY) || '',
  set: (t) => localStorage.setItem(KEY, t.trim()),
  clear: () => localStorage.removeItem(KEY),
};

/** An error answer: the RFC 9457 problem's code, detail and the field it names, and its Retry-After. */
export class ApiError extends Error {
  constructor(status, problem, retryAfter = null) {
    const p = problem || {};
    super(p.detail || p.title || `HTTP ${status}`);
    this.status = status;
    this.retryAfterMs = retryAfterMs(retryAfter);
    this.code = p.code || `http_${status}`;
    this.field = p.field || null;
    this.errors = Array.isArray(p.errors) ? p.errors : [];
    this.problem = p; // extension members, e.g. an ingest_failed answer's datasetId and badLines
  }
}

function headers(extra) {
  const h = { Accept: 'application/json', ...extra };
  const t = token.get();
  if (t) h.Authorization = `Bearer ${t}`;
  return h;
}

/** A Retry-After header (seconds or an HTTP date) in ms, at most a minute; null when absent or unreadable. */
function retryAfterMs(header) {
  if (header === null || header === undefined || header === '') return null;
  const ms = /^\d+$/.test(header.trim()) ? Number(header) * 1000 : Date.parse(header) - Date.now();
  return Number.isNaN(ms) ? null : Math.max(0, Math.min(60000, ms));
}

async function failure(res) {
  let problem = null;
  try { problem = await res.json(); } catch { /* not JSON: the status says enough */ }
  if (res.status === 401) {
    token.clear();
    if (!location.hash.startsWith('#/signin')) location.hash = '#/signin';
  }
  return new ApiError(res.status, problem, res.headers.get('Retry-After'));
}

/** Waits ms, or less if the signal aborts. */
function pause(ms, signal) {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => { clearTimeout(t); resolve(); }, { once: true });
  });
}

/** JSON in, JSON out; null for an empty answer. Throws ApiError, or TypeError when offline. */
export async function api(path, { method = 'GET', json, body, contentType, extraHeaders, signal } = {}) {
  const h = headers(extraHeaders);
  let payload = body;
  if (json !== undefined) { payload = JSON.stringify(json); h['Content-Type'] = 'application/json'; }
  else if (contentType) h['Content-Type'] = contentType;
  const res = await fetch(path, { method, headers: h, body: payload, signal });
  if (!res.ok) throw await failure(res);
  const text = await res.text();
  return text ? JSON.parse(text) : null;
}

/** The rows of a list answer ({items, nextCursor} or a bare array). */
export const items = (list) => (Array.isArray(list) ? list : (list && list.items) || []);

/**
 * Uploads a file with POST /api/v1/datasets, reporting progress(sentBytes, totalBytes). The server
 * ingests while the file arrives and answers once done: resolves with the READY dataset; a bad
 * file rejects with an ApiError whose code is ingest_failed and whose problem names the FAILED
 * dataset (datasetId) and its badLines.
 * XMLHttpRequest because fetch() cannot report upload progress; the browser streams the File.
 */
export function uploadDataset(file, name, format, progress) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const q = new URLSearchParams({ name, format });
    xhr.open('POST', `/api/v1/datasets?${q}`);
    const h = headers({ 'Content-Type': 'application/octet-stream' });
    for (const [k, v] of Object.entries(h)) xhr.setRequestHeader(k, v);
    xhr.upload.onprogress = (e) => progress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onload = () => {
      let body = null;
      try { body = JSON.parse(xhr.responseText); } catch { /* handled below */ }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body);
      else reject(new ApiError(xhr.status, body));
    };
    xhr.onerror = () => reject(new Error('the connection to the server broke during the upload'));
    xhr.send(file);
  });
}

/**
 * Follows a Server-Sent Events stream with fetch() (EventSource cannot send the Authorization
 * header). Calls onEvent({id, type, data}) per event; reconnects with Last-Event-ID until the
 * stream ends normally or the signal aborts. A 429 (the tenant follows too many streams) or 503
 * is waited out for its Retry-After, then the stream is opened again; a broken connection after
 * a growing pause; other errors end it. onStatus({live: true}) says the stream is open,
 * onStatus({live: false, waitMs, error}) that it waits. Resolves with the last event id.
 */
export async function followEvents(path, lastId, onEvent, signal, onStatus = () => {}) {
  let last = lastId;
  for (let attempt = 0; !signal.aborted; attempt++) {
    let waitMs;
    try {
      const h = headers({ Accept: 'text/event-stream' });
      if (last) h['Last-Event-ID'] = last;
      const res = await fetch(path, { headers: h, signal });
      if (!res.ok) throw await failure(res);
      attempt = 0;
      onStatus({ live: true });
      last = await readSse(res.body, last, onEvent);
      return last; // the server closes the stream after the terminal state
    } catch (e) {
      if (signal.aborted) throw e;
      const busy = e instanceof ApiError && (e.status === 429 || e.status === 503);
      if (e instanceof ApiError && !busy) throw e;
      const backoff = Math.min(5000, 500 * 2 ** Math.min(attempt, 4));
      waitMs = busy && e.retryAfterMs !== null ? e.retryAfterMs : backoff;
      onStatus({ live: false, waitMs, error: e });
    }
    await pause(waitMs, signal);
  }
  return last;
}

async function readSse(stream, lastId, onEvent) {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buf = '';
  let ev = { id: lastId, type: 'message', data: null };
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return ev.id;
    buf += value;
    let nl;
    while ((nl = buf.search(/\r?\n/)) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + (buf[nl] === '\r' ? 2 : 1));
      if (line === '') {
        if (ev.data !== null) onEvent({ id: ev.id, type: ev.type, data: ev.data });
        ev = { id: ev.id, type: 'message', data: null };
        continue;
      }
      if (line.startsWith(':')) continue;
      const c = line.indexOf(':');
      const field = c < 0 ? line : line.slice(0, c);
      let v = c < 0 ? '' : line.slice(c + 1);
      if (v.startsWith(' ')) v = v.slice(1);
      if (field === 'data') ev.data = ev.data === null ? v : `${ev.data}\n${v}`;
      else if (field === 'event') ev.type = v;
      else if (field === 'id') ev.id = v;
    }
  }
}

/** Downloads a protected file: fetch with the token, then save it under the server's name. */
export async function download(path, fallbackName) {
  const res = await fetch(path, { headers: headers({ Accept: 'application/octet-stream' }) });
  if (!res.ok) throw await failure(res);
  const cd = res.headers.get('Content-Disposition') || '';
  const m = /filename="?([^";]+)"?/.exec(cd);
  const blob = await res.blob();
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = m ? m[1] : fallbackName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
  return blob.size;
}
