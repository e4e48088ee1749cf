import { Logger } from '@nestjs/common';
import { CatalogApiError, CatalogClient } from '@glint/catalog-client';
import type { RunResult } from './action-run-store';
import { errorMessage } from '@glint/runtime';

export type CatalogRunStatus = 'in-progress' | 'finished' | 'missing';

/**
 * Tells the catalog what happens to a run. Log lines and the link are best effort (a lost line is not worth holding a
 * run for); the final status is not: `finish` says whether the catalog has it, so it can be sent again later.
 * A finished run answers 409 to further changes: for us that means done.
 */
export class RunReporter {
  private readonly logger = new Logger('actions');

  constructor(private readonly catalog: CatalogClient) {}

  async status(runId: string): Promise<CatalogRunStatus> {
    try {
      const run = await this.catalog.getActionRun(runId);
      return run.status === 'IN_PROGRESS' ? 'in-progress' : 'finished';
    } catch (error) {
      if (error instanceof CatalogApiError && error.status === 404) return 'missing';
      throw error;
    }
  }

  async log(runId: string, message: string): Promise<void> {
    await this.bestEffort(runId, 'log line', () => this.catalog.addActionRunLog(runId, { message }));
  }

  async started(runId: string, link: string, externalRunId: string): Promise<void> {
    await this.bestEffort(runId, 'link', () => this.catalog.patchActionRun(runId, { link, externalRunId }));
  }

  /** The closing log line and the status (with the line as summary on failure); true once the catalog has them. */
  async finish(runId: string, result: RunResult, message: string): Promise<boolean> {
    try {
      await this.catalog.addActionRunLog(runId, { message });
      await this.catalog.patchActionRun(runId, { status: result, ...(result === 'FAILURE' ? { summary: message } : {}) });
      return true;
    } catch (error) {
      if (error instanceof CatalogApiError && (error.status === 409 || error.status === 404)) {
        this.logger.warn(`run ${runId}: the catalog answered ${error.status} to its ${result} status (${error.status === 409 ? 'already finished' : 'no such run'}); nothing more to report`);
        return true;
      }
      this.logger.error(`run ${runId}: could not report ${result} to the catalog, will try again: ${errorMessage(error)}`);
      return false;
    }
  }

  private async bestEffort(runId: string, what: string, call: () => Promise<unknown>): Promise<void> {
    try {
      await call();
    } catch (error) {
      if (error instanceof CatalogApiError && error.status === 409) return;
      this.logger.warn(`run ${runId}: could not send the ${what} to the catalog: ${errorMessage(error)}`);
    }
  }
}
