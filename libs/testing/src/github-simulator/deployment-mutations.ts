import { ADMIN_LOGIN } from './generator';
import { RepositoryMutations } from './mutations';
import { DeploymentRecord, DeploymentState, DeploymentStatusRecord } from './state';

/** Deployments and their statuses, each sending the webhook GitHub sends for it. */
export class DeploymentMutations extends RepositoryMutations {

  /**
   * Deploys `ref` (a branch or a tag; the default branch when absent) to `environment` (`production` when absent),
   * which GitHub creates when no environment has that name yet; sends `deployment` created.
   */
  createDeployment(
    owner: string,
    name: string,
    options: { ref?: string; environment?: string; task?: DeploymentRecord['task']; description?: string; creator?: string } = {},
  ): DeploymentRecord {
    const { repo, data } = this.repo(owner, name);
    const ref = options.ref ?? repo.defaultBranch;
    const sha = data.branches.find((branch) => branch.name === ref)?.sha ?? data.tags.find((tag) => tag.name === ref)?.sha;
    if (!sha) throw new Error(`No branch or tag ${ref} in ${repo.fullName}`);
    const environment = options.environment ?? 'production';
    const now = this.now();
    if (!data.environments.some((candidate) => candidate.name === environment)) {
      data.environments.push({ id: this.deps.state.nextId(), name: environment, createdAt: now, updatedAt: now, waitTimer: 0 });
    }
    const deployment: DeploymentRecord = {
      id: this.deps.state.nextId(),
      sha,
      ref,
      task: options.task ?? 'deploy',
      environment,
      description: options.description ?? `Deploy ${ref} to ${environment}`,
      creatorLogin: options.creator ?? ADMIN_LOGIN,
      createdAt: now,
      updatedAt: now,
      statuses: [],
    };
    // Newest first, as GitHub lists them.
    data.deployments.unshift(deployment);
    this.deps.events.repo('deployment', repo, deployment.creatorLogin, (render) => ({ action: 'created', deployment: render.deployment(repo, deployment) }));
    return deployment;
  }

  /**
   * Adds a status to a deployment, which moves the deployment's `updated_at` to the status's time (as GitHub's do);
   * sends `deployment_status` created with the deployment. Earlier deployments keep their statuses (`auto_inactive: false`).
   */
  createDeploymentStatus(owner: string, name: string, deploymentId: number, options: { state: DeploymentState; description?: string }): DeploymentStatusRecord {
    const { repo, data } = this.repo(owner, name);
    const deployment = data.deployments.find((candidate) => candidate.id === deploymentId);
    if (!deployment) throw new Error(`Deployment ${deploymentId} not found in ${repo.fullName}`);
    const status: DeploymentStatusRecord = { id: this.deps.state.nextId(), state: options.state, description: options.description ?? `Deployment ${options.state}`, createdAt: this.now() };
    deployment.statuses.push(status);
    deployment.updatedAt = status.createdAt;
    this.deps.events.repo('deployment_status', repo, deployment.creatorLogin, (render) => ({
      action: 'created',
      deployment_status: render.deploymentStatus(repo, deployment, status),
      deployment: render.deployment(repo, deployment),
    }));
    return status;
  }
}
