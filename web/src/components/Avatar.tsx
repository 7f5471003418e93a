// Initials on a colour picked from the name (no image: nothing to fetch).
export function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const first = parts[0]?.[0] ?? '?';
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? '') : '';
  return (first + last).toUpperCase();
}

function hue(seed: string): number {
  let h = 0;
  for (let i = 0; i < seed.length; i++) h = (h * 31 + seed.charCodeAt(i)) >>> 0;
  return h % 8;
}

export function Avatar({
  name,
  seed,
  size = 'md',
}: {
  name: string;
  seed?: string;
  size?: 'sm' | 'md' | 'lg';
}) {
  return (
    <span className={`avatar avatar--${size} avatar--c${hue(seed ?? name)}`} aria-hidden="true">
      {initials(name)}
    </span>
  );
}
