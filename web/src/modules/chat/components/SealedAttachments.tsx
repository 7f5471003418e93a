// The attachments of an armoured message, opened in the browser: images
// (PNG, JPEG, GIF, WebP) as previews drawn from blob: URLs, fetched and
// opened once however often the row is drawn (sealedFiles.ts); other files
// as chips that fetch, open and save them under their sealed name. A file
// that does not open (changed, cut short) says so.
import { useEffect, useState, type ReactNode } from 'react';
import { isArmourError, type SealedFile } from '../../../armour/format';
import { useArmourText } from '../../../armour/i18n';
import { Icon } from '../../../components/Icon';
import { useI18n } from '../../../i18n';
import { formatBytes, previewBox } from '../logic/attachments';
import {
  acquirePreview,
  downloadSealed,
  hasPreview,
  notePreviewSize,
  readyPreview,
} from '../sealedFiles';

const isAbort = (e: unknown) => e instanceof DOMException && e.name === 'AbortError';

/** Why a file does not show, in armour words. */
function useFileError(): (e: unknown) => string {
  const ta = useArmourText();
  return (e) => (isArmourError(e, 'bad_file') ? ta('file.bad') : ta('file.failed'));
}

export function SealedAttachments({
  files,
  tab,
}: {
  files: readonly SealedFile[];
  tab: number;
}): ReactNode {
  const { t } = useI18n();
  return (
    <ul className="attachments" aria-label={t('chat.attachments')}>
      {files.map((f) =>
        hasPreview(f) ? (
          <li key={f.id} className="attachment attachment--image">
            <SealedImage file={f} tab={tab} />
          </li>
        ) : (
          <li key={f.id} className="attachment attachment--file">
            <SealedFileChip file={f} tab={tab} />
          </li>
        ),
      )}
    </ul>
  );
}

function SealedImage({ file, tab }: { file: SealedFile; tab: number }) {
  const { t } = useI18n();
  const ta = useArmourText();
  const errorText = useFileError();
  const [state, setState] = useState<{ url: string | null; error: unknown }>(() => ({
    url: readyPreview(file)?.url ?? null,
    error: null,
  }));

  useEffect(() => {
    const preview = acquirePreview(file);
    let live = true;
    preview.url.then(
      (url) => {
        if (live) setState({ url, error: null });
      },
      (error: unknown) => {
        if (live && !isAbort(error)) setState({ url: null, error });
      },
    );
    return () => {
      live = false;
      preview.release();
    };
  }, [file]);

  if (state.error) {
    return (
      <StatusChip file={file} status="failed">
        <span className="attachment__error">{errorText(state.error)}</span>
      </StatusChip>
    );
  }
  if (!state.url) {
    return (
      <StatusChip file={file} status="pending">
        <span className="attachment__size">{ta('file.opening')}</span>
      </StatusChip>
    );
  }
  // Its box once it was drawn here before; the first time, CSS bounds it.
  const natural = readyPreview(file)?.natural;
  const box = natural ? previewBox(natural.width, natural.height) : undefined;
  return (
    <a
      href={state.url}
      target="_blank"
      rel="noopener noreferrer"
      tabIndex={tab}
      title={t('chat.open_image', { name: file.name })}
      aria-label={t('chat.open_image', { name: file.name })}
    >
      <img
        className="attachment__sealed-image"
        src={state.url}
        alt={file.name}
        width={box?.width}
        height={box?.height}
        decoding="async"
        onLoad={(e) =>
          notePreviewSize(file, e.currentTarget.naturalWidth, e.currentTarget.naturalHeight)
        }
      />
    </a>
  );
}

/** An image not shown (yet): its name and what is happening to it. */
function StatusChip({
  file,
  status,
  children,
}: {
  file: SealedFile;
  status: 'failed' | 'pending';
  children: ReactNode;
}) {
  return (
    <span
      className={`attachment__chip attachment__chip--${status}`}
      role="group"
      aria-label={file.name}
    >
      <Icon name="file" size={18} />
      <span className="attachment__name">{file.name}</span>
      {children}
    </span>
  );
}

function SealedFileChip({ file, tab }: { file: SealedFile; tab: number }) {
  const { t, locale } = useI18n();
  const ta = useArmourText();
  const errorText = useFileError();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const size = formatBytes(file.size, locale);

  const download = async () => {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      await downloadSealed(file);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <button
        type="button"
        className="attachment__chip"
        tabIndex={tab}
        aria-label={t('chat.download_file', { name: file.name, size })}
        aria-busy={busy || undefined}
        onClick={() => void download()}
      >
        <Icon name="file" size={18} />
        <span className="attachment__name">{file.name}</span>
        <span className="attachment__size">{busy ? ta('file.opening') : size}</span>
        <Icon name="download" size={16} />
      </button>
      {error ? (
        <span className="attachment__error" role="alert">
          {errorText(error)}
        </span>
      ) : null}
    </>
  );
}
