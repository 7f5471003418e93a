// Attachments as the chat shows them: sizes, preview boxes, and the files a
// drop or a paste brings.

/** The most attachments one message may carry (the server's limit). */
export const MAX_ATTACHMENTS = 10;

const units = ['B', 'KB', 'MB', 'GB'] as const;
const unitsFr = ['o', 'Ko', 'Mo', 'Go'] as const;

/** "1,5 Mo" / "1.5 MB": 1024-based, one decimal below 10. */
export function formatBytes(bytes: number, locale: string): string {
  const names = locale.startsWith('fr') ? unitsFr : units;
  let n = Math.max(0, bytes);
  let u = 0;
  while (n >= 1024 && u < names.length - 1) {
    n /= 1024;
    u++;
  }
  const digits = u === 0 || n >= 10 ? 0 : 1;
  const text = new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(n);
  return `${text} ${names[u]}`;
}

/** The box an image preview takes: its own size, scaled down to fit, never up. */
export function previewBox(
  width: number,
  height: number,
  max: { width: number; height: number } = { width: 360, height: 240 },
): { width: number; height: number } {
  if (width <= 0 || height <= 0) return { width: max.width, height: max.height };
  const scale = Math.min(1, max.width / width, max.height / height);
  return {
    width: Math.max(1, Math.round(width * scale)),
    height: Math.max(1, Math.round(height * scale)),
  };
}

/** The files of a drop or a paste (an image pasted from the clipboard has a generic name). */
export function filesOf(data: DataTransfer | null, now = new Date()): File[] {
  if (!data) return [];
  const out: File[] = [];
  for (const item of Array.from(data.items ?? [])) {
    if (item.kind !== 'file') continue;
    const f = item.getAsFile();
    if (f) out.push(f);
  }
  if (out.length === 0) out.push(...Array.from(data.files ?? []));
  return out.map((f) => (f.name ? f : renamed(f, pastedName(f.type, now))));
}

/** "image-2026-11-29-142501.png" for a pasted image. */
export function pastedName(type: string, now: Date): string {
  const ext = type.startsWith('image/')
    ? type
        .slice(6)
        .replace('jpeg', 'jpg')
        .replace(/[^a-z0-9]/g, '')
    : 'bin';
  const p = (n: number) => String(n).padStart(2, '0');
  const stamp = `${now.getFullYear()}-${p(now.getMonth() + 1)}-${p(now.getDate())}-${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`;
  return `${type.startsWith('image/') ? 'image' : 'file'}-${stamp}.${ext || 'bin'}`;
}

function renamed(f: File, name: string): File {
  return new File([f], name, { type: f.type, lastModified: f.lastModified });
}

/** Whether a drag carries files (not text or a link). */
export function dragHasFiles(data: DataTransfer | null): boolean {
  return !!data && Array.from(data.types ?? []).includes('Files');
}
