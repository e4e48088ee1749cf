import { Logger } from '@nestjs/common';
import type { ActionsMetrics } from '../actions-metrics';
import { ActionTimings, durationText } from '../action-timings';
import { DispatchTarget, externalRunIdOf, GithubRun, GithubWorkflows, MAX_WORKFLOW_INPUTS, TargetRefused } from '../github/github-workflows';
import type { DispatchRequest } from '../messages/run-message';
import { ActionRunStore, ConfirmedRun, LockedRunStore, MessageSource, RunTarget, StoredRun } from './action-run-store';
import type { RunFinisher } from './run-finisher';
import type { RunReporter } from './run-reporter';

/** Thrown when the consumer must stop as if the process had died, leaving the message uncommitted. */
export class ConsumerHalted extends Error {}

export type KeepAlive = () => Promise<void>;
export type ProcessOutcome = 'dispatched' | 'failed' | 'skipped' | 'duplicate';

export interface RunProcessorDependencies {
  store: ActionRunStore;
  github: GithubWorkflows;
  reporter: RunReporter;
  finisher: RunFinisher;
  metrics: ActionsMetrics;
  timings: ActionTimings;
  /** Test hook between the dispatch and its confirmation: an error there halts the consumer (see ConsumerHalted). */
  afterDispatch?: (runId: string) => Promise<void> | void;
}

type Settled = { kind: 'confirmed'; run: GithubRun; confirmed: ConfirmedRun } | { kind: 'failed'; reason: string };

/**
 * Turns a run into at most one workflow dispatch. Under the run's lock: a run already in the table is never
 * dispatched again; a new one is recorded (`recorded`) before the dispatch request and confirmed with GitHub's run
 * after it. A `recorded` run found later (its process died in between) is reconciled with GitHub's run list instead
 * of being dispatched again. Dispatches of one workflow are serialised, so a run found in the list is ours.
 */
export class RunProcessor {
  private readonly logger = new Logger('actions');

  constructor(private readonly deps: RunProcessorDependencies) {}

  async dispatchRun(request: DispatchRequest, source: MessageSource, keepAlive?: KeepAlive): Promise<ProcessOutcome> {
    const { store, reporter, metrics } = this.deps;
    const known = await store.get(request.runId);
    if (known && known.state !== 'recorded') return this.counted('duplicate', `run ${request.runId} is already ${known.state}; not dispatched again`);
    if (!known) {
      const status = await reporter.status(request.runId);
      if (status !== 'in-progress') return this.counted('skipped', `run ${request.runId} is ${status === 'missing' ? 'not in the catalog' : 'already finished in the catalog'}; nothing dispatched`);
    }
    const outcome = await store.withRunLock(request.runId, async (locked) => {
      const existing = await locked.get(request.runId);
      if (!existing) return this.dispatchLocked(locked, request, source, keepAlive);
      if (existing.state === 'recorded') return this.reconcileLocked(locked, existing, keepAlive);
      metrics.count('duplicate');
      return 'duplicate' as const;
    });
    return outcome === 'busy' ? this.counted('duplicate', `run ${request.runId} is being handled by another consumer`) : outcome;
  }

  /** A message that names a run but cannot be acted on: the run fails with the reason, unless it is already known. */
  async failInvalid(runId: string, reason: string, source: MessageSource): Promise<void> {
    await this.deps.store.withRunLock(runId, async (locked) => {
      if (await locked.get(runId)) return;
      const run = await locked.recordFinished(runId, {}, source, `Glint could not use the run's Kafka message: ${reason}`);
      if (run) await this.deps.finisher.report(run);
    });
  }

  /** A `recorded` run nobody holds: its process died between recording and confirming the dispatch. */
  async reconcileOrphan(runId: string): Promise<void> {
    await this.deps.store.withRunLock(runId, async (locked) => {
      const run = await locked.get(runId);
      if (run?.state === 'recorded') await this.reconcileLocked(locked, run);
    });
  }

  private async dispatchLocked(locked: LockedRunStore, request: DispatchRequest, source: MessageSource, keepAlive?: KeepAlive): Promise<ProcessOutcome> {
    const { github, reporter, timings } = this.deps;
    const { runId, org, repo, workflow } = request;
    const base: RunTarget = { format: request.format, org, repo, workflow, ref: request.ref, reportWorkflowStatus: request.reportWorkflowStatus };
    let target: DispatchTarget;
    try {
      target = await github.target(org, repo);
    } catch (error) {
      if (error instanceof TargetRefused) return this.refuse(locked, runId, base, source, error.message);
      throw error;
    }
    const ref = request.ref ?? target.defaultBranch;
    const names = Object.keys(request.inputs);
    if (names.length > MAX_WORKFLOW_INPUTS) {
      const advice = request.format === 'run-message' ? 'Set omitPayload or omitUserInputs on the action, or ask for fewer inputs.' : 'Send fewer workflowInputs, e.g. several values in one object input.';
      return this.refuse(locked, runId, base, source, `The workflow would receive ${names.length} inputs (${names.join(', ')}), but GitHub accepts at most ${MAX_WORKFLOW_INPUTS} on a workflow_dispatch. ${advice}`);
    }

    await reporter.log(runId, `Dispatching workflow ${workflow} in ${org}/${repo} on ${ref}`);
    const runTarget: RunTarget = { ...base, ref, installationId: target.installationId };
    const settled = await locked.withWorkflowLock(workflowKey(org, repo, workflow), async (): Promise<Settled> => {
      const startedAt = new Date();
      await locked.recordIntent(runId, runTarget, source, startedAt);
      const answer = await github.dispatch(target.client, { org, repo, workflow, ref, inputs: request.inputs });
      if (answer.kind === 'run' || answer.kind === 'accepted') this.deps.metrics.dispatchLatency.observe(Math.max(0, Date.now() - source.producedAt.getTime()) / 1000);
      await this.afterDispatch(runId);
      switch (answer.kind) {
        case 'run': {
          const run: GithubRun = { id: answer.runId, htmlUrl: answer.htmlUrl, status: 'queued', conclusion: null, createdAt: startedAt.toISOString() };
          const confirmed = confirmationOf(run, target);
          return (await locked.confirm(runId, confirmed)) ? { kind: 'confirmed', run, confirmed } : { kind: 'failed', reason: `GitHub's workflow run ${run.id} is already recorded for another action run` };
        }
        case 'refused':
          return { kind: 'failed', reason: answer.reason };
        case 'accepted':
        case 'uncertain': {
          const found = await this.lookUpAndConfirm(locked, runId, target, { org, repo, workflow, ref }, startedAt, startedAt.getTime() + timings.runLookupTimeoutMs, keepAlive);
          if (found) return found;
          const lookedFor = `no workflow_dispatch run of ${workflow} on ${ref} appeared in ${org}/${repo} within ${durationText(timings.runLookupTimeoutMs)}`;
          return {
            kind: 'failed',
            reason: answer.kind === 'accepted' ? `GitHub accepted the dispatch, but ${lookedFor}` : `The dispatch got no answer (${answer.reason}) and ${lookedFor}; it is not sent again so that the workflow cannot run twice`,
          };
        }
      }
    });
    return this.settle(runId, settled, 'Dispatched');
  }

  private async reconcileLocked(locked: LockedRunStore, run: StoredRun, keepAlive?: KeepAlive): Promise<ProcessOutcome> {
    const { github, timings } = this.deps;
    const { runId } = run;
    const { org, repo, workflow, ref, dispatchStartedAt } = run;
    if (!org || !repo || !workflow || !ref || !dispatchStartedAt) return this.settle(runId, { kind: 'failed', reason: 'Glint stopped while dispatching this run and did not record enough to find it on GitHub' }, '');
    this.logger.warn(`run ${runId} was recorded but its dispatch was never confirmed: looking for its workflow run on GitHub instead of dispatching again`);
    let target: DispatchTarget;
    try {
      target = await github.target(org, repo);
    } catch (error) {
      if (error instanceof TargetRefused) return this.settle(runId, { kind: 'failed', reason: `Glint stopped while dispatching this run, and cannot look for it on GitHub: ${error.message}` }, '');
      throw error;
    }
    const deadline = Math.max(dispatchStartedAt.getTime() + timings.runLookupTimeoutMs, Date.now());
    const settled = await locked.withWorkflowLock(workflowKey(org, repo, workflow), async (): Promise<Settled> => {
      const found = await this.lookUpAndConfirm(locked, runId, target, { org, repo, workflow, ref }, dispatchStartedAt, deadline, keepAlive);
      return (
        found ?? {
          kind: 'failed',
          reason: `Glint stopped while dispatching this run, and GitHub shows no workflow_dispatch run of ${workflow} on ${ref} in ${org}/${repo} since then. It is not dispatched again so that it can never run twice: run the action again if it should still run.`,
        }
      );
    });
    return this.settle(runId, settled, 'Glint restarted while dispatching this run and found its workflow run');
  }

  private async lookUpAndConfirm(
    locked: LockedRunStore,
    runId: string,
    target: DispatchTarget,
    spec: { org: string; repo: string; workflow: string; ref: string },
    since: Date,
    deadline: number,
    keepAlive?: KeepAlive,
  ): Promise<Settled | undefined> {
    for (;;) {
      const run = await this.deps.github.findDispatchedRun(target.client, spec, since, (ids) => locked.claimedAmong(ids), { deadline, intervalMs: this.deps.timings.runLookupIntervalMs, keepAlive });
      if (!run) return undefined;
      const confirmed = confirmationOf(run, target);
      // Lost a race for this run to another process's action run: look again without it.
      if (await locked.confirm(runId, confirmed)) return { kind: 'confirmed', run, confirmed };
    }
  }

  private async settle(runId: string, settled: Settled, logPrefix: string): Promise<ProcessOutcome> {
    const { reporter, finisher, store, metrics } = this.deps;
    if (settled.kind === 'failed') {
      await finisher.fail(runId, settled.reason);
      return 'failed';
    }
    const { run, confirmed } = settled;
    metrics.count('dispatched');
    this.logger.log(`run ${runId}: workflow run ${run.id} ${confirmed.link}`);
    await reporter.started(runId, confirmed.link, confirmed.externalRunId);
    await reporter.log(runId, `${logPrefix}: ${confirmed.link}`);
    if (run.status === 'completed') {
      const stored = await store.get(runId);
      if (stored) await finisher.workflowCompleted(stored, run.conclusion);
    } else if (run.status === 'in_progress') {
      await store.markStarted(runId);
    }
    return 'dispatched';
  }

  private async refuse(locked: LockedRunStore, runId: string, target: RunTarget, source: MessageSource, reason: string): Promise<ProcessOutcome> {
    const run = await locked.recordFinished(runId, target, source, reason);
    if (!run) return 'duplicate';
    this.deps.metrics.count('failed');
    this.logger.warn(`run ${runId} failed: ${reason}`);
    await this.deps.finisher.report(run);
    return 'failed';
  }

  private async afterDispatch(runId: string): Promise<void> {
    if (!this.deps.afterDispatch) return;
    try {
      await this.deps.afterDispatch(runId);
    } catch (error) {
      throw new ConsumerHalted(`halted after dispatching run ${runId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private counted(outcome: 'duplicate' | 'skipped', message: string): ProcessOutcome {
    this.deps.metrics.count(outcome);
    this.logger.log(message);
    return outcome;
  }
}

function workflowKey(org: string, repo: string, workflow: string): string {
  return `${org}/${repo}/${workflow}`;
}

function confirmationOf(run: GithubRun, target: DispatchTarget): ConfirmedRun {
  return {
    githubRunId: run.id,
    link: run.htmlUrl,
    externalRunId: externalRunIdOf(run.ownerId ?? target.ownerId, run.repositoryId ?? target.repositoryId, run.id),
    dispatchedAt: new Date(),
  };
}
