import { DynamicModule, InjectionToken, Module, ModuleMetadata } from '@nestjs/common';
import type { DependencyProbe } from './dependency-probe';
import { HealthChecker } from './health-checker';
import { HealthController } from './health.controller';
import { MetricsRegistry } from './metrics-registry';

export interface ObservabilityOptions {
  service: string;
  /** Modules that provide what the probe factory injects. */
  imports?: ModuleMetadata['imports'];
  inject?: InjectionToken[];
  probes: (...dependencies: never[]) => DependencyProbe[];
}

/** `GET /health` over the service's dependency probes and `GET /metrics` from its own registry. */
@Module({})
export class ObservabilityModule {
  static forService(options: ObservabilityOptions): DynamicModule {
    return {
      module: ObservabilityModule,
      imports: options.imports ?? [],
      controllers: [HealthController],
      providers: [
        { provide: MetricsRegistry, useValue: new MetricsRegistry(options.service) },
        {
          provide: HealthChecker,
          inject: options.inject ?? [],
          useFactory: (...dependencies: never[]) => new HealthChecker(options.service, options.probes(...dependencies)),
        },
      ],
      exports: [MetricsRegistry],
    };
  }
}
