import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

/**
 * One registry per service, so that `glint all` (five services in one process) still gives each service its
 * own /metrics; the `service` label tells them apart when scraped together.
 */
export class MetricsRegistry {
  readonly registry = new Registry();
  readonly dependencyUp: Gauge<'dependency'>;
  readonly readiness: Gauge<'installation' | 'check'>;

  constructor(readonly service: string) {
    this.registry.setDefaultLabels({ service });
    collectDefaultMetrics({ register: this.registry });
    this.dependencyUp = new Gauge({
      name: 'glint_dependency_up',
      help: 'Whether a dependency answered its last health probe (1) or not (0)',
      labelNames: ['dependency'],
      registers: [this.registry],
    });
    this.readiness = new Gauge({
      name: 'glint_readiness',
      help: 'Whether a readiness check passed the last time it ran (1) or not (0), per installation (`all` when about none in particular) and check',
      labelNames: ['installation', 'check'],
      registers: [this.registry],
    });
  }
}
