import { SimulatedClock } from './clock';
import { isoSeconds } from './generator';
import { RepoRecord, RunConclusion, SimulatorState, WorkflowRecord, WorkflowRunRecord } from './state';
import { EventSender } from './webhooks/payloads';

/** Moves dispatched runs through queued → in_progress → completed on real timers, with `workflow_run` webhooks. */
export class WorkflowRunner {
  private readonly outcomes = new Map<string, Exclude<RunConclusion, null>>();
  private readonly held = new Set<string>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly state: SimulatorState,
    private readonly clock: SimulatedClock,
    private readonly events: EventSender,
    private readonly stepMs: number,
  ) {}

  /** The conclusion of this workflow's next runs (`success` unless set); `workflow` is a file name or a path. */
  setOutcome(repo: RepoRecord, workflow: string, conclusion: Exclude<RunConclusion, null>): void {
    this.outcomes.set(outcomeKey(repo, workflow), conclusion);
  }

  /** While held, this workflow's new runs stay `queued`, as when no runner picks them up. */
  hold(repo: RepoRecord, workflow: string, held: boolean): void {
    if (held) this.held.add(outcomeKey(repo, workflow));
    else this.held.delete(outcomeKey(repo, workflow));
  }

  dispatch(repo: RepoRecord, workflow: WorkflowRecord, ref: { branch: string; sha: string }, actorLogin: string, inputs: Record<string, unknown> = {}): WorkflowRunRecord {
    const data = this.state.repoData(repo);
    const now = isoSeconds(this.clock.now());
    const run: WorkflowRunRecord = {
      id: this.state.nextId(),
      workflowId: workflow.id,
      runNumber: Math.max(0, ...data.runs.filter((candidate) => candidate.workflowId === workflow.id).map((candidate) => candidate.runNumber)) + 1,
      event: 'workflow_dispatch',
      status: 'queued',
      conclusion: null,
      headBranch: ref.branch,
      headSha: ref.sha,
      actorLogin,
      createdAt: now,
      updatedAt: now,
      inputs,
    };
    data.runs.unshift(run);
    const conclusion = this.outcomes.get(outcomeKey(repo, workflow.path)) ?? 'success';
    this.send(repo, workflow, run, 'requested');
    if (this.held.has(outcomeKey(repo, workflow.path))) return run;
    this.after(() => {
      if (run.status === 'completed') return;
      run.status = 'in_progress';
      run.updatedAt = isoSeconds(this.clock.now());
      this.send(repo, workflow, run, 'in_progress');
      this.after(() => {
        if (run.status === 'completed') return;
        run.status = 'completed';
        run.conclusion = conclusion;
        run.updatedAt = isoSeconds(this.clock.now());
        this.send(repo, workflow, run, 'completed');
      });
    });
    return run;
  }

  /** GitHub's cancel: a run that has not completed ends `cancelled` (with its `completed` webhook); false when it had. */
  cancel(repo: RepoRecord, run: WorkflowRunRecord): boolean {
    if (run.status === 'completed') return false;
    const workflow = this.state.repoData(repo).workflows.find((candidate) => candidate.id === run.workflowId);
    run.status = 'completed';
    run.conclusion = 'cancelled';
    run.updatedAt = isoSeconds(this.clock.now());
    if (workflow) this.send(repo, workflow, run, 'completed');
    return true;
  }

  close(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private after(step: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      step();
    }, this.stepMs);
    this.timers.add(timer);
  }

  private send(repo: RepoRecord, workflow: WorkflowRecord, run: WorkflowRunRecord, action: 'requested' | 'in_progress' | 'completed'): void {
    if (!this.state.reposById.has(repo.id)) return;
    this.events.repo('workflow_run', repo, run.actorLogin, (render) => ({ action, workflow: render.workflow(repo, workflow), workflow_run: render.run(repo, run) }));
  }
}

function outcomeKey(repo: RepoRecord, workflow: string): string {
  return `${repo.id}:${workflow.split('/').pop() ?? workflow}`;
}
