// The one place HTML from user content reaches the DOM: always sanitized.
import { useMemo } from 'react';
import { renderChatMarkdown, renderMarkdown, sanitizeHighlight, type MentionView } from './render';

export type { MentionView } from './render';

/** Sanitized Markdown; with `mention`, `<@ID>` shows as the person's name (task comments). */
export default function Markdown({
  source,
  className,
  mention,
}: {
  source: string;
  className?: string;
  mention?: (id: string) => MentionView | null;
}) {
  const html = useMemo(() => renderMarkdown(source, mention), [source, mention]);
  return (
    <div
      className={className ? `prose ${className}` : 'prose'}
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}

/** A chat message body: sanitized Markdown with mention chips. */
export function ChatMarkdown({
  source,
  mention,
  className,
}: {
  source: string;
  mention: (id: string) => MentionView | null;
  className?: string;
}) {
  const html = useMemo(() => renderChatMarkdown(source, mention), [source, mention]);
  return (
    <div
      className={className ? `prose prose--chat ${className}` : 'prose prose--chat'}
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}

/** A search snippet already escaped with matches in <mark> (see highlightSnippet). */
export function SafeHighlight({ html, className }: { html: string; className?: string }) {
  const clean = useMemo(() => sanitizeHighlight(html), [html]);
  return <span className={className} dangerouslySetInnerHTML={{ __html: clean }} />;
}
