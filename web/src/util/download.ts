/**
 * Starts the browser's download of `url` (an attachment answer), with the
 * session cookie, as a link the person clicked would: no page change, and
 * the bytes never pass through the app's memory. A blob: URL works too
 * (bytes opened in the browser, armoured attachments), saved as `name`.
 */
export function startDownload(url: string, name = ''): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}
