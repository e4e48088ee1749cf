export { fetchFiles, fetchFolders, parseContent } from './files';
export type { FilePattern, FileSelector, FolderPattern, FolderSelector, RepositoryRef } from './files';
export { PageRequestTimes } from './concurrent-pages';
export type { FetchContext, Fetcher, GithubObject, RepositoryEnrichment } from './fetch-context';
export { fetchOrganization, fetchTeams, fetchUsers } from './organization-kinds';
export type { TeamSelector } from './organization-kinds';
export { fetchPullRequests } from './pull-requests';
export type { PullRequest, PullRequestSelector } from './pull-requests';
export { enrichRepository, fetchRepositories, readRepositoryFile } from './repositories';
export type { Repository, RepositorySelector, RepositoryType } from './repositories';
export {
  fetchBranches,
  fetchCodeScanningAlerts,
  fetchCollaborators,
  fetchDependabotAlerts,
  fetchDeployments,
  fetchDeploymentStatuses,
  fetchEnvironments,
  fetchIssues,
  fetchReleases,
  fetchSecretScanningAlerts,
  fetchTags,
  fetchWorkflowRuns,
  fetchWorkflows,
} from './repository-kinds';
export type {
  BranchSelector,
  CodeScanningAlertSelector,
  CollaboratorSelector,
  DependabotAlertSelector,
  DeploymentSelector,
  IssueSelector,
  SecretScanningAlertSelector,
  WorkflowRunSelector,
} from './repository-kinds';
export type { Enriched, RepositoryScope } from './repository-scoped';
