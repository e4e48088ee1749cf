import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import type { HealthReport } from './dependency-probe';
import { HealthChecker } from './health-checker';
import { MetricsRegistry } from './metrics-registry';

@Controller()
export class HealthController {
  constructor(
    @Inject(HealthChecker) private readonly checker: HealthChecker,
    @Inject(MetricsRegistry) private readonly metrics: MetricsRegistry,
  ) {}

  /** 200 when every dependency answers, 503 otherwise; the body says which one is down and why. */
  @Get('health')
  async health(@Res() response: Response): Promise<void> {
    const report: HealthReport = await this.checker.check();
    for (const [name, dependency] of Object.entries(report.dependencies)) {
      this.metrics.dependencyUp.set({ dependency: name }, dependency.status === 'up' ? 1 : 0);
    }
    response.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(report);
  }

  @Get('metrics')
  async metricsText(@Res() response: Response): Promise<void> {
    response.type(this.metrics.registry.contentType).send(await this.metrics.registry.metrics());
  }
}
