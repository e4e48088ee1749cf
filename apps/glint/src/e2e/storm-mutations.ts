import { type GithubSimulator, SIMULATOR_ADMIN_LOGIN as ADMIN_LOGIN } from '@glint/testing';

/** The kinds of change a storm makes, in the order `StormMutations.apply` cycles through them. */
export const STORM_CHANGES = [
  'open pull request',
  'edit pull request',
  'close pull request',
  'merge pull request',
  'push',
  'open issue',
  'label issue',
  'close issue',
  'delete issue',
  'create branch',
  'delete branch',
  'create tag',
  'create release',
  'delete release',
  'add member',
  'remove member',
  'create team',
  'delete team',
  'change workflow file',
  'dispatch workflow',
  'create repository',
  'archive repository',
  'create deployment',
  'create deployment status',
  'open dependabot alert',
  'dismiss dependabot alert',
  'fix dependabot alert',
  'reopen dependabot alert',
  'open code scanning alert',
  'close code scanning alert',
  'fix code scanning alert',
  'reopen code scanning alert',
  'open secret scanning alert',
  'resolve secret scanning alert',
  'reopen secret scanning alert',
  'add collaborator',
  'edit collaborator',
  'remove collaborator',
] as const;
export type StormChange = (typeof STORM_CHANGES)[number];

const DEPLOYMENT_STATES = ['in_progress', 'success', 'failure', 'inactive'] as const;
const PERMISSIONS = ['pull', 'triage', 'push', 'maintain'] as const;

/**
 * Changes the simulator's organization one step at a time, cycling through every kind of change live events
 * must follow. Each step picks its repository from the step number, so a run is reproducible.
 */
export class StormMutations {
  private readonly made = new Map<StormChange, number>();

  constructor(
    private readonly simulator: GithubSimulator,
    private readonly org: string,
    /** Repositories the storm must leave alone (the one holding the mapping). */
    private readonly untouchable: ReadonlySet<string>,
    /** A personal access token for the REST calls a change needs (workflow dispatch). */
    private readonly token: string,
  ) {}

  /** How many changes of each kind were made. */
  counts(): ReadonlyMap<StormChange, number> {
    return this.made;
  }

  async apply(step: number): Promise<void> {
    const change = STORM_CHANGES[step % STORM_CHANGES.length] as StormChange;
    const done = await this.make(change, step);
    if (done) this.made.set(change, (this.made.get(change) ?? 0) + 1);
  }

  private liveRepos() {
    return [...this.simulator.state.reposById.values()].filter((repo) => repo.ownerLogin === this.org && !repo.archived && !this.untouchable.has(repo.name));
  }

  private async make(change: StormChange, step: number): Promise<boolean> {
    const sim = this.simulator;
    const org = this.org;
    const repos = this.liveRepos();
    const repo = repos[(step * 7) % repos.length];
    if (!repo) return false;
    const data = sim.state.repoData(repo);
    const openPulls = data.pulls.filter((pull) => pull.state === 'open');
    const openIssues = data.issues.filter((issue) => issue.state === 'open');
    const orgRecord = sim.state.organizations.find((candidate) => candidate.login === org);
    const stormMembers = orgRecord?.memberLogins.filter((login) => login.startsWith('storm-user-')) ?? [];
    const stormTeams = orgRecord?.teams.filter((team) => team.slug.startsWith('storm-team-')) ?? [];
    const ownCollaborators = repo.collaborators.filter((collaborator) => collaborator.affiliation !== 'team' && collaborator.login !== ADMIN_LOGIN);
    switch (change) {
      case 'open pull request':
        sim.openPullRequest(org, repo.name, { title: `opened in step ${step}`, head: `storm-${step}`, files: { [`storm/${step}.txt`]: `step ${step}\n` } });
        return true;
      case 'edit pull request':
        if (!openPulls[0]) return false;
        sim.editPullRequest(org, repo.name, openPulls[0].number, { title: `edited in step ${step}` });
        return true;
      case 'close pull request':
        if (!openPulls[0]) return false;
        sim.closePullRequest(org, repo.name, openPulls[0].number);
        return true;
      case 'merge pull request':
        if (!openPulls[0]) return false;
        sim.mergePullRequest(org, repo.name, openPulls[0].number);
        return true;
      case 'push':
        sim.push(org, repo.name, { branch: repo.defaultBranch, files: { [`notes/${step}.md`]: `note ${step}\n` } });
        return true;
      case 'open issue':
        sim.openIssue(org, repo.name, { title: `issue of step ${step}`, labels: step % 2 === 0 ? ['bug'] : [] });
        return true;
      case 'label issue':
        if (!openIssues[0]) return false;
        sim.labelIssue(org, repo.name, openIssues[0].number, `label-${step % 3}`);
        return true;
      case 'close issue':
        if (!openIssues[0]) return false;
        sim.closeIssue(org, repo.name, openIssues[0].number);
        return true;
      case 'delete issue': {
        const issue = openIssues[1] ?? data.issues[0];
        if (!issue) return false;
        sim.deleteIssue(org, repo.name, issue.number);
        return true;
      }
      case 'create branch':
        sim.createBranch(org, repo.name, { name: `storm-branch-${step}` });
        return true;
      case 'delete branch': {
        const branch = data.branches.find((candidate) => candidate.name.startsWith('storm-branch-'));
        if (!branch) return false;
        sim.deleteBranch(org, repo.name, branch.name);
        return true;
      }
      case 'create tag':
        sim.createTag(org, repo.name, { name: `storm-tag-${step}` });
        return true;
      case 'create release':
        sim.createRelease(org, repo.name, { tagName: `v${step}.0.0`, name: `Release of step ${step}` });
        return true;
      case 'delete release': {
        const release = data.releases[1];
        if (!release) return false;
        sim.deleteRelease(org, repo.name, release.id);
        return true;
      }
      case 'add member':
        sim.addMember(org, `storm-user-${step}`, { teams: stormTeams[0] ? [stormTeams[0].slug] : [] });
        return true;
      case 'remove member': {
        const login = stormMembers[0];
        if (!login || stormMembers.length < 3) return false;
        sim.removeMember(org, login);
        return true;
      }
      case 'create team':
        sim.createTeam(org, { name: `storm-team-${step}`, description: `team of step ${step}` });
        return true;
      case 'delete team': {
        const team = stormTeams[0];
        if (!team || stormTeams.length < 3) return false;
        sim.deleteTeam(org, team.slug);
        return true;
      }
      case 'change workflow file':
        sim.push(org, repo.name, { branch: repo.defaultBranch, files: { [`.github/workflows/storm-${step}.yml`]: `name: Storm ${step}\non: [workflow_dispatch]\n` } });
        return true;
      case 'dispatch workflow': {
        const workflow = data.workflows.find((candidate) => candidate.path.endsWith('/ci.yml'));
        if (!workflow) return false;
        const answer = await fetch(`${sim.apiUrl}/repos/${org}/${repo.name}/actions/workflows/ci.yml/dispatches`, {
          method: 'POST',
          headers: { authorization: `token ${this.token}`, 'content-type': 'application/json', accept: 'application/vnd.github+json' },
          body: JSON.stringify({ ref: repo.defaultBranch }),
        });
        if (answer.status !== 204) throw new Error(`dispatching ci.yml in ${repo.name} answered ${answer.status}: ${await answer.text()}`);
        return true;
      }
      case 'create deployment':
        sim.createDeployment(org, repo.name, { environment: ['production', 'staging', `preview-${step}`][step % 3], task: step % 4 === 0 ? 'deploy:migrations' : 'deploy' });
        return true;
      case 'create deployment status': {
        const deployment = data.deployments[0];
        if (!deployment) return false;
        sim.createDeploymentStatus(org, repo.name, deployment.id, { state: DEPLOYMENT_STATES[step % DEPLOYMENT_STATES.length] as (typeof DEPLOYMENT_STATES)[number] });
        return true;
      }
      case 'open dependabot alert':
        sim.createDependabotAlert(org, repo.name, { packageName: `storm-package-${step}`, severity: step % 2 === 0 ? 'high' : 'low' });
        return true;
      case 'dismiss dependabot alert':
      case 'fix dependabot alert': {
        const alert = data.dependabotAlerts.find((candidate) => candidate.state === 'open');
        if (!alert) return false;
        if (change === 'dismiss dependabot alert') sim.dismissDependabotAlert(org, repo.name, alert.number);
        else sim.fixDependabotAlert(org, repo.name, alert.number);
        return true;
      }
      case 'reopen dependabot alert': {
        const alert = data.dependabotAlerts.find((candidate) => candidate.state !== 'open');
        if (!alert) return false;
        sim.reopenDependabotAlert(org, repo.name, alert.number);
        return true;
      }
      case 'open code scanning alert':
        sim.createCodeScanningAlert(org, repo.name, { ruleId: `storm/rule-${step % 5}`, securitySeverity: step % 2 === 0 ? 'critical' : 'medium' });
        return true;
      case 'close code scanning alert':
      case 'fix code scanning alert': {
        const alert = data.codeScanningAlerts.find((candidate) => candidate.state === 'open');
        if (!alert) return false;
        if (change === 'close code scanning alert') sim.closeCodeScanningAlert(org, repo.name, alert.number);
        else sim.fixCodeScanningAlert(org, repo.name, alert.number);
        return true;
      }
      case 'reopen code scanning alert': {
        const alert = data.codeScanningAlerts.find((candidate) => candidate.state !== 'open');
        if (!alert) return false;
        sim.reopenCodeScanningAlert(org, repo.name, alert.number);
        return true;
      }
      case 'open secret scanning alert':
        sim.createSecretScanningAlert(org, repo.name, step % 2 === 0 ? { secretType: 'slack_api_token', secretTypeDisplayName: 'Slack API Token' } : {});
        return true;
      case 'resolve secret scanning alert': {
        const alert = data.secretScanningAlerts.find((candidate) => candidate.state === 'open');
        if (!alert) return false;
        sim.resolveSecretScanningAlert(org, repo.name, alert.number, { resolution: step % 2 === 0 ? 'revoked' : 'false_positive' });
        return true;
      }
      case 'reopen secret scanning alert': {
        const alert = data.secretScanningAlerts.find((candidate) => candidate.state === 'resolved');
        if (!alert) return false;
        sim.reopenSecretScanningAlert(org, repo.name, alert.number);
        return true;
      }
      case 'add collaborator': {
        // Every other one an organization member the storm never removes (a direct collaborator), else an outside one.
        const member = orgRecord?.memberLogins.find((login) => login !== ADMIN_LOGIN && !login.startsWith('storm-user-') && !ownCollaborators.some((collaborator) => collaborator.login === login));
        sim.addCollaborator(org, repo.name, step % 2 === 0 && member ? member : `storm-collaborator-${step}`, { permission: PERMISSIONS[step % PERMISSIONS.length] });
        return true;
      }
      case 'edit collaborator': {
        const collaborator = ownCollaborators[0];
        if (!collaborator) return false;
        sim.editCollaborator(org, repo.name, collaborator.login, { permission: PERMISSIONS.find((permission) => permission !== collaborator.permission) ?? 'push' });
        return true;
      }
      case 'remove collaborator': {
        const collaborator = ownCollaborators.at(-1);
        if (!collaborator) return false;
        sim.removeCollaborator(org, repo.name, collaborator.login);
        return true;
      }
      case 'create repository':
        sim.createRepository(org, { name: `storm-repo-${step}` });
        return true;
      case 'archive repository':
        // Rarely: every archive takes a repository and its open pull requests out of the catalog.
        if (step % 4 !== 1 || repos.length < 10) return false;
        sim.archiveRepository(org, repo.name);
        return true;
    }
  }
}
