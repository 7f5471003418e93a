// Previews in the browser without rendering anything on the app's origin:
// the bytes are fetched as a Blob; images show through an object URL in
// <img> (the CSP allows blob: images), text as escaped text in a <pre>
// (the first 256 KiB). PDF would need a blob: frame, which the app's CSP
// does not allow (frame-src falls back to 'self', object-src 'none'): it is
// offered as a download.
import { useEffect, useState } from 'react';
import { api, type FileNode } from '../../../api';
import { Button } from '../../../components/Button';
import { Modal } from '../../../components/Dialog';
import { Alert, Spinner } from '../../../components/Feedback';
import { useI18n } from '../../../i18n';
import { useFilesErrorText } from '../context';
import { decodeText, formatBytes, previewKind } from '../logic/format';
import { download } from './NodeList';

export const TEXT_PREVIEW_BYTES = 256 * 1024;
export const IMAGE_PREVIEW_BYTES = 32 * 1024 * 1024;

type Shown =
  | { kind: 'loading' }
  | { kind: 'image'; url: string }
  | { kind: 'text'; text: string; truncated: boolean }
  | { kind: 'none'; reason: 'pdf' | 'large' | 'other' }
  | { kind: 'error'; error: unknown };

export function PreviewDialog({ node, onClose }: { node: FileNode; onClose(): void }) {
  const { t, locale } = useI18n();
  const errorText = useFilesErrorText();
  const kind = previewKind(node);
  const fetched = (kind === 'image' && node.size <= IMAGE_PREVIEW_BYTES) || kind === 'text';
  const [loaded, setShown] = useState<Shown>({ kind: 'loading' });
  const shown: Shown = fetched
    ? loaded
    : { kind: 'none', reason: kind === 'pdf' ? 'pdf' : kind === 'image' ? 'large' : 'other' };

  useEffect(() => {
    const ctl = new AbortController();
    let url = '';
    if (kind === 'image' && node.size <= IMAGE_PREVIEW_BYTES) {
      api.files.blob(node.id, { signal: ctl.signal }).then(
        ({ blob }) => {
          url = URL.createObjectURL(blob);
          setShown({ kind: 'image', url });
        },
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
  }, [node.id, node.size, node.etag, kind]);

  let body;
  switch (shown.kind) {
    case 'loading':
      body = <Spinner label={t('common.loading')} />;
      break;
    case 'image':
      body = (
        <div className="files-preview__image">
          <img src={shown.url} alt={t('files.preview_image_alt', { name: node.name })} />
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
            aria-label={t('files.preview_text_label', { name: node.name })}
          >
            {shown.text}
          </pre>
        </>
      );
      break;
    case 'none':
      body = (
        <Alert kind="info">
          {shown.reason === 'pdf'
            ? t('files.preview_pdf')
            : shown.reason === 'large'
              ? t('files.preview_large')
              : t('files.preview_none')}
        </Alert>
      );
      break;
    case 'error':
      body = <Alert kind="error">{errorText(shown.error)}</Alert>;
      break;
  }

  return (
    <Modal title={node.name} onClose={onClose} className="files-dialog--wide files-preview">
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
