import { renderMarkdown } from './markdown';

const render = (source: string): string => renderMarkdown(source).value.replace(/^<div class="markdown">|<\/div>$/g, '');

describe('renderMarkdown', () => {
  it('renders headings, paragraphs, emphasis, code and lists', () => {
    expect(render('# Title\nSome **bold**, *em*, _also em_ and `a < b`.\n\n- one\n- two\n\n1. first\n2) second')).toBe(
      '<h3>Title</h3><p>Some <strong>bold</strong>, <em>em</em>, <em>also em</em> and <code>a &lt; b</code>.</p><ul><li>one</li><li>two</li></ul><ol><li>first</li><li>second</li></ol>',
    );
  });

  it('keeps fenced code verbatim, escaped, with no markup inside', () => {
    expect(render('```\n<b>**not bold**</b>\n```')).toBe('<pre><code>&lt;b&gt;**not bold**&lt;/b&gt;</code></pre>');
  });

  it('links http and https URLs only', () => {
    expect(render('[docs](https://docs.example.com/a?b=1&c=2)')).toBe('<p><a href="https://docs.example.com/a?b=1&amp;c=2" rel="noopener noreferrer nofollow">docs</a></p>');
    expect(render('[plain](http://example.com)')).toContain('<a href="http://example.com/"');
  });

  it('drops closing hashes of a heading, but not a hash that is part of it', () => {
    expect(render('## Title ##')).toBe('<h4>Title</h4>');
    expect(render('# C#')).toBe('<h3>C#</h3>');
  });

  it('renders long lines of unclosed markers as text, and says how much of a huge value it left out', () => {
    const unclosed = ['[a '.repeat(30_000), `**${'a'.repeat(60_000)}`, `\`${'b '.repeat(20_000)}`].join('\n\n');
    const out = render(unclosed);

    expect(/<(strong|em|code|a)\b/.test(out)).toBe(false);
    expect(unclosed.length).toBe(190_007);
    expect(out.endsWith('<p class="muted">… 90007 more characters not shown</p>')).toBe(true);
  });

  describe('against hostile input', () => {
    it.each([
      ['a script tag', '<script>alert(1)</script>', '<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>'],
      ['an image with a handler', '<img src=x onerror=alert(1)>', '<p>&lt;img src=x onerror=alert(1)&gt;</p>'],
      ['a javascript: link', '[click](javascript:alert(1))', '<p>click (javascript:alert(1))</p>'],
      ['a javascript: link in mixed case', '[click](JaVaScRiPt:alert(1))', '<p>click (JaVaScRiPt:alert(1))</p>'],
      ['a data: link', '[x](data:text/html;base64,PHNjcmlwdD4=)', '<p>x (data:text/html;base64,PHNjcmlwdD4=)</p>'],
      ['a vbscript: link', '[x](vbscript:msgbox)', '<p>x (vbscript:msgbox)</p>'],
      ['markup in a link text', '[<img src=x onerror=alert(1)>](https://ok.test)', '<p><a href="https://ok.test/" rel="noopener noreferrer nofollow">&lt;img src=x onerror=alert(1)&gt;</a></p>'],
      ['markup in emphasis', '**<b onclick="x">**', '<p><strong>&lt;b onclick=&quot;x&quot;&gt;</strong></p>'],
      ['markup in a heading', '## <svg onload=alert(1)>', '<h4>&lt;svg onload=alert(1)&gt;</h4>'],
      ['markup in a code span', '`</code><script>x</script>`', '<p><code>&lt;/code&gt;&lt;script&gt;x&lt;/script&gt;</code></p>'],
    ])('escapes %s', (_label, source, expected) => {
      expect(render(source)).toBe(expected);
    });

    it('cannot break out of the href attribute', () => {
      const out = render('[x](https://a.test/"onmouseover="alert(1))');

      expect(out).toBe('<p><a href="https://a.test/%22onmouseover=%22alert(1)" rel="noopener noreferrer nofollow">x</a></p>');
      expect(out).not.toMatch(/"\s*onmouseover/);
    });

    it("cannot break out with single quotes or an HTML entity either", () => {
      const out = render(`[x](https://a.test/'onfocus='alert(1)') &lt;script&gt; &#x3C;script&#x3E;`);

      expect(out).not.toContain(`'onfocus`);
      expect(out).not.toContain('<script');
      expect(out).toContain('&amp;lt;script&amp;gt;');
    });

    it('emits no tag but its own', () => {
      const hostile = ['<iframe src=//evil.test>', '<a href="javascript:x">a</a>', '<style>*{}</style>', '"><svg/onload=alert(1)>', "'-alert(1)-'", '<!-- c -->', '<math><mi xlink:href="javascript:x">'].join('\n\n');
      const tags = [...render(hostile).matchAll(/<\/?([a-z0-9]+)/gi)].map((match) => match[1]);

      expect(new Set(tags)).toEqual(new Set(['p']));
    });
  });
});
