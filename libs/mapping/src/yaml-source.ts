import { LineCounter, parseDocument } from 'yaml';
import type { ConfigProblem } from './config/app-config.types';

export type YamlPath = ReadonlyArray<string | number>;

export interface YamlSource {
  value: unknown;
  /** Syntax errors, each with its line; `value` is only meaningful when there are none. */
  problems: ConfigProblem[];
  /** The 1-based line of the node at `path`, when it exists. */
  lineOf(path: YamlPath): number | undefined;
}

/** Parses YAML keeping where each node stands, so problems found later can name their line. */
export function readYaml(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true });
  return {
    value: document.toJS(),
    problems: document.errors.map((error) => ({ path: '', message: `YAML syntax error: ${error.message.split('\n')[0]}`, line: error.linePos?.[0].line })),
    lineOf(path) {
      const node = document.getIn(path, true) as { range?: [number, number, number] } | undefined;
      return node?.range ? lineCounter.linePos(node.range[0]).line : undefined;
    },
  };
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((item) => typeof item === 'string');
}
