import { describe, expect, it } from 'vitest';
import { renderChatMarkdown, renderMarkdown, sanitizeHighlight, sanitizeHtml } from './render';

function dom(html: string) {
  const d = document.createElement('div');
  d.innerHTML = html;
  return d;
}

describe('markdown rendering', () => {
  it('renders the usual Markdown', () => {
    const d = dom(
      renderMarkdown(
        '# Titre\n\nDu **gras**, de l’*italique*.\n\n- un\n- deux\n\n> cité\n\n`code`',
      ),
    );
    expect(d.querySelector('h1')?.textContent).toBe('Titre');
    expect(d.querySelector('strong')?.textContent).toBe('gras');
    expect(d.querySelectorAll('li')).toHaveLength(2);
    expect(d.querySelector('blockquote')).not.toBeNull();
    expect(d.querySelector('code')?.textContent).toBe('code');
  });

  it('keeps http, https and mailto links, opened safely', () => {
    const d = dom(
      renderMarkdown('[a](https://a.example) [b](http://b.example) [c](mailto:c@example.org)'),
    );
    const links = [...d.querySelectorAll('a')];
    expect(links.map((a) => a.getAttribute('href'))).toEqual([
      'https://a.example',
      'http://b.example',
      'mailto:c@example.org',
    ]);
    for (const a of links) {
      expect(a.getAttribute('rel')).toBe('noopener noreferrer nofollow');
      expect(a.getAttribute('target')).toBe('_blank');
    }
  });

  it('drops every other link target', () => {
    const d = dom(
      renderMarkdown(
        '[js](javascript:alert(1)) [data](data:text/html,x) [rel](/w/1) [vb](vbscript:x) [ws](  JaVaScRiPt:alert(1))',
      ),
    );
    for (const a of d.querySelectorAll('a')) expect(a.hasAttribute('href')).toBe(false);
    expect(d.textContent).toContain('js');
  });

  it('removes scripts, event handlers, styles, images, iframes and forms', () => {
    const html = renderMarkdown(
      [
        '<script>alert(1)</script>',
        '<img src="https://tracker.example/p.png" onerror="alert(1)">',
        '<p onclick="alert(1)" style="color:red" class="x" id="y">para</p>',
        '<iframe src="https://evil.example"></iframe>',
        '<form action="https://evil.example"><input name="p"></form>',
        '<svg><script>alert(1)</script></svg>',
        '<a href="https://ok.example" onmouseover="alert(1)">ok</a>',
        '![img](https://tracker.example/i.png)',
      ].join('\n\n'),
    );
    const d = dom(html);
    expect(d.querySelector('script, img, iframe, form, input, svg, style')).toBeNull();
    expect(html).not.toMatch(/onerror|onclick|onmouseover|style=|class=|id=/);
    expect(d.querySelector('p')?.textContent).toBe('para');
    expect(d.querySelector('a')?.getAttribute('href')).toBe('https://ok.example');
  });

  it('sanitizes HTML given directly too', () => {
    expect(sanitizeHtml('<b>x</b><strong>y</strong>')).toBe('x<strong>y</strong>');
  });
});

describe('chat messages', () => {
  const ALICE = '01HZALICE0000000000000000A';
  const mention = (id: string) => (id === ALICE ? { name: 'Alice <b>', me: true } : null);

  it('renders mentions as chips with escaped names, and @channel', () => {
    const d = dom(renderChatMarkdown(`Hi <@${ALICE}> and <!channel>, see **this**`, mention));
    const chips = [...d.querySelectorAll('span.mention')];
    expect(chips.map((c) => c.textContent)).toEqual(['@Alice <b>', '@channel']);
    expect(chips[0]?.className).toBe('mention mention--me');
    expect(d.querySelector('b')).toBeNull();
    expect(d.querySelector('strong')?.textContent).toBe('this');
  });

  it('shows unknown people as @…, keeps line breaks, and stays sanitized', () => {
    const html = renderChatMarkdown(
      `<@01HZNOBODY0000000000000000>\nline two <img src=x onerror=alert(1)> [x](javascript:alert(1)) [ok](https://ok.example)`,
      mention,
    );
    const d = dom(html);
    expect(d.querySelector('span.mention')?.textContent).toBe('@…');
    expect(d.querySelector('br')).not.toBeNull();
    expect(d.querySelector('img')).toBeNull();
    expect(html).not.toMatch(/onerror|javascript:/);
    const ok = d.querySelector('a[href="https://ok.example"]');
    expect(ok?.getAttribute('rel')).toMatch(/noopener noreferrer/);
  });

  it('never turns a mention in an attribute into markup', () => {
    const d = dom(renderChatMarkdown(`[a](https://x.example "t <@${ALICE}>")`, mention));
    expect(d.querySelector('a')?.getAttribute('title')).toBe('t @Alice <b>');
    expect(d.querySelectorAll('span')).toHaveLength(0);
  });

  it('keeps only <mark> in search snippets', () => {
    expect(sanitizeHighlight('<mark>a</mark><b onclick="x">b</b>')).toBe('<mark>a</mark>b');
  });
});

describe('Markdown with mentions (task comments)', () => {
  const ALIX = '01JALIXMARTIN0000000000000';
  const view = (id: string) => (id === ALIX ? { name: 'Alix <b>Martin</b>', me: true } : null);

  it('shows <@ID> as the name (text, never markup), the reader’s own marked, lines as plain Markdown', () => {
    const d = dom(renderMarkdown(`Vu avec <@${ALIX}>\net <@01JNOBODY00000000000000000>`, view));
    const chips = [...d.querySelectorAll('.mention')];
    expect(chips.map((c) => c.textContent)).toEqual(['@Alix <b>Martin</b>', '@…']);
    expect(chips.map((c) => c.className)).toEqual(['mention mention--me', 'mention']);
    expect(d.querySelector('b')).toBeNull();
    // Not chat: a single line break is no <br>.
    expect(d.querySelector('br')).toBeNull();
  });

  it('leaves the body as it is without people to name', () => {
    expect(renderMarkdown(`<@${ALIX}>`)).not.toContain('mention');
  });
});
