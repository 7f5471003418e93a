// Prints the gzipped size of what index.html loads before any route chunk
// (the entry script, its modulepreloads and the stylesheet), as JSON lines,
// and fails above the 300 KiB budget.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const dist = process.argv[2];
const BUDGET = 300 * 1024;
const html = readFileSync(join(dist, 'index.html'), 'utf8');
const refs = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.(?:js|css))"/g)].map((m) => m[1]);
let total = 0;
let js = 0;
for (const ref of refs) {
  const bytes = gzipSync(readFileSync(join(dist, ref)), { level: 9 }).length;
  total += bytes;
  if (ref.endsWith('.js')) js += bytes;
}
console.log(JSON.stringify({ metric: 'main_bundle_gzip_bytes', value: total, files: refs.length }));
console.log(JSON.stringify({ metric: 'main_bundle_js_gzip_bytes', value: js }));
if (
  /<script(?![^>]*\bsrc=)[^>]*>/i.test(html) ||
  /<style[\s>]/i.test(html) ||
  /\sstyle=/i.test(html)
) {
  console.error('bundle: index.html has inline script or style (CSP forbids it)');
  process.exit(1);
}
if (total > BUDGET) {
  console.error(`bundle: main bundle ${total} B gzipped is over the ${BUDGET} B budget`);
  process.exit(1);
}
