import fc from 'fast-check';
import { stringify } from 'yaml';

/** Inputs for the fuzz targets of the config parsers: YAML-ish text, mutations of valid files, and jq programs. */

/** YAML's syntax, its 1.1 tags and directives, anchors and aliases, and keys that trip up plain objects. */
const YAML_TOKENS = [
  ':', ': ', '- ', '? ', '{', '}', '[', ']', ',', '#', '"', "'", '\\', '|', '|-', '>', '>-', '&a ', '&b ', '*a', '*b', '<<: ', '<<: *a',
  '!!str ', '!!int ', '!!float ', '!!bool ', '!!null ', '!!binary ', '!!set ', '!!omap ', '!!pairs ', '!!map ', '!!seq ', '!!timestamp ', '!local ', '!<tag:x> ',
  '%YAML 1.1\n---\n', '%YAML 1.2\n---\n', '%TAG !x! tag:x:\n---\n', '---\n', '...\n', '\n', '\n  ', '\n    ', '\n  - ', '\t', '  ', ' ', '\r\n', '\u00a0', '\ufeff',
  '~', 'null', 'true', 'no', 'yes', 'on', '0x1F', '0o17', '1e309', '-.inf', '.nan', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '12:30:45', '0777', '1_000',
  '__proto__', 'constructor', 'hasOwnProperty', 'toString', 'valueOf', 'prototype', '', 'x', 'key', '"quoted \\u0000 \\ud800"', "'single ''quoted'''",
];

export const yamlTokens = fc.oneof({ weight: 5, arbitrary: fc.constantFrom(...YAML_TOKENS) }, fc.string({ unit: 'grapheme', maxLength: 6 }));

/** Text built from YAML's own pieces, with `extra` tokens (a file format's keys) mixed in. */
export function yamlishText(extra: readonly string[]): fc.Arbitrary<string> {
  const tokens = extra.length > 0 ? fc.oneof(yamlTokens, fc.constantFrom(...extra)) : yamlTokens;
  return fc.array(tokens, { maxLength: 40 }).map((parts) => parts.join(''));
}

type Mutation = { kind: 'delete' | 'duplicate' | 'swap-with-next'; line: number } | { kind: 'insert'; line: number; column: number; text: string } | { kind: 'replace-value'; line: number; text: string };

const mutations = (tokens: fc.Arbitrary<string>): fc.Arbitrary<Mutation> =>
  fc.oneof(
    fc.record({ kind: fc.constantFrom('delete' as const, 'duplicate' as const, 'swap-with-next' as const), line: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), line: fc.nat(), column: fc.nat(), text: tokens }),
    fc.record({ kind: fc.constant('replace-value' as const), line: fc.nat(), text: tokens }),
  );

function mutate(text: string, changes: readonly Mutation[]): string {
  const lines = text.split('\n');
  for (const change of changes) {
    if (lines.length === 0) break;
    const at = change.line % lines.length;
    const line = lines[at];
    switch (change.kind) {
      case 'delete':
        lines.splice(at, 1);
        break;
      case 'duplicate':
        lines.splice(at, 0, line);
        break;
      case 'swap-with-next':
        if (at + 1 < lines.length) [lines[at], lines[at + 1]] = [lines[at + 1], line];
        break;
      case 'insert': {
        const column = change.column % (line.length + 1);
        lines[at] = line.slice(0, column) + change.text + line.slice(column);
        break;
      }
      case 'replace-value': {
        const colon = line.indexOf(': ');
        lines[at] = colon >= 0 ? `${line.slice(0, colon + 2)}${change.text}` : `${line.slice(0, line.length - line.trimStart().length)}${change.text}`;
        break;
      }
    }
  }
  return lines.join('\n');
}

/** A valid file with a few lines deleted, duplicated, swapped or edited: mostly valid, wrong in one place. */
export function mutatedText(valid: string, tokens: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.array(mutations(tokens), { minLength: 1, maxLength: 4 }).map((changes) => mutate(valid, changes));
}

/** Flow collections nested up to thousands deep, under one of the given keys. */
const deeplyNested = (keys: readonly string[]) =>
  fc.tuple(fc.constantFrom('', ...keys), fc.integer({ min: 1, max: 3_000 }), fc.constantFrom('[', '{a: ')).map(([key, depth, open]) => `${key}${open.repeat(depth)}${(open === '[' ? ']' : '}').repeat(depth)}\n`);

/** Arbitrary text: any code point, YAML-shaped text, and deep nesting. */
export function arbitraryTexts(extra: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof({ weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 300 }) }, { weight: 3, arbitrary: yamlishText(extra) }, deeplyNested(extra));
}

/** A structured value written as YAML text (how a hand-written file with the right shape but wrong values looks). */
export const asYaml = (value: unknown): string => stringify(value);

const JQ_TOKENS = [
  '.', '.name', '.id', '.[0]', '.["a b"]', '.[]', '..', '|', ',', '(', ')', '[', ']', '{', '}', ':', ';', '?', '//', '+', '-', '*', '/', '%', '==', '!=', '<', 'and', 'or', 'not',
  '"x"', '"\\(.a)"', '"\\u0000"', '1', '-1', '1e1000', 'null', 'true', 'false', 'if', 'then', 'elif', 'else', 'end', 'try', 'catch', 'reduce', 'foreach', 'as', '$x', '$ENV', '$__loc__',
  'env', 'input', 'inputs', 'def f: ', 'f', 'select(', 'map(', 'limit(1; ', 'first(', 'range(3)', 'recurse', 'tostring', 'tojson', 'fromjson', 'test("a")', 'gsub("a"; "b")', 'split(",")',
  '@base64', '@json', '@sh', '@text', 'error', 'error("x")', 'halt', 'halt_error', 'empty', 'getpath(["a"])', 'paths', 'keys', 'length', 'label $out | ', 'break $out', 'input_filename',
  'import "a" as a; ', 'include "b"; ', 'debug', 'stderr', '$__prog_args', 'ltrimstr("x")', 'strptime("%Y")', 'mktime', 'now', '#', '\n', '\\', '`', '"', "'",
];

/** jq-like programs: real jq tokens in any order, valid programs from the shipped mapping, and any text. */
export function jqPrograms(valid: readonly string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.array(fc.constantFrom(...JQ_TOKENS), { minLength: 1, maxLength: 12 }).map((parts) => parts.join(' ')) },
    { weight: 2, arbitrary: fc.constantFrom(...valid) },
    fc.array(fc.constantFrom(...JQ_TOKENS), { minLength: 1, maxLength: 12 }).map((parts) => parts.join('')),
    fc.string({ unit: 'grapheme', maxLength: 30 }),
  );
}
