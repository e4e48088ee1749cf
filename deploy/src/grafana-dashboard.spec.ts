import { checkExpression, checkVariableQuery, Dashboard, parseDashboard, promqlReferences, readDashboard } from './grafana-dashboard';
import { exposedSeries, IMPORTED_SOURCES, registeredMetrics, scanMetricSources } from './registered-metrics';

const scanned = scanMetricSources();
const definitions = registeredMetrics();
const series = exposedSeries(definitions);
const dashboard = readDashboard();

const PROMETHEUS = { type: 'prometheus', uid: '${datasource}' };
const isRow = (type: string) => type === 'row';

/** Every problem of a dashboard's PromQL: its panels' expressions and its query variables. */
function dashboardProblems(checked: Dashboard): string[] {
  return [
    ...checked.panels.flatMap(({ title, targets }) =>
      targets.flatMap(({ refId, expr }) => checkExpression(expr ?? '', series).map((problem) => `${title} (${refId}): ${problem}`)),
    ),
    ...checked.variables
      .filter(({ type }) => type === 'query')
      .flatMap(({ name, query }) => checkVariableQuery(query, series).map((problem) => `$${name}: ${problem}`)),
  ];
}

const expressions = dashboard.panels.flatMap(({ title, targets }) => targets.map(({ refId, expr }) => [title, refId, expr ?? ''] as const));
const queryVariables = dashboard.variables.filter(({ type }) => type === 'query').map(({ name, query }) => [name, query] as const);
const selectedMetrics = new Set(expressions.flatMap(([, , expr]) => promqlReferences(expr).selectors.map(({ metric }) => metric)));

describe('the metrics the services register', () => {
  it('are all read: the scan reads every metric constructor of apps/ and libs/ but those the imported factories make', () => {
    const unread = scanned.filter(({ file, unreadable }) => unreadable > 0 && !IMPORTED_SOURCES.includes(file)).map(({ file }) => file);

    expect(unread).toEqual([]);
    expect(scanned.find(({ file }) => file === 'libs/observability/src/rate-limit-metrics.ts')?.unreadable).toBeGreaterThan(0);
  });

  it('come from every service, the queue gauges, the GitHub rate-limit factories and the Node.js process', () => {
    const sources = new Set(definitions.map(({ source }) => source));

    expect([...sources]).toEqual(
      expect.arrayContaining([
        'apps/gateway/src/webhooks/webhook-metrics.ts',
        'apps/mapper/src/events/event-metrics.ts',
        'apps/mapper/src/sync/sync-metrics.ts',
        'apps/publisher/src/publishing/publisher-metrics.ts',
        'apps/actions/src/actions-metrics.ts',
        'libs/queue/src/queue-metrics.ts',
      ]),
    );
    expect([...series.keys()]).toEqual(
      expect.arrayContaining(['glint_dependency_up', 'glint_github_rate_limit_remaining', 'glint_github_limit_waits_total', 'process_cpu_user_seconds_total']),
    );
  });

  it('are exposed under the series names Prometheus stores, with their labels', () => {
    expect(series.get('glint_resync_units_total')).toEqual(new Set(['job', 'instance', 'service', 'kind', 'resource']));
    expect(series.get('glint_resync_kind_seconds_bucket')).toEqual(new Set(['job', 'instance', 'service', 'kind', 'le']));
    expect(series.has('glint_resync_kind_seconds_count')).toBe(true);
    expect(series.has('glint_resync_kind_seconds')).toBe(false);
  });

  it('have one type per name', () => {
    const types = new Map<string, Set<string>>();
    for (const { name, type } of definitions) types.set(name, (types.get(name) ?? new Set()).add(type));
    const mixed = [...types].filter(([, kinds]) => kinds.size > 1).map(([name]) => name);

    expect(mixed).toEqual([]);
  });
});

describe('the Grafana dashboard', () => {
  it('is a Grafana 10 dashboard with a uid, a title and a Prometheus datasource variable', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(38);
    expect(dashboard.uid).not.toBe('');
    expect(dashboard.title).not.toBe('');
    expect(dashboard.variables).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }));
  });

  it('has panels with distinct ids', () => {
    const ids = dashboard.panels.map(({ id }) => id);

    expect(ids.length).toBeGreaterThan(20);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(dashboard.panels.map((panel) => [panel.title, panel] as const))(
    'panel "%s" has a title and, unless a row, the Prometheus datasource and PromQL targets',
    (_, panel) => {
      expect(panel.title.trim()).not.toBe('');
      if (isRow(panel.type)) return;
      expect(panel.datasource).toEqual(PROMETHEUS);
      expect(panel.targets.length).toBeGreaterThan(0);
      for (const target of panel.targets) {
        expect(target.expr?.trim()).toBeTruthy();
        expect(target.datasource).toEqual(PROMETHEUS);
      }
    },
  );

  it.each(expressions)('panel "%s" (%s) names only registered metrics and labels they carry: %s', (_, __, expr) => {
    expect(checkExpression(expr, series)).toEqual([]);
  });

  it.each(queryVariables)('variable $%s reads a label of a registered metric: %s', (_, query) => {
    expect(checkVariableQuery(query, series)).toEqual([]);
  });

  it.each([
    ['webhooks received', 'glint_webhooks_received_total'],
    ['webhooks rejected by reason', 'glint_webhooks_rejected_total'],
    ['queue depth per partition', 'glint_event_queue_depth'],
    ['queue age per partition', 'glint_event_queue_oldest_age_seconds'],
    ['latency at the gateway', 'glint_webhook_enqueue_seconds_bucket'],
    ['latency in the mapper', 'glint_event_processing_seconds_bucket'],
    ['latency in the publisher', 'glint_publish_job_seconds_bucket'],
    ['resync progress', 'glint_resync_objects_total'],
    ['resync duration per kind', 'glint_resync_kind_seconds_bucket'],
    ['resync units per kind', 'glint_resync_units_total'],
    ['resync limit waits per kind', 'glint_resync_limit_wait_seconds_total'],
    ['GitHub rate-limit budget', 'glint_github_rate_limit_remaining'],
    ['catalog request errors', 'glint_catalog_answers_total'],
    ['publisher retries', 'glint_catalog_unavailable_retries_total'],
    ['catalog outage', 'glint_catalog_outage_seconds'],
    ['action runs', 'glint_action_runs_total'],
    ['event dead letters', 'glint_event_dlq_size'],
    ['publish dead letters', 'glint_publish_dlq_size'],
  ])('shows %s (%s)', (_, metric) => {
    expect(selectedMetrics).toContain(metric);
  });

  it('has no problem as a whole', () => {
    expect(dashboardProblems(dashboard)).toEqual([]);
  });
});

describe('the dashboard check', () => {
  it('rejects a panel naming a metric no service registers', () => {
    const madeUp = parseDashboard(
      JSON.stringify({
        panels: [
          {
            id: 1,
            type: 'timeseries',
            title: 'Made up',
            datasource: PROMETHEUS,
            targets: [{ refId: 'A', expr: 'sum(rate(glint_webhooks_made_up_total[5m]))' }],
          },
        ],
      }),
    );

    expect(dashboardProblems(madeUp)).toEqual(['Made up (A): glint_webhooks_made_up_total is not a metric any service registers']);
  });

  it('rejects a histogram named without its _bucket, _sum or _count series', () => {
    expect(checkExpression('rate(glint_resync_kind_seconds[5m])', series)).toEqual(['glint_resync_kind_seconds is not a metric any service registers']);
  });

  it('rejects labels the metric does not carry, in a matcher and in by (…)', () => {
    expect(checkExpression('glint_event_queue_depth{colour="red"}', series)).toEqual(['glint_event_queue_depth has no label colour']);
    expect(checkExpression('sum by (kind) (rate(glint_webhooks_rejected_total[5m]))', series)).toEqual([
      'by (kind): glint_webhooks_rejected_total has no label kind',
    ]);
    expect(checkExpression('sum(rate(glint_events_total[5m])) by (le)', series)).toEqual(['by (le): glint_events_total has no label le']);
  });

  it('checks by (…) against the metrics inside its aggregation only', () => {
    expect(
      checkExpression(
        'sum by (reason) (rate(glint_webhooks_rejected_total[5m])) / ignoring (reason) group_left sum(rate(glint_webhooks_received_total[5m]))',
        series,
      ),
    ).toEqual(['ignoring (reason): glint_webhooks_received_total has no label reason']);
    expect(checkExpression('sum by (reason) (rate(glint_webhooks_rejected_total[5m])) / scalar(sum(rate(glint_webhooks_received_total[5m])))', series)).toEqual(
      [],
    );
  });

  it('accepts le on histogram buckets, the labels Prometheus adds, template variables and offsets', () => {
    expect(
      checkExpression('histogram_quantile(0.99, sum by (kind, le) (rate(glint_resync_kind_seconds_bucket{job=~"$job"}[$__rate_interval] offset 1h)))', series),
    ).toEqual([]);
  });

  it('refuses a selector without a metric name rather than guessing', () => {
    expect(checkExpression('sum(rate({__name__=~"glint_.+"}[5m]))', series)).toEqual([
      'cannot check "sum(rate({__name__=~"glint_.+"}[5m]))": a selector without a metric name',
    ]);
  });

  it('rejects a variable that reads a label the metric does not carry', () => {
    expect(checkVariableQuery('label_values(glint_github_rate_limit_remaining, installation)', series)).toEqual([
      'glint_github_rate_limit_remaining has no label installation',
    ]);
    expect(checkVariableQuery('label_values(glint_github_rate_limit_remaining, scope)', series)).toEqual([]);
  });
});
