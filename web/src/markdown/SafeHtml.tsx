// The one place HTML from user content reaches the DOM: always sanitized.
import { useMemo } from 'react';
import { renderMarkdown } from './render';

export default function Markdown({ source, className }: { source: string; className?: string }) {
  const html = useMemo(() => renderMarkdown(source), [source]);
  return (
    <div
      className={className ? `prose ${className}` : 'prose'}
      dangerouslySetInnerHTML={{ __html: html }}
    />
  );
}
