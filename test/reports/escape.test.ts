import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  escapeMarkdownCell,
  escapeMarkdownText,
  escapeXml,
  jsonForScript,
} from '../../reports/escape.ts';

describe('escapeHtml', () => {
  it('escapes markup and quotes, and replaces control characters', () => {
    expect(escapeHtml(`<img src=x onerror="a('b')">&`)).toBe(
      '&lt;img src=x onerror=&quot;a(&#39;b&#39;)&quot;&gt;&amp;',
    );
    expect(escapeHtml('bell\u0007 tab\t nl\n')).toBe('bell\uFFFD tab\t nl\n');
  });
});

describe('escapeXml', () => {
  it('always yields text that is well-formed inside an element and an attribute', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const e = escapeXml(s);
        expect(XMLValidator.validate(`<a b="${e}">${e}</a>`)).toBe(true);
        // XMLValidator does not check these; XML 1.0 forbids them even escaped.
        // eslint-disable-next-line no-control-regex -- finding control characters is the point
        expect(e).not.toMatch(/[<>"\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/);
        expect(e).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
      }),
      { numRuns: 300 },
    );
  });

  it('replaces characters XML forbids, keeps astral ones', () => {
    expect(escapeXml('a\u0000b\u001Fc\uFFFEd\uD800e😀')).toBe('a\uFFFDb\uFFFDc\uFFFDd\uFFFDe😀');
  });
});

describe('jsonForScript', () => {
  it('round-trips through JSON.parse and never contains "<", ">", "&" or U+2028/2029', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (v, s) => {
        for (const value of [v, s, { s: `</script>${s}\u2028\u2029<!--` }]) {
          const out = jsonForScript(value);
          expect(out).not.toMatch(/[<>&\u2028\u2029]/);
          expect(JSON.parse(out)).toEqual(JSON.parse(JSON.stringify(value)));
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('escapeMarkdownCell', () => {
  it('escapes pipes, folds newlines and neutralises HTML', () => {
    expect(escapeMarkdownCell('a | b\n<b>c</b> *d*')).toBe('a \\| b &lt;b&gt;c&lt;/b&gt; \\*d\\*');
  });

  it('keeps balanced code spans as code and escapes a stray backtick', () => {
    expect(escapeMarkdownText('set `proxy_buffering off` <now>')).toBe(
      'set `proxy_buffering off` &lt;now&gt;',
    );
    expect(escapeMarkdownText('a ` b_c')).toBe('a \\` b\\_c');
  });
});
