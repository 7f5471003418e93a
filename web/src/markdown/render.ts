// Markdown -> sanitized HTML for user-written content (the instance home
// page). marked parses; DOMPurify keeps only an allowlist of tags and
// attributes; links keep only http, https and mailto targets and open in a
// new tab without referrer. No image is kept: it would load from a third
// party (and CSP forbids it anyway).
import DOMPurify from 'dompurify';
import { Marked } from 'marked';

const ALLOWED_TAGS = [
  'a',
  'blockquote',
  'br',
  'code',
  'del',
  'em',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'hr',
  'li',
  'ol',
  'p',
  'pre',
  's',
  'strong',
  'table',
  'tbody',
  'td',
  'th',
  'thead',
  'tr',
  'ul',
];
const ALLOWED_ATTR = ['href', 'title', 'align'];
const SAFE_LINK = /^(https?:|mailto:)/i;

const marked = new Marked({ gfm: true, breaks: false, async: false });
// Chat messages: a line break typed with Shift+Enter is a line break.
const chatMarked = new Marked({ gfm: true, breaks: true, async: false });

let purifier: ReturnType<typeof DOMPurify> | null = null;

function getPurifier(): ReturnType<typeof DOMPurify> {
  if (purifier) return purifier;
  const p = DOMPurify(window);
  p.addHook('afterSanitizeAttributes', (node) => {
    if (node.nodeName === 'A') {
      const href = node.getAttribute('href') ?? '';
      if (!SAFE_LINK.test(href.trim())) {
        node.removeAttribute('href');
      } else {
        node.setAttribute('target', '_blank');
        node.setAttribute('rel', 'noopener noreferrer nofollow');
      }
    }
  });
  purifier = p;
  return p;
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

export function sanitizeHtml(html: string): string {
  const p = getPurifier();
  // DOMPurify hands back its input untouched where it cannot run: never
  // trust that, show the text instead.
  if (!p.isSupported) return escapeHtml(html);
  return p.sanitize(html, {
    ALLOWED_TAGS,
    ALLOWED_ATTR,
    ALLOW_DATA_ATTR: false,
    ALLOW_ARIA_ATTR: false,
    KEEP_CONTENT: true,
  });
}

/**
 * Markdown -> sanitized HTML. With `mention` (task comments), people
 * mentioned as `<@ID>` show as "@Name" chips, as in chat messages.
 */
export function renderMarkdown(
  source: string,
  mention?: (id: string) => MentionView | null,
): string {
  if (mention) return withMentions(marked, source, mention);
  const html = marked.parse(source) as string;
  return sanitizeHtml(html);
}

/** How a mention (chat message, task comment) is shown: the person's name, and whether it is the reader. */
export interface MentionView {
  name: string;
  me: boolean;
}

const MENTION_OPEN = '\uE100';
const MENTION_CLOSE = '\uE101';
const CHANNEL_TOKEN = '\uE102';
const TOKENS = /\uE100([0-9A-Za-z]{26})\uE101|\uE102/g;

/**
 * A chat message's Markdown -> sanitized HTML, with mentions (`<@ID>`,
 * `<!channel>`) as "@Name" chips. Mentions travel through Markdown and the
 * sanitizer as private-use characters, and become elements afterwards, in
 * text nodes only (built with the DOM API: names are text, never markup).
 */
export function renderChatMarkdown(
  source: string,
  mention: (id: string) => MentionView | null,
): string {
  return withMentions(chatMarked, source, mention);
}

function withMentions(
  parser: Marked,
  source: string,
  mention: (id: string) => MentionView | null,
): string {
  const prepared = source
    .replace(/[\uE100-\uE102]/g, '')
    .replace(/<@([0-9A-Za-z]{26})>/g, `${MENTION_OPEN}$1${MENTION_CLOSE}`)
    .replace(/<!channel>/g, CHANNEL_TOKEN);
  const html = sanitizeHtml(parser.parse(prepared) as string);
  if (!/[\uE100\uE102]/.test(html) || typeof document === 'undefined') return html;

  const label = (id: string | undefined) => {
    if (id === undefined) return { text: '@channel', cls: 'mention mention--channel' };
    const v = mention(id);
    return {
      text: `@${v?.name ?? '…'}`,
      cls: v?.me ? 'mention mention--me' : 'mention',
    };
  };
  // An inert template: nothing in it runs or loads.
  const tpl = document.createElement('template');
  tpl.innerHTML = html;
  const walker = document.createTreeWalker(tpl.content, NodeFilter.SHOW_TEXT);
  const texts: Text[] = [];
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    if (/[\uE100\uE102]/.test(n.nodeValue ?? '')) texts.push(n as Text);
  }
  for (const node of texts) {
    const value = node.nodeValue ?? '';
    const frag = document.createDocumentFragment();
    let last = 0;
    for (const m of value.matchAll(TOKENS)) {
      const at = m.index ?? 0;
      if (at > last) frag.append(value.slice(last, at));
      const { text, cls } = label(m[1]);
      const span = document.createElement('span');
      span.className = cls;
      span.textContent = text;
      frag.append(span);
      last = at + m[0].length;
    }
    if (last < value.length) frag.append(value.slice(last));
    node.replaceWith(frag);
  }
  // Tokens in attributes (a link title): plain text.
  for (const el of tpl.content.querySelectorAll('*')) {
    for (const attr of [...el.attributes]) {
      if (/[\uE100-\uE102]/.test(attr.value)) {
        el.setAttribute(
          attr.name,
          attr.value.replace(TOKENS, (_, id: string | undefined) => label(id).text),
        );
      }
    }
  }
  return tpl.innerHTML;
}

/** Search snippets: already escaped HTML with <mark> only; sanitized again all the same. */
export function sanitizeHighlight(html: string): string {
  const p = getPurifier();
  if (!p.isSupported) return escapeHtml(html.replace(/<\/?mark>/g, ''));
  return p.sanitize(html, { ALLOWED_TAGS: ['mark'], ALLOWED_ATTR: [], KEEP_CONTENT: true });
}
