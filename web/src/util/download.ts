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

/**
 * Has the browser save bytes opened in the page (armoured files and
 * attachments) as `name`. The blob should be typed
 * application/octet-stream: saved, never shown, so that a file typed as
 * HTML cannot open in the app's origin.
 */
export function saveBlob(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  startDownload(url, name);
  // The download reads the blob once it starts; then the URL can go.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
