import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPOSITORY_ROOT } from './dockerfile';

export const DASHBOARD_PATH = join(REPOSITORY_ROOT, 'deploy/grafana/glint-dashboard.json');

export interface DashboardTarget {
  refId: string;
  expr: string | undefined;
  datasource: unknown;
}

export interface DashboardPanel {
  id: unknown;
  type: string;
  title: string;
  datasource: unknown;
  targets: DashboardTarget[];
}

export interface DashboardVariable {
  name: string;
  type: string;
  /** The query of a `query` variable (e.g. `label_values(metric, label)`), or what a `datasource` variable lists. */
  query: string;
  datasource: unknown;
}

export interface Dashboard {
  uid: string;
  title: string;
  schemaVersion: number;
  /** Every panel, those inside rows included; rows too. */
  panels: DashboardPanel[];
  variables: DashboardVariable[];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const records = (value: unknown): Record<string, unknown>[] => (Array.isArray(value) ? value.filter(isRecord) : []);

function panelOf(panel: Record<string, unknown>): DashboardPanel {
  return {
    id: panel.id,
    type: text(panel.type),
    title: text(panel.title),
    datasource: panel.datasource,
    targets: records(panel.targets).map((target) => ({
      refId: text(target.refId),
      expr: typeof target.expr === 'string' ? target.expr : undefined,
      datasource: target.datasource,
    })),
  };
}

/** The parts of a Grafana dashboard model the checks read; what is missing reads as empty. */
export function parseDashboard(json: string): Dashboard {
  const model: unknown = JSON.parse(json);
  if (!isRecord(model)) throw new Error('a dashboard is a JSON object');
  const topLevel = records(model.panels);
  const templating = isRecord(model.templating) ? model.templating : {};
  return {
    uid: text(model.uid),
    title: text(model.title),
    schemaVersion: typeof model.schemaVersion === 'number' ? model.schemaVersion : 0,
    panels: topLevel.flatMap((panel) => [panelOf(panel), ...records(panel.panels).map(panelOf)]),
    variables: records(templating.list).map((variable) => ({
      name: text(variable.name),
      type: text(variable.type),
      query: isRecord(variable.query) ? text(variable.query.query) : text(variable.query),
      datasource: variable.datasource,
    })),
  };
}

export function readDashboard(path = DASHBOARD_PATH): Dashboard {
  return parseDashboard(readFileSync(path, 'utf8'));
}

/** A series selector: the metric it names and the labels its `{…}` matches on. */
export interface SelectorUse {
  metric: string;
  labels: string[];
}

/** A `by (…)`/`without (…)` of an aggregation, or an `on (…)`/`ignoring (…)`/`group_left (…)` of a binary operation. */
export interface LabelListUse {
  clause: string;
  labels: string[];
  /** The metrics the clause applies to: those inside the aggregation; every metric of the expression for a matching clause. */
  metrics: string[];
}

export interface PromqlReferences {
  selectors: SelectorUse[];
  labelLists: LabelListUse[];
}

type TokenKind = 'identifier' | 'string' | 'number' | 'range' | 'variable' | 'punctuation';
interface Token {
  kind: TokenKind;
  text: string;
}

const TOKEN_PATTERNS: ReadonlyArray<readonly [TokenKind | 'skip', RegExp]> = [
  ['skip', /\s+|#[^\n]*/y],
  ['string', /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/y],
  // A range or subquery, `[5m]`, `[$__rate_interval]`, `[1h:5m]`: durations only, no names.
  ['range', /\[[^\]]*\]/y],
  ['variable', /\$\{[^}]*\}|\$\w+/y],
  ['number', /(?:0x[0-9a-f]+|(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)(?:ms|[smhdwy])?/iy],
  ['identifier', /[a-zA-Z_:][a-zA-Z0-9_:]*/y],
  ['punctuation', /==|!=|=~|!~|>=|<=|[-+*/%^(){},=<>@]/y],
];

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let at = 0;
  scanning: while (at < expr.length) {
    for (const [kind, pattern] of TOKEN_PATTERNS) {
      pattern.lastIndex = at;
      const match = pattern.exec(expr);
      if (match === null || match[0] === '') continue;
      if (kind !== 'skip') tokens.push({ kind, text: match[0] });
      at += match[0].length;
      continue scanning;
    }
    throw new Error(`cannot read PromQL at "${expr.slice(at, at + 20)}"`);
  }
  return tokens;
}

/** For each opening `(` or `{`, the index of the token that closes it. */
function closers(tokens: readonly Token[]): Map<number, number> {
  const closing = new Map<number, number>();
  const open: number[] = [];
  tokens.forEach((token, index) => {
    if (token.text === '(' || token.text === '{') open.push(index);
    if (token.text === ')' || token.text === '}') {
      const opener = open.pop();
      if (opener === undefined || tokens[opener].text !== (token.text === ')' ? '(' : '{')) throw new Error(`unbalanced "${token.text}"`);
      closing.set(opener, index);
    }
  });
  if (open.length > 0) throw new Error(`unclosed "${tokens[open[0]].text}"`);
  return closing;
}

const GROUPING = new Set(['by', 'without']);
const MATCHING = new Set(['on', 'ignoring', 'group_left', 'group_right']);
const KEYWORDS = new Set(['bool', 'offset', 'and', 'or', 'unless', 'inf', 'nan', 'atan2']);
const AGGREGATIONS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);
const MATCH_OPERATORS = new Set(['=', '!=', '=~', '!~']);

/**
 * The metrics a PromQL expression selects, the labels its selectors match on, and the label lists of its
 * aggregations and vector matchings. Throws on what it cannot read (e.g. a selector with no metric name), so that
 * nothing a check should see slips past it.
 */
export function promqlReferences(expr: string): PromqlReferences {
  const tokens = tokenize(expr);
  const closing = closers(tokens);
  const closeOf = (index: number) => {
    const close = closing.get(index);
    if (close === undefined) throw new Error(`expected "(" after ${tokens[index - 1]?.text ?? 'the start'}`);
    return close;
  };
  const selectors: Array<SelectorUse & { at: number }> = [];
  const clauses: Array<{ clause: string; labels: string[]; at: number }> = [];
  const aggregations: number[] = [];
  const labelsBetween = (open: number, close: number) =>
    tokens.slice(open + 1, close).flatMap((token) => {
      if (token.kind === 'identifier') return [token.text];
      if (token.text === ',') return [];
      throw new Error(`"${token.text}" in a label list`);
    });

  for (let index = 0; index < tokens.length; index += 1) {
    const token = tokens[index];
    const next = tokens[index + 1];
    if (token.text === '{') throw new Error('a selector without a metric name');
    if (token.kind !== 'identifier') continue;
    const word = token.text.toLowerCase();
    if (GROUPING.has(word) || MATCHING.has(word)) {
      if (next?.text !== '(') {
        if (GROUPING.has(word) || word === 'on' || word === 'ignoring') throw new Error(`"${token.text}" without a label list`);
        continue;
      }
      const close = closeOf(index + 1);
      clauses.push({ clause: word, labels: labelsBetween(index + 1, close), at: index });
      index = close;
    } else if (KEYWORDS.has(word)) {
      continue;
    } else if (AGGREGATIONS.has(word) && (next?.text === '(' || GROUPING.has(next?.text.toLowerCase() ?? ''))) {
      aggregations.push(index);
    } else if (next?.text === '(') {
      continue;
    } else {
      const labels: string[] = [];
      if (next?.text === '{') {
        const close = closeOf(index + 1);
        const matchers = tokens.slice(index + 2, close);
        for (let at = 0; at < matchers.length; at += 4) {
          const [label, operator, value, comma] = matchers.slice(at, at + 4);
          const wellFormed =
            label?.kind === 'identifier' &&
            MATCH_OPERATORS.has(operator?.text ?? '') &&
            value?.kind === 'string' &&
            (comma === undefined || comma.text === ',');
          if (!wellFormed) throw new Error(`cannot read the matchers of ${token.text}`);
          labels.push(label.text);
        }
        selectors.push({ metric: token.text, labels, at: index });
        index = close;
      } else {
        selectors.push({ metric: token.text, labels, at: index });
      }
    }
  }

  const metricsBetween = (open: number, close: number) => selectors.filter(({ at }) => at > open && at < close).map(({ metric }) => metric);
  const bound = new Set<number>();
  const labelLists: LabelListUse[] = [];
  for (const aggregation of aggregations) {
    const before = clauses.find(({ at, clause }) => at === aggregation + 1 && GROUPING.has(clause));
    const open = before ? closeOf(aggregation + 2) + 1 : aggregation + 1;
    if (tokens[open]?.text !== '(') throw new Error(`expected the argument of ${tokens[aggregation].text}`);
    const close = closeOf(open);
    const clause = before ?? clauses.find(({ at, clause }) => at === close + 1 && GROUPING.has(clause));
    if (clause === undefined) continue;
    bound.add(clause.at);
    labelLists.push({ clause: clause.clause, labels: clause.labels, metrics: metricsBetween(open, close) });
  }
  for (const clause of clauses) {
    if (GROUPING.has(clause.clause) && !bound.has(clause.at)) throw new Error(`"${clause.clause}" outside an aggregation`);
    if (MATCHING.has(clause.clause)) labelLists.push({ clause: clause.clause, labels: clause.labels, metrics: selectors.map(({ metric }) => metric) });
  }
  return { selectors: selectors.map(({ metric, labels }) => ({ metric, labels })), labelLists };
}

/**
 * What is wrong with an expression, given the series Prometheus can hold and their labels: metrics no service
 * registers, matchers on labels the metric does not have, `by (…)` lists naming labels the aggregated metrics lack.
 * Empty when nothing is.
 */
export function checkExpression(expr: string, series: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  let references: PromqlReferences;
  try {
    references = promqlReferences(expr);
  } catch (error) {
    return [`cannot check "${expr}": ${error instanceof Error ? error.message : String(error)}`];
  }
  const problems = references.selectors.flatMap(({ metric, labels }) => {
    const known = series.get(metric);
    if (known === undefined) return [`${metric} is not a metric any service registers`];
    return labels.filter((label) => !known.has(label)).map((label) => `${metric} has no label ${label}`);
  });
  for (const { clause, labels, metrics } of references.labelLists) {
    for (const metric of metrics) {
      const known = series.get(metric);
      for (const label of labels)
        if (known !== undefined && !known.has(label)) problems.push(`${clause} (${labels.join(', ')}): ${metric} has no label ${label}`);
    }
  }
  if (references.selectors.length === 0) problems.push(`"${expr}" selects no metric`);
  return problems;
}

/** The same for a Prometheus `query` variable: `label_values(selector, label)` is the one form it reads. */
export function checkVariableQuery(query: string, series: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const match = /^\s*label_values\(\s*(.+?)\s*,\s*([a-zA-Z_]\w*)\s*\)\s*$/.exec(query);
  if (match === null) return [`cannot check the variable query "${query}": only label_values(selector, label) is read`];
  const [, selector, label] = match;
  const problems = checkExpression(selector, series);
  const metrics = problems.length === 0 ? promqlReferences(selector).selectors.map(({ metric }) => metric) : [];
  return [...problems, ...metrics.filter((metric) => !series.get(metric)?.has(label)).map((metric) => `${metric} has no label ${label}`)];
}
