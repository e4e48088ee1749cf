import { Logger } from '@nestjs/common';
import { ActionTimings, durationText } from '../action-timings';
import type { GithubWorkflows } from '../github/github-workflows';
import type { ActionRunStore, StoredRun } from '../runs/action-run-store';
import type { RunFinisher } from '../runs/run-finisher';
import type { RunProcessor } from '../runs/run-processor';
import { errorMessage } from '@glint/runtime';

const BATCH = 50;
/** A result is sent again only when its first sending has surely ended (the catalog client retries for a while). */
const REPORT_GRACE_MS = 120_000;

/**
 * What no event tells: dispatches whose process died before confirming them, runs that never start (FAILURE after
 * `startTimeoutMs`, and cancelled), completions whose event was lost, and results the catalog did not take.
 */
export class RunWatchdog {
  private readonly logger = new Logger('actions');
  private timer?: NodeJS.Timeout;
  private tick?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly deps: { store: ActionRunStore; github: GithubWorkflows; processor: RunProcessor; finisher: RunFinisher; timings: ActionTimings },
  ) {}

  start(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.tick = this.sweep().finally(() => this.start());
    }, this.deps.timings.sweepIntervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.tick;
  }

  async sweep(): Promise<void> {
    for (const step of [() => this.reconcileOrphans(), () => this.checkOpenRuns(), () => this.reportUnreported()]) {
      await step().catch((error: unknown) => this.logger.error(`watchdog: ${errorMessage(error)}`));
    }
  }

  /** Recorded runs whose dispatch nobody is confirming: found on GitHub, or failed; never dispatched again. */
  async reconcileOrphans(): Promise<void> {
    for (const runId of await this.deps.store.recordedRunIds(BATCH)) {
      if (this.stopped) return;
      await this.deps.processor.reconcileOrphan(runId).catch((error: unknown) => this.logger.error(`run ${runId}: reconciling failed, will try again: ${errorMessage(error)}`));
    }
  }

  async checkOpenRuns(): Promise<void> {
    for (const run of await this.deps.store.dueForCheck(this.deps.timings.checkIntervalMs, BATCH)) {
      if (this.stopped) return;
      await this.check(run).catch((error: unknown) => this.logger.warn(`run ${run.runId}: checking its workflow run failed: ${errorMessage(error)}`));
      await this.deps.store.markChecked(run.runId);
    }
  }

  async reportUnreported(): Promise<void> {
    for (const run of await this.deps.store.unreported(REPORT_GRACE_MS, BATCH)) {
      if (this.stopped) return;
      await this.deps.finisher.report(run);
    }
  }

  private async check(run: StoredRun): Promise<void> {
    const { github, store, finisher, timings } = this.deps;
    if (run.installationId === null || !run.org || !run.repo || run.githubRunId === null) return;
    const client = github.clientFor(run.installationId);
    const current = await github.getRun(client, run.org, run.repo, run.githubRunId);
    if (!current) return finisher.fail(run.runId, `GitHub no longer has workflow run ${run.githubRunId} (${run.runLink ?? ''})`);
    if (current.status === 'completed') return finisher.workflowCompleted(run, current.conclusion);
    if (current.status === 'in_progress') return store.markStarted(run.runId);
    const waited = Date.now() - (run.dispatchedAt?.getTime() ?? Date.now());
    if (run.state === 'dispatched' && waited > timings.startTimeoutMs) {
      // Finished first, so the `cancelled` completion that follows finds the run already failed with this reason.
      await finisher.fail(run.runId, `The workflow run did not start within ${durationText(timings.startTimeoutMs)}: GitHub still shows it ${current.status}, so Glint cancels it (${current.htmlUrl})`);
      await github.cancel(client, run.org, run.repo, run.githubRunId);
    }
  }
}
