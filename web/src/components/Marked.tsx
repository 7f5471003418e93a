// A search snippet with its matches (between U+E000 and U+E001, as the
// server marks them) in <mark>, as text nodes: nothing in it is markup.
export function Marked({ snippet }: { snippet: string }) {
  const parts = snippet.split(/([\uE000\uE001])/);
  const out = [];
  let open = false;
  for (const [i, part] of parts.entries()) {
    if (part === '\uE000') open = true;
    else if (part === '\uE001') open = false;
    else if (part) out.push(open ? <mark key={i}>{part}</mark> : part);
  }
  return <>{out}</>;
}
