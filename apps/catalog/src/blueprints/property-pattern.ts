import { RE2JS } from 're2js';

/**
 * A blueprint property's `pattern` (an ECMAScript regular expression, matched anywhere in the value as JSON Schema
 * says), compiled for RE2, whose matching time grows linearly with the value: a pattern such as `^(a+)+$`, which takes
 * a backtracking engine minutes on a short value, cannot stall the catalog. Constructs RE2 has no linear-time answer
 * for (backreferences, lookarounds) are refused with the reason.
 */
export type PropertyPattern = { ok: true; test: (value: string) => boolean } | { ok: false; reason: string };

/** ECMAScript's `\s`, which is wider than RE2's ASCII-only `\s`. */
const ECMASCRIPT_SPACE = '\\t\\n\\x{0B}\\f\\r \\x{A0}\\x{1680}\\x{2000}-\\x{200A}\\x{2028}\\x{2029}\\x{202F}\\x{205F}\\x{3000}\\x{FEFF}';
/** ECMAScript's `.` stops at every line terminator; RE2's only at `\n`. */
const ECMASCRIPT_DOT = '[^\\n\\r\\x{2028}\\x{2029}]';
const ENGINE = "the catalog's linear-time regular expression engine (RE2)";
const CACHE_LIMIT = 500;
const cache = new Map<string, PropertyPattern>();

export function propertyPattern(pattern: string): PropertyPattern {
  let compiled = cache.get(pattern);
  if (!compiled) {
    compiled = compile(pattern);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value ?? '');
    cache.set(pattern, compiled);
  }
  return compiled;
}

function compile(pattern: string): PropertyPattern {
  try {
    // Only parsed, never run: V8 compiles a RegExp on its first match.
    new RegExp(pattern, 'u');
  } catch (error) {
    return { ok: false, reason: `it is not a valid regular expression: ${messageOf(error)}` };
  }
  const source = toRe2Syntax(pattern);
  if (!source.ok) return source;
  try {
    const regexp = RE2JS.compile(RE2JS.translateRegExp(source.value));
    return { ok: true, test: (value) => regexp.test(value) };
  } catch (error) {
    return { ok: false, reason: `${ENGINE} cannot compile it: ${messageOf(error)}` };
  }
}

/**
 * Rewrites what RE2 reads differently (`.`, `\s`, `\S` outside a character class) and refuses what it cannot run.
 * RE2JS.translateRegExp then handles `\u`, `\c` and named groups; it would turn `\k<name>` into a literal, hence the
 * check here. The input is a valid ECMAScript pattern in `u` mode.
 */
function toRe2Syntax(pattern: string): { ok: true; value: string } | { ok: false; reason: string } {
  const unsupported = (what: string) => ({ ok: false as const, reason: `it uses ${what}, which ${ENGINE} does not support` });
  let out = '';
  let inClass = false;
  for (let index = 0; index < pattern.length; index += 1) {
    const char = pattern[index];
    const next = pattern[index + 1] ?? '';
    if (char === '\\') {
      index += 1;
      if (!inClass && /[1-9]/.test(next)) return unsupported(`a backreference (\\${/^\d+/.exec(pattern.slice(index))?.[0] ?? next})`);
      if (next === 'k') return unsupported('a named backreference (\\k<name>)');
      if (next === 's') out += inClass ? ECMASCRIPT_SPACE : `[${ECMASCRIPT_SPACE}]`;
      else if (next === 'S' && !inClass) out += `[^${ECMASCRIPT_SPACE}]`;
      else if (next === '0') out += '\\x{0}';
      else out += `\\${next}`;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
      out += char;
      continue;
    }
    if (char === '[') inClass = true;
    if (char === '(' && next === '?') {
      const kind = pattern.slice(index + 2, index + 4);
      if (kind.startsWith('=') || kind.startsWith('!')) return unsupported('a lookahead ((?=…) or (?!…))');
      if (kind === '<=' || kind === '<!') return unsupported('a lookbehind ((?<=…) or (?<!…))');
    }
    out += char === '.' ? ECMASCRIPT_DOT : char;
  }
  return { ok: true, value: out };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
