import { Logger } from '@nestjs/common';
import type { WorkflowRunEvent } from '@glint/queue';
import type { ActionRunStore } from '../runs/action-run-store';
import type { RunFinisher } from '../runs/run-finisher';

export type CompletionOutcome = 'completed' | 'started' | 'ignored' | 'duplicate';

/** Thrown so the queue retries the event: its run is not confirmed yet, but a run of its repository is being dispatched. */
export class RunNotConfirmedYet extends Error {}

/** `workflow_run` events of dispatched runs (forwarded by the mapper) → started and finished action runs. */
export class WorkflowRunCompletion {
  private readonly logger = new Logger('actions');

  constructor(
    private readonly store: ActionRunStore,
    private readonly finisher: RunFinisher,
  ) {}

  async handle(event: WorkflowRunEvent): Promise<CompletionOutcome> {
    const { workflowRun, repository } = event;
    const run = await this.store.findByGithubRunId(workflowRun.id);
    const completed = event.action === 'completed' || workflowRun.status === 'completed';
    if (!run) {
      // The run list of an older GHES (or a restart) may name the run after it completed.
      if (completed && (await this.store.awaitingRunOf(repository.owner, repository.name))) {
        throw new RunNotConfirmedYet(`workflow run ${workflowRun.id} of ${repository.owner}/${repository.name} completed before its action run was confirmed`);
      }
      return 'ignored';
    }
    if (run.state === 'finished') return 'duplicate';
    if (completed) {
      this.logger.log(`run ${run.runId}: workflow run ${workflowRun.id} completed: ${workflowRun.conclusion ?? 'unknown'}`);
      await this.finisher.workflowCompleted(run, workflowRun.conclusion);
      return 'completed';
    }
    if (workflowRun.status === 'in_progress') {
      await this.store.markStarted(run.runId);
      return 'started';
    }
    return 'ignored';
  }
}
