// An image's thumbnail in a grid tile, in place of its icon once drawn.
// Nothing is fetched before the tile comes near the view; the picture is
// decoded in the browser from the file's bytes (armoured: opened first),
// scaled down on a canvas (never shown at full size, never on an <img>
// pointing at the API) and the full-size decode is released at once.
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { api } from '../../../api';
import { useFiles } from '../context';
import {
  THUMBNAIL_HEIGHT,
  THUMBNAIL_MAX_BYTES,
  THUMBNAIL_WIDTH,
  ThumbnailQueue,
  coverRect,
} from '../logic/thumbnails';
import { previewOf, recordOf, type ShownNode } from '../sealed';

/** How a thumbnail's picture is fetched. */
type Bytes = (signal: AbortSignal) => Promise<Blob>;

async function makeThumbnail(bytes: Bytes, signal: AbortSignal): Promise<ImageBitmap> {
  const full = await createImageBitmap(await bytes(signal));
  try {
    const canvas = document.createElement('canvas');
    canvas.width = THUMBNAIL_WIDTH;
    canvas.height = THUMBNAIL_HEIGHT;
    const ctx = canvas.getContext('2d');
    if (!ctx) throw new Error('no 2d canvas');
    const r = coverRect(full.width, full.height, THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT);
    ctx.imageSmoothingQuality = 'high';
    ctx.drawImage(full, r.x, r.y, r.w, r.h);
    return await createImageBitmap(canvas);
  } finally {
    full.close();
  }
}

// One queue for the page: two decodes at a time, the last 300 kept.
const thumbnails = new ThumbnailQueue<ImageBitmap, Bytes>(makeThumbnail, (b) => b.close());

/** Whether a node gets a thumbnail in the grid. */
export function hasThumbnail(n: ShownNode): boolean {
  return previewOf(n) === 'image' && n.size > 0 && n.size <= THUMBNAIL_MAX_BYTES;
}

export function Thumbnail({ node, children }: { node: ShownNode; children: ReactNode }) {
  const { store } = useFiles();
  const armour = store.armour;
  const record = recordOf(node);
  const box = useRef<HTMLSpanElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [drawn, setDrawn] = useState(false);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const key = `${node.id}:${node.etag}`;
    const ctl = new AbortController();
    const draw = (bitmap: ImageBitmap | null) => {
      const ctx = canvas.current?.getContext('2d');
      if (!bitmap || !ctx || ctl.signal.aborted) return;
      ctx.clearRect(0, 0, THUMBNAIL_WIDTH, THUMBNAIL_HEIGHT);
      ctx.drawImage(bitmap, 0, 0);
      setDrawn(true);
    };
    setDrawn(false);
    const hit = thumbnails.cached(key);
    if (hit) {
      draw(hit);
      return () => ctl.abort();
    }
    const seen = new IntersectionObserver(
      (entries) => {
        if (!entries.some((e) => e.isIntersecting)) return;
        seen.disconnect();
        const bytes: Bytes =
          armour && record
            ? (signal) => armour.openBlob(node.id, record, { signal, type: record.type })
            : (signal) => api.files.blob(node.id, { signal }).then((r) => r.blob);
        void thumbnails.request(key, bytes, ctl.signal).then(draw);
      },
      { rootMargin: '200px' },
    );
    seen.observe(el);
    return () => {
      seen.disconnect();
      ctl.abort();
    };
  }, [node.id, node.etag, armour, record]);

  return (
    <span ref={box} className={drawn ? 'files-thumb files-thumb--drawn' : 'files-thumb'}>
      {drawn ? null : children}
      <canvas
        ref={canvas}
        className="files-thumb__canvas"
        width={THUMBNAIL_WIDTH}
        height={THUMBNAIL_HEIGHT}
        hidden={!drawn}
        aria-hidden="true"
      />
    </span>
  );
}
