import { propertyPattern } from './property-pattern';

function matches(pattern: string, value: string): boolean {
  const compiled = propertyPattern(pattern);
  if (!compiled.ok) throw new Error(`expected ${pattern} to compile: ${compiled.reason}`);
  return compiled.test(value);
}

function reasonOf(pattern: string): string {
  const compiled = propertyPattern(pattern);
  if (compiled.ok) throw new Error(`expected ${pattern} to be refused`);
  return compiled.reason;
}

describe('propertyPattern', () => {
  it('answers a pattern that backtracks exponentially in ECMAScript, on a value that does not match', () => {
    expect(matches('^(a+)+$', `${'a'.repeat(32)}!`)).toBe(false);
    expect(matches('^(a+)+$', 'a'.repeat(32))).toBe(true);
    expect(matches('^(a|a?)+b$', `${'a'.repeat(5_000)}c`)).toBe(false);
  });

  it('matches anywhere in the value unless anchored, as JSON Schema patterns do', () => {
    expect(matches('b', 'abc')).toBe(true);
    expect(matches('^b', 'abc')).toBe(false);
    expect(matches('c$', 'abc')).toBe(true);
    expect(matches('a$', 'a\nb')).toBe(false);
  });

  it.each([
    ['^[a-z]+\\/[0-9]{2,}$', 'team/42', true],
    ['^(?<owner>[\\w.-]+)\\/(?<repo>[\\w.-]+)$', 'acme/web-app', true],
    ['^\\d{4}-\\d{2}$', '2026-01', true],
    ['\\u00e9', 'café', true],
    ['\\u{1F600}', 'smile 😀', true],
    ['^.$', '😀', true],
    ['^\\p{Lu}', 'Émile', true],
    ['^[^\\s]+$', 'no-spaces', true],
    ['^[\\s\\S]*$', 'any\nthing', true],
    ['^a\\0b$', 'a\u0000b', true],
    ['^\\cJ$', '\n', true],
    ['(?:ab)+', 'xabab', true],
  ])('reads ECMAScript syntax: %s on %j is %s', (pattern, value, expected) => {
    expect(matches(pattern, value)).toBe(expected);
  });

  it('keeps ECMAScript\'s meaning of . and \\s, which are wider or narrower in RE2', () => {
    expect(matches('^a.b$', 'a\rb')).toBe(false);
    expect(matches('^a.b$', 'a\u2028b')).toBe(false);
    expect(matches('^a.b$', 'a-b')).toBe(true);
    expect(matches('^a\\sb$', 'a\u00a0b')).toBe(true);
    expect(matches('^a\\Sb$', 'a\u3000b')).toBe(false);
    expect(matches('^[\\s]+$', '\u2003\ufeff')).toBe(true);
  });

  it.each([
    ['(\\w)\\1', 'a backreference (\\1)'],
    ['(?<x>a)\\k<x>', 'a named backreference (\\k<name>)'],
    ['foo(?=bar)', 'a lookahead'],
    ['foo(?!bar)', 'a lookahead'],
    ['(?<=foo)bar', 'a lookbehind'],
    ['(?<!foo)bar', 'a lookbehind'],
  ])('refuses %s, which RE2 cannot run in linear time, naming %s', (pattern, construct) => {
    expect(reasonOf(pattern)).toContain(`it uses ${construct}`);
    expect(reasonOf(pattern)).toContain('linear-time regular expression engine (RE2) does not support');
  });

  it('does not mistake escaped or bracketed look-alikes for backreferences or lookarounds', () => {
    expect(matches('^\\(\\?=x\\)$', '(?=x)')).toBe(true);
    expect(matches('^[(?=]+$', '(?=')).toBe(true);
    expect(matches('^\\\\1$', '\\1')).toBe(true);
  });

  it('refuses what RE2 cannot compile, with its message, and what is not a regular expression at all', () => {
    expect(reasonOf('a{1001}')).toMatch(/^the catalog's linear-time regular expression engine \(RE2\) cannot compile it: .*repeat/);
    expect(reasonOf('(unclosed')).toMatch(/^it is not a valid regular expression: /);
  });
});
