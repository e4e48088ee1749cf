import { escapeHtml, externalLink, html, SafeHtml } from './html';

describe('html', () => {
  it('escapes every interpolated value, in text and attributes', () => {
    const name = `<script>alert("x")</script>' onmouseover='x`;

    expect(html`<a title="${name}">${name}</a>`.value).toBe(
      '<a title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39; onmouseover=&#39;x</a>',
    );
  });

  it('inserts nested templates and lists as markup, and drops null, undefined and false', () => {
    expect(html`<ul>${['a', 'b'].map((item) => html`<li>${item}</li>`)}${null}${undefined}${false}</ul>`.value).toBe('<ul><li>a</li><li>b</li></ul>');
    expect(html`${new SafeHtml('<b>kept</b>')}`.value).toBe('<b>kept</b>');
  });

  it('links only http and https URLs', () => {
    expect(externalLink('https://example.com/?a=1&b=2').value).toBe('<a href="https://example.com/?a=1&amp;b=2" rel="noopener noreferrer">https://example.com/?a=1&amp;b=2</a>');
    expect(externalLink('javascript:alert(1)').value).toBe('javascript:alert(1)');
    expect(externalLink('plain text').value).toBe('plain text');
  });

  it('escapes the five significant characters', () => {
    expect(escapeHtml(`&<>"'`)).toBe('&amp;&lt;&gt;&quot;&#39;');
  });
});
