// The PDF preview frame (public/pdf-viewer.html). It runs sandboxed — the
// iframe's sandbox="allow-scripts" and the page's own CSP `sandbox` give it
// an opaque origin: no cookie, no session, no access to the app or its API.
// pdf.js parses the document here, on this thread (the worker code is
// bundled in: an opaque origin cannot start a worker from a URL), and paints
// its pages as pixels on canvases; no text layer, no links, no forms, no
// scripting, no eval. Protocol with the app (the only window it listens to):
//   frame -> app  {type: 'ready'}
//   app -> frame  {type: 'render', data: ArrayBuffer, maxPages, pageLabel}
//   frame -> app  {type: 'rendered', pages, total} | {type: 'failed'}
import { getDocument } from 'pdfjs-dist';
import * as worker from 'pdfjs-dist/build/pdf.worker.min.mjs';

(globalThis as { pdfjsWorker?: unknown }).pdfjsWorker = worker;

// location.origin is "null" in a sandbox; the URL still names the server.
const appOrigin = new URL(window.location.href).origin;

interface RenderRequest {
  type: 'render';
  data: ArrayBuffer;
  maxPages: number;
  pageLabel: string; // "Page {page} of {total}"
}

function isRenderRequest(v: unknown): v is RenderRequest {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Partial<RenderRequest>;
  return (
    r.type === 'render' &&
    r.data instanceof ArrayBuffer &&
    typeof r.maxPages === 'number' &&
    typeof r.pageLabel === 'string'
  );
}

function tell(message: object) {
  window.parent.postMessage(message, appOrigin);
}

async function render(req: RenderRequest) {
  const doc = await getDocument({
    data: new Uint8Array(req.data),
    isEvalSupported: false,
    enableXfa: false,
    stopAtErrors: false,
  }).promise;
  const pages = Math.min(doc.numPages, Math.max(1, Math.floor(req.maxPages)));
  const root = document.getElementById('pages');
  if (!root) throw new Error('no #pages');
  const ratio = window.devicePixelRatio || 1;
  for (let n = 1; n <= pages; n++) {
    const page = await doc.getPage(n);
    const natural = page.getViewport({ scale: 1 });
    const width = Math.max(200, root.clientWidth - 16);
    const viewport = page.getViewport({ scale: (width / natural.width) * ratio });
    const canvas = document.createElement('canvas');
    canvas.width = Math.floor(viewport.width);
    canvas.height = Math.floor(viewport.height);
    canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
    canvas.setAttribute('role', 'img');
    canvas.setAttribute(
      'aria-label',
      req.pageLabel.replace('{page}', String(n)).replace('{total}', String(doc.numPages)),
    );
    root.appendChild(canvas);
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d context');
    await page.render({ canvasContext: ctx, viewport }).promise;
    page.cleanup();
  }
  tell({ type: 'rendered', pages, total: doc.numPages });
  await doc.destroy();
}

let started = false;
window.addEventListener('message', (e: MessageEvent<unknown>) => {
  if (e.source !== window.parent || e.origin !== appOrigin || started) return;
  if (!isRenderRequest(e.data)) return;
  started = true;
  render(e.data).catch(() => tell({ type: 'failed' }));
});
tell({ type: 'ready' });
