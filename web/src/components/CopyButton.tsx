import { useEffect, useState } from 'react';
import { useI18n } from '../i18n';
import { Button } from './Button';

/** Copies `text` to the clipboard and says so for two seconds. */
export function CopyButton({
  text,
  label,
  size = 'sm',
}: {
  text: string;
  label?: string;
  size?: 'sm' | 'md';
}) {
  const { t } = useI18n();
  const [done, setDone] = useState(false);
  useEffect(() => {
    if (!done) return;
    const id = setTimeout(() => setDone(false), 2000);
    return () => clearTimeout(id);
  }, [done]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone(true);
    } catch {
      // Clipboard API refused (insecure context): the legacy path.
      const area = document.createElement('textarea');
      area.value = text;
      area.setAttribute('readonly', '');
      area.className = 'visually-hidden';
      document.body.appendChild(area);
      area.select();
      setDone(document.execCommand('copy'));
      area.remove();
    }
  };
  return (
    <Button size={size} icon={done ? 'check' : 'copy'} onClick={copy} aria-live="polite">
      {done ? t('common.copied') : (label ?? t('common.copy'))}
    </Button>
  );
}
