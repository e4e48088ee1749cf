export { GithubReadiness } from './github-readiness';
export type { GithubReadinessDependencies } from './github-readiness';
export { missingPermissions } from './kind-permissions';
