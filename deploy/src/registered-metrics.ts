import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { githubLimitsRecorder, MetricsRegistry, rateLimitRecorder } from '@glint/observability';
import { Counter, Gauge, Histogram, Summary } from 'prom-client';
import * as ts from 'typescript';
import { REPOSITORY_ROOT } from './dockerfile';

export type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary';

/** A metric as the code registers it: its prom-client name, type and label names, and where it came from. */
export interface MetricDefinition {
  name: string;
  type: MetricType;
  labels: string[];
  source: string;
}

/** What a scan of one source file found: the metrics whose name and labels are literals, and how many it could not read. */
export interface ScannedSource {
  file: string;
  metrics: MetricDefinition[];
  unreadable: number;
}

/**
 * Sources whose metrics {@link importedMetrics} builds by running their code: their constructors take names from
 * variables (the rate-limit factories), which a scan cannot read.
 */
export const IMPORTED_SOURCES = ['libs/observability/src/metrics-registry.ts', 'libs/observability/src/rate-limit-metrics.ts'];

/**
 * Labels Prometheus adds to every series it scrapes (`job`, `instance`), and the `service` label every service's
 * MetricsRegistry sets by default.
 */
export const LABELS_OF_EVERY_SERIES = ['job', 'instance', 'service'];

const isStringArray = (value: unknown): value is string[] => Array.isArray(value) && value.every((item: unknown) => typeof item === 'string');

/**
 * The metrics of libs/observability, made the way the services make them, in a fresh registry: the Node.js process
 * metrics and `glint_dependency_up` of every service's MetricsRegistry, and the GitHub rate-limit and shared-limit
 * metrics its factories register. Nothing is scraped and nothing connects anywhere.
 */
export function importedMetrics(): MetricDefinition[] {
  const metrics = new MetricsRegistry('dashboard-check');
  rateLimitRecorder(metrics);
  githubLimitsRecorder(metrics, { warn: () => undefined });
  return metrics.registry.getMetricsAsArray().map((metric) => {
    const type: MetricType | undefined =
      metric instanceof Histogram
        ? 'histogram'
        : metric instanceof Summary
          ? 'summary'
          : metric instanceof Gauge
            ? 'gauge'
            : metric instanceof Counter
              ? 'counter'
              : undefined;
    if (type === undefined) throw new Error(`${metric.name} is not a prom-client Counter, Gauge, Histogram or Summary`);
    const labels = 'labelNames' in metric && isStringArray(metric.labelNames) ? [...metric.labelNames] : [];
    return { name: metric.name, type, labels, source: 'libs/observability (imported)' };
  });
}

const METRIC_CLASSES: ReadonlyMap<string, MetricType> = new Map([
  ['Counter', 'counter'],
  ['Gauge', 'gauge'],
  ['Histogram', 'histogram'],
  ['Summary', 'summary'],
]);

/** Folders that hold no source of the repository's own. */
const NOT_SOURCES = new Set(['node_modules', 'dist', '.nx', 'coverage', 'tmp']);
const isTest = (name: string) => /\.(spec|int-spec|spec-helper)\.ts$/.test(name);

function sourcesUnder(folder: string): string[] {
  return readdirSync(folder).flatMap((name) => {
    if (NOT_SOURCES.has(name)) return [];
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return sourcesUnder(path);
    return name.endsWith('.ts') && !isTest(name) ? [path] : [];
  });
}

function propertyOf(literal: ts.ObjectLiteralExpression, name: string): ts.ObjectLiteralElementLike | undefined {
  return literal.properties.find((property) => property.name !== undefined && ts.isIdentifier(property.name) && property.name.text === name);
}

/** The metric a `new Counter({ name: '…', labelNames: ['…'] })` defines, or undefined when its name or labels are not literals. */
function definitionOf(node: ts.NewExpression, type: MetricType, source: string): MetricDefinition | undefined {
  const [configuration] = node.arguments ?? [];
  if (configuration === undefined || !ts.isObjectLiteralExpression(configuration)) return undefined;
  const name = propertyOf(configuration, 'name');
  if (name === undefined || !ts.isPropertyAssignment(name) || !ts.isStringLiteralLike(name.initializer)) return undefined;
  const labelNames = propertyOf(configuration, 'labelNames');
  if (labelNames === undefined) return { name: name.initializer.text, type, labels: [], source };
  if (!ts.isPropertyAssignment(labelNames) || !ts.isArrayLiteralExpression(labelNames.initializer)) return undefined;
  const labels = labelNames.initializer.elements.map((element) => (ts.isStringLiteralLike(element) ? element.text : undefined));
  return isStringArray(labels) ? { name: name.initializer.text, type, labels, source } : undefined;
}

/**
 * Reads every prom-client metric constructor (`new Counter|Gauge|Histogram|Summary({…})`) in the sources of apps/ and
 * libs/ (tests left out) with the TypeScript parser. The services' metric classes live in Nest services that deploy/
 * may not import, and the queue gauges need a Redis-backed QueueOverview; their names and labels are literals, so
 * their syntax tells them exactly.
 */
export function scanMetricSources(): ScannedSource[] {
  const files = ['apps', 'libs'].flatMap((folder) => sourcesUnder(join(REPOSITORY_ROOT, folder)));
  return files.flatMap((path) => {
    const text = readFileSync(path, 'utf8');
    if (!text.includes("from 'prom-client'")) return [];
    const file = relative(REPOSITORY_ROOT, path).split(sep).join('/');
    const sourceFile = ts.createSourceFile(path, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
    const scanned: ScannedSource = { file, metrics: [], unreadable: 0 };
    const visit = (node: ts.Node): void => {
      const type = ts.isNewExpression(node) && ts.isIdentifier(node.expression) ? METRIC_CLASSES.get(node.expression.text) : undefined;
      if (type !== undefined && ts.isNewExpression(node)) {
        const definition = definitionOf(node, type, file);
        if (definition) scanned.metrics.push(definition);
        else scanned.unreadable += 1;
      }
      ts.forEachChild(node, visit);
    };
    visit(sourceFile);
    return scanned.metrics.length + scanned.unreadable > 0 ? [scanned] : [];
  });
}

/**
 * The series names Prometheus stores for a metric, with the labels each carries: a Counter or Gauge under its own
 * name (prom-client adds no `_total`), a Histogram as `_bucket` (with `le`), `_sum` and `_count`, a Summary under its
 * name (with `quantile`), `_sum` and `_count`.
 */
export function exposedSeries(definitions: readonly MetricDefinition[]): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>();
  const add = (name: string, labels: readonly string[]) => {
    const known = series.get(name) ?? new Set(LABELS_OF_EVERY_SERIES);
    for (const label of labels) known.add(label);
    series.set(name, known);
  };
  for (const { name, type, labels } of definitions) {
    if (type === 'histogram') {
      add(`${name}_bucket`, [...labels, 'le']);
      add(`${name}_sum`, labels);
      add(`${name}_count`, labels);
    } else if (type === 'summary') {
      add(name, [...labels, 'quantile']);
      add(`${name}_sum`, labels);
      add(`${name}_count`, labels);
    } else {
      add(name, labels);
    }
  }
  return series;
}

/** Every metric the services register: the imported ones and the scanned ones. */
export function registeredMetrics(): MetricDefinition[] {
  return [...importedMetrics(), ...scanMetricSources().flatMap((scanned) => scanned.metrics)];
}
