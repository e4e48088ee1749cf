import { Controller, Get, HttpStatus, Inject, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Readiness } from './readiness';

@Controller()
export class ReadinessController {
  constructor(@Inject(Readiness) private readonly readiness: Readiness) {}

  /** 200 when the service can do its work, 503 otherwise; each check says what failed and what to fix. */
  @Get('health/ready')
  async ready(@Res() response: Response): Promise<void> {
    const report = await this.readiness.report();
    response.status(report.status === 'ready' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE).json(report);
  }
}
