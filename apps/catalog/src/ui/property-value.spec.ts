import type { PropertySchema } from '../blueprints/blueprint.types';
import { propertyValue } from './property-value';

const now = new Date('2026-12-03T12:00:00.000Z');
const show = (value: unknown, schema?: PropertySchema, mode: 'cell' | 'full' = 'full'): string => propertyValue(value, schema, mode, now).value;

describe('propertyValue', () => {
  it('shows a date-time humanely with the ISO value on hover', () => {
    expect(show('2026-12-03T11:00:00Z', { type: 'string', format: 'date-time' })).toBe('<time datetime="2026-12-03T11:00:00.000Z" title="2026-12-03T11:00:00.000Z">1 hour ago</time>');
  });

  it("shows an enum value as a badge in the blueprint's colour, and an unknown colour as the neutral badge", () => {
    const schema: PropertySchema = { type: 'string', enum: ['gold', 'silver'], enumColors: { gold: 'yellow', silver: 'red;background:url(x)' } };

    expect(show('gold', schema)).toBe('<span class="badge enum enum-yellow">gold</span>');
    expect(show('silver', schema)).toBe('<span class="badge enum enum-none">silver</span>');
  });

  it('shows arrays as lists and objects as key-value lists, escaped', () => {
    expect(show(['a', '<b>'], { type: 'array', items: { type: 'string' } })).toBe('<ul class="values"><li>a</li><li>&lt;b&gt;</li></ul>');
    expect(show({ region: 'eu', replicas: 3, nested: { on: true } }, { type: 'object' })).toBe(
      '<dl class="kv"><dt>region</dt><dd>eu</dd><dt>replicas</dt><dd><span class="num">3</span></dd><dt>nested</dt><dd><dl class="kv"><dt>on</dt><dd><span class="bool">✓ true</span></dd></dl></dd></dl>',
    );
  });

  it('keeps a cell short', () => {
    expect(show(Array.from({ length: 8 }, (_, index) => String(index)), undefined, 'cell')).toContain('<li class="muted">and 3 more</li>');
    expect(show('x'.repeat(300), { type: 'string' }, 'cell')).toMatch(/^<span title="x{300}">x{120}…<\/span>$/);
  });

  it('renders markdown through the safe renderer and links only http(s) URLs', () => {
    expect(show('**hi** <script>', { type: 'string', format: 'markdown' })).toBe('<div class="markdown"><p><strong>hi</strong> &lt;script&gt;</p></div>');
    expect(show('javascript:alert(1)', { type: 'string', format: 'url' })).toBe('javascript:alert(1)');
    expect(show('https://x.test', { type: 'string', format: 'url' })).toBe('<a href="https://x.test/" rel="noopener noreferrer">https://x.test</a>');
  });
});
