import { describe, expect, it } from 'vitest';
import { escapeHtml, highlightSnippet } from './snippet';

const O = '\uE000';
const C = '\uE001';

describe('search snippets', () => {
  it('wraps the marked matches in <mark>', () => {
    expect(highlightSnippet(`Les ${O}marchés${C} publics`)).toBe(
      'Les <mark>marchés</mark> publics',
    );
  });

  it('escapes the text before adding any markup', () => {
    const html = highlightSnippet(`<img src=x onerror=alert(1)> ${O}<b>x</b>${C} & "q" 'a'`);
    expect(html).toBe(
      '&#60;img src=x onerror=alert(1)&#62; <mark>&#60;b&#62;x&#60;/b&#62;</mark> &#38; &#34;q&#34; &#39;a&#39;',
    );
    const d = document.createElement('div');
    d.innerHTML = html;
    expect(d.querySelectorAll('img, b')).toHaveLength(0);
    expect(d.querySelectorAll('mark')).toHaveLength(1);
  });

  it('balances stray or missing markers', () => {
    expect(highlightSnippet(`a${C}b${O}c`)).toBe('ab<mark>c</mark>');
    expect(highlightSnippet(`${O}a${O}b${C}${C}`)).toBe('<mark>ab</mark>');
  });

  it('names mentions, escaping the names', () => {
    const id = '01HZALICE0000000000000000A';
    expect(highlightSnippet(`hi <@${id}> <!channel>`, () => '<Alice>')).toBe(
      'hi @&#60;Alice&#62; @channel',
    );
    expect(highlightSnippet(`hi <@${id}>`)).toBe('hi @…');
  });

  it('escapes the five HTML characters', () => {
    expect(escapeHtml(`<>&"'`)).toBe('&#60;&#62;&#38;&#34;&#39;');
  });
});
