import { Logger } from '@nestjs/common';
import type { ActionsMetrics } from '../actions-metrics';
import { resultOf } from '../github/github-workflows';
import type { ActionRunStore, StoredRun } from './action-run-store';
import type { RunReporter } from './run-reporter';

/**
 * Ends runs once: the row turns `finished` in one conditional update (so a completion event and the watchdog cannot
 * both report), then the catalog gets the result; when it could not, the watchdog sends it again later.
 */
export class RunFinisher {
  private readonly logger = new Logger('actions');

  constructor(
    private readonly store: ActionRunStore,
    private readonly reporter: RunReporter,
    private readonly metrics: ActionsMetrics,
  ) {}

  /** Glint's own FAILURE (refused, timed out, lost): always reported, whatever `reportWorkflowStatus` says. */
  async fail(runId: string, reason: string): Promise<void> {
    const run = await this.store.finish(runId, 'FAILURE', reason, false);
    if (!run) return;
    this.logger.warn(`run ${runId} failed: ${reason}`);
    this.metrics.count('failed');
    await this.report(run);
  }

  /** The workflow run completed: reported only when the action asked for it (`reportWorkflowStatus`). */
  async workflowCompleted(run: StoredRun, conclusion: string | null): Promise<void> {
    const finished = await this.store.finish(run.runId, resultOf(conclusion), `Workflow completed: ${conclusion ?? 'unknown'}`, !run.reportWorkflowStatus);
    if (!finished) return;
    this.metrics.count('completed');
    if (finished.reportWorkflowStatus) await this.report(finished);
  }

  /** Sends a finished run's result to the catalog and records that it has it. */
  async report(run: StoredRun): Promise<void> {
    if (!run.result || !run.reason) return;
    if (await this.reporter.finish(run.runId, run.result, run.reason)) await this.store.markStatusReported(run.runId);
  }
}
