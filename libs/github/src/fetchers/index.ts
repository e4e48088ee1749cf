export { fetchFiles, fetchFolders, parseContent, patternAppliesTo } from './files';
export { DEFAULT_SKILL_PATHS, fetchPlugins, fetchSkills, PLUGIN_PROVIDERS, pluginItem, skillOf, touchesPlugin } from './agent-packages';
export type { PluginProvider, PluginSelector, SkillSelector, SourcePattern } from './agent-packages';
export type { FilePattern, FileSelector, FolderPattern, FolderSelector, RepositoryRef } from './files';
export { PageRequestTimes } from './concurrent-pages';
export type { FetchContext, Fetcher, GithubObject, RepositoryEnrichment } from './fetch-context';
export { fetchOrganization, fetchTeams, fetchUsers, teamWithOptions } from './organization-kinds';
export type { TeamSelector, UserSelector } from './organization-kinds';
export { externalGroupOf, GraphqlUnavailableError, samlEmails, withSamlEmails } from './identities';
export { changedAcrossRepositories, fetchIssuesChangedSince, fetchPullRequestsChangedSince } from './changed-since';
export { fetchPullRequests } from './pull-requests';
export type { PullRequest, PullRequestSelector } from './pull-requests';
export { enrichRepository, fetchRepositories, readRepositoryFile } from './repositories';
export { relationsOf, searchRepositories, SEARCH_RESULT_CAP } from './repositories';
export type { RelationName, RelationSettings, RepoSearch } from './repositories';
export { withFirstCommit, withFirstCommits, withPullRequestFirstCommit } from './first-commits';
export type { Deployment } from './first-commits';
export { fetchFileOfEachRepository } from './repository-files';
export type { RepositoryFile } from './repository-files';
export type { Repository, RepositorySelector, RepositoryType } from './repositories';
export { branchObject, createdFilter, withVariables } from './repository-kinds';
export type { EnvironmentSelector } from './repository-kinds';
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
