import { DynamicModule, InjectionToken, Logger, Module, ModuleMetadata } from '@nestjs/common';
import type { DependencyProbe } from './dependency-probe';
import { HealthChecker } from './health-checker';
import { HealthController } from './health.controller';
import { MetricsRegistry } from './metrics-registry';
import { DEFAULT_READINESS_TIMINGS, dependencyReadiness, Readiness, ReadinessTimings } from './readiness';
import { ReadinessController } from './readiness.controller';

export interface ObservabilityOptions {
  service: string;
  /** Modules that provide what the probe factory injects. */
  imports?: ModuleMetadata['imports'];
  inject?: InjectionToken[];
  probes: (...dependencies: never[]) => DependencyProbe[];
  /** How long a readiness report is reused and how often it is redone (tests shorten them). */
  readiness?: Partial<ReadinessTimings>;
}

/**
 * `GET /health` over the service's dependency probes, `GET /health/ready` over those and whatever checks the service
 * adds to its `Readiness`, and `GET /metrics` from its own registry.
 */
@Module({})
export class ObservabilityModule {
  static forService(options: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: options.imports ?? [],
      controllers: [HealthController, ReadinessController],
      providers: [
        { provide: MetricsRegistry, useValue: new MetricsRegistry(options.service) },
        {
          provide: HealthChecker,
          inject: options.inject ?? [],
          useFactory: (...dependencies: never[]) => new HealthChecker(options.service, options.probes(...dependencies)),
        },
        {
          provide: Readiness,
          inject: [HealthChecker, MetricsRegistry],
          useFactory: (checker: HealthChecker, metrics: MetricsRegistry) =>
            new Readiness(options.service, [dependencyReadiness(checker)], metrics, new Logger('readiness'), { ...DEFAULT_READINESS_TIMINGS, ...options.readiness }),
        },
      ],
      exports: [MetricsRegistry, Readiness],
    };
  }
}
