import { Document, isMap, isScalar, LineCounter, parseDocument, visit } from 'yaml';
import type { ConfigProblem } from './config/app-config.types';

export type YamlPath = ReadonlyArray<string | number>;

export interface YamlSource {
  value: unknown;
  /** Syntax errors, each with its line; `value` is only meaningful when there are none. */
  problems: ConfigProblem[];
  /** The 1-based line of the node at `path`, when it exists. */
  lineOf(path: YamlPath): number | undefined;
  /** The 1-based line of the key of the mapping entry at `path` (where `foo:` is written), when it exists. */
  keyLineOf(path: YamlPath): number | undefined;
}

/** Parses YAML keeping where each node stands, so problems found later can name their line. */
export function readYaml(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true });
  const problems: ConfigProblem[] = document.errors.map((error) => ({ path: '', message: `YAML syntax error: ${error.message.split('\n')[0]}`, line: error.linePos?.[0].line }));
  let value: unknown;
  try {
    value = document.toJS();
  } catch (error) {
    // An alias without its anchor (`*a` before or without `&a`), or so many aliases that the value would explode.
    const message = error instanceof Error ? error.message : String(error);
    const alias = firstAlias(document, message);
    problems.push({ path: '', message: `YAML alias error: ${message}`, line: alias?.range ? lineCounter.linePos(alias.range[0]).line : undefined });
  }
  return {
    value,
    problems,
    lineOf(path) {
      const node = document.getIn(path, true) as { range?: [number, number, number] } | undefined;
      return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
    },
    keyLineOf(path) {
      const parent = path.length === 0 ? undefined : document.getIn(path.slice(0, -1), true);
      const pair = isMap(parent) ? parent.items.find((item) => isScalar(item.key) && item.key.value === path[path.length - 1]) : undefined;
      const key = pair && isScalar(pair.key) ? pair.key : undefined;
      return key?.range ? lineCounter.linePos(key.range[0]).line : undefined;
    },
  };
}

/** The alias the error names (`…: a` for `*a`), else the first alias of the document. */
function firstAlias(document: Document, message: string): { range?: [number, number, number] | null } | undefined {
  let first: { range?: [number, number, number] | null; source: string } | undefined;
  let named: typeof first;
  visit(document, {
    Alias(_key, node) {
      first ??= node;
      if (!named && message.endsWith(`: ${node.source}`)) named = node;
    },
  });
  return named ?? first;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
