// Previews in the browser without rendering anything on the app's origin:
// the bytes are fetched as a Blob; images show through an object URL in
// <img> (the CSP allows blob: images), text as escaped text in a <pre>
// (the first 256 KiB), PDF in a sandboxed frame (/pdf-viewer.html: an
// opaque origin with no access to the app, its cookies or its API) where
// pdf.js paints the first pages on canvases. In an armoured workspace the
// bytes are opened in the page first: only images and texts are shown
// (previewOf), everything else is downloaded.
import { useEffect, useRef, useState } from 'react';
import { api } from '../../../api';
import { useArmourText } from '../../../armour/i18n';
import { Button } from '../../../components/Button';
import { Modal } from '../../../components/Dialog';
import { Alert, Spinner } from '../../../components/Feedback';
import { useI18n } from '../../../i18n';
import { useFiles, useFilesErrorText } from '../context';
import { decodeText, formatBytes } from '../logic/format';
import { previewOf, recordOf, type ShownNode } from '../sealed';
import { useNodeName } from './NodeName';
import { useDownload } from './NodeList';

export const TEXT_PREVIEW_BYTES = 256 * 1024;
/** Armoured texts are opened whole before their first bytes show: not beyond this. */
export const SEALED_TEXT_PREVIEW_BYTES = 4 * 1024 * 1024;
export const IMAGE_PREVIEW_BYTES = 32 * 1024 * 1024;
export const PDF_PREVIEW_BYTES = 32 * 1024 * 1024;
export const PDF_PREVIEW_PAGES = 20;

type Shown =
  | { kind: 'loading' }
  | { kind: 'image'; url: string }
  | { kind: 'text'; text: string; truncated: boolean }
  | { kind: 'pdf'; data: ArrayBuffer }
  | { kind: 'none'; reason: 'large' | 'other' }
  | { kind: 'error'; error: unknown };

export function PreviewDialog({ node, onClose }: { node: ShownNode; onClose(): void }) {
  const { t, locale } = useI18n();
  const ta = useArmourText();
  const { store } = useFiles();
  const errorText = useFilesErrorText();
  const download = useDownload();
  const name = useNodeName()(node);
  const kind = previewOf(node);
  const armour = node.sealed ? store.armour : null;
  const record = recordOf(node);
  const fetched =
    (kind === 'image' && node.size <= IMAGE_PREVIEW_BYTES) ||
    (kind === 'pdf' && node.size <= PDF_PREVIEW_BYTES) ||
    (kind === 'text' && (!armour || node.size <= SEALED_TEXT_PREVIEW_BYTES));
  const [loaded, setShown] = useState<Shown>({ kind: 'loading' });
  const shown: Shown = fetched ? loaded : { kind: 'none', reason: kind ? 'large' : 'other' };

  useEffect(() => {
    const ctl = new AbortController();
    let url = '';
    if (armour && record) {
      // Opened whole (its pieces check only together): an image as a picture, a text as text.
      const image = kind === 'image' && node.size <= IMAGE_PREVIEW_BYTES;
      const text = kind === 'text' && node.size <= SEALED_TEXT_PREVIEW_BYTES;
      if (image || text) {
        armour
          .openBlob(node.id, record, {
            signal: ctl.signal,
            type: image ? record.type : 'application/octet-stream',
          })
          .then(
            async (blob) => {
              if (ctl.signal.aborted) return;
              if (image) {
                url = URL.createObjectURL(blob);
                setShown({ kind: 'image', url });
                return;
              }
              const bytes = new Uint8Array(await blob.slice(0, TEXT_PREVIEW_BYTES).arrayBuffer());
              const truncated = blob.size > TEXT_PREVIEW_BYTES;
              setShown({ kind: 'text', text: decodeText(bytes, truncated), truncated });
            },
            (error: unknown) => !ctl.signal.aborted && setShown({ kind: 'error', error }),
          );
      }
    } else if (kind === 'image' && node.size <= IMAGE_PREVIEW_BYTES) {
      api.files.blob(node.id, { signal: ctl.signal }).then(
        ({ blob }) => {
          url = URL.createObjectURL(blob);
          setShown({ kind: 'image', url });
        },
        (error: unknown) => !ctl.signal.aborted && setShown({ kind: 'error', error }),
      );
    } else if (kind === 'pdf' && node.size <= PDF_PREVIEW_BYTES) {
      api.files.blob(node.id, { signal: ctl.signal }).then(
        async ({ blob }) => setShown({ kind: 'pdf', data: await blob.arrayBuffer() }),
        (error: unknown) => !ctl.signal.aborted && setShown({ kind: 'error', error }),
      );
    } else if (kind === 'text') {
      api.files.blob(node.id, { maxBytes: TEXT_PREVIEW_BYTES, signal: ctl.signal }).then(
        async ({ blob, partial }) => {
          const bytes = new Uint8Array(await blob.arrayBuffer());
          // A Range answer is 206 even when the whole (small) file fits in it.
          const truncated =
            partial && bytes.length >= TEXT_PREVIEW_BYTES && node.size > bytes.length;
          setShown({ kind: 'text', text: decodeText(bytes, truncated), truncated });
        },
        (error: unknown) => !ctl.signal.aborted && setShown({ kind: 'error', error }),
      );
    }
    return () => {
      ctl.abort();
      if (url) URL.revokeObjectURL(url);
    };
  }, [node.id, node.size, node.etag, kind, armour, record]);

  let body;
  switch (shown.kind) {
    case 'loading':
      body = <Spinner label={t('common.loading')} />;
      break;
    case 'image':
      body = (
        <div className="files-preview__image">
          <img src={shown.url} alt={t('files.preview_image_alt', { name })} />
        </div>
      );
      break;
    case 'text':
      body = (
        <>
          {shown.truncated ? (
            <p className="field__hint">
              {t('files.preview_truncated', { size: formatBytes(TEXT_PREVIEW_BYTES, locale) })}
            </p>
          ) : null}
          <pre
            className="files-preview__text"
            tabIndex={0}
            aria-label={t('files.preview_text_label', { name })}
          >
            {shown.text}
          </pre>
        </>
      );
      break;
    case 'pdf':
      body = <PdfFrame name={name} data={shown.data} />;
      break;
    case 'none':
      body = (
        <Alert kind="info">
          {shown.reason === 'large'
            ? t('files.preview_large')
            : armour
              ? ta('files.download_only')
              : t('files.preview_none')}
        </Alert>
      );
      break;
    case 'error':
      body = <Alert kind="error">{errorText(shown.error)}</Alert>;
      break;
  }

  return (
    <Modal title={name} onClose={onClose} className="files-dialog--wide files-preview">
      <div className="dialog__body">{body}</div>
      <div className="dialog__actions">
        <Button icon="download" onClick={() => download(node)}>
          {t('files.download')}
        </Button>
        <Button variant="primary" onClick={onClose}>
          {t('common.dismiss')}
        </Button>
      </div>
    </Modal>
  );
}

type PdfState =
  { kind: 'drawing' } | { kind: 'drawn'; pages: number; total: number } | { kind: 'failed' };

/**
 * The sandboxed PDF frame. It says when it is ready, gets the bytes, and
 * says how many pages it drew. Messages are taken only from that frame's
 * window; they are sent to "*" because a sandboxed frame has an opaque
 * origin that no origin string names (it cannot navigate away: only the
 * viewer's own script runs there).
 */
function PdfFrame({ name, data }: { name: string; data: ArrayBuffer }) {
  const { t } = useI18n();
  const frame = useRef<HTMLIFrameElement>(null);
  const [state, setState] = useState<PdfState>({ kind: 'drawing' });
  useEffect(() => {
    const onMessage = (e: MessageEvent<unknown>) => {
      if (!frame.current || e.source !== frame.current.contentWindow) return;
      const m = e.data as { type?: string; pages?: number; total?: number } | null;
      if (m?.type === 'ready') {
        const copy = data.slice(0);
        frame.current.contentWindow?.postMessage(
          {
            type: 'render',
            data: copy,
            maxPages: PDF_PREVIEW_PAGES,
            pageLabel: t('files.preview_pdf_page'),
          },
          '*',
          [copy],
        );
      } else if (m?.type === 'rendered') {
        setState({ kind: 'drawn', pages: Number(m.pages), total: Number(m.total) });
      } else if (m?.type === 'failed') {
        setState({ kind: 'failed' });
      }
    };
    window.addEventListener('message', onMessage);
    return () => window.removeEventListener('message', onMessage);
  }, [data, t]);
  if (state.kind === 'failed') return <Alert kind="error">{t('files.preview_pdf_failed')}</Alert>;
  return (
    <>
      {state.kind === 'drawn' && state.pages < state.total ? (
        <p className="field__hint">
          {t('files.preview_pdf_truncated', { pages: state.pages, total: state.total })}
        </p>
      ) : null}
      <iframe
        ref={frame}
        className="files-preview__pdf"
        src="/pdf-viewer.html"
        sandbox="allow-scripts"
        referrerPolicy="no-referrer"
        title={t('files.preview_pdf_label', { name })}
      />
    </>
  );
}
