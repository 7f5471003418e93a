// How an armoured message body starts (docs/armoured.md, "Messages"): on
// its own, so that screens of the main bundle (notifications) recognise a
// sealed body without the rest of format.ts.

/**
 * Sealed message versions: 1 seals the Markdown text, 2 a JSON payload with
 * the text and the message's attachments (their keys among them).
 */
export type MessageVersion = 1 | 2;
export const MESSAGE_PREFIXES: Readonly<Record<MessageVersion, string>> = {
  1: 'e2e1:',
  2: 'e2e2:',
};

/** Whether a message body is an armoured one, of either version (whatever its validity). */
export function isEncryptedBody(body: string): boolean {
  return Object.values(MESSAGE_PREFIXES).some((p) => body.startsWith(p));
}
