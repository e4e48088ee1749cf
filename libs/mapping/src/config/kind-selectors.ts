import type { Kind } from './app-config.types';

/** What one selector option must look like; returns the cause when it does not. */
type OptionCheck = (value: unknown) => string | undefined;

const string: OptionCheck = (value) => (typeof value === 'string' ? undefined : 'expected a string');
const boolean: OptionCheck = (value) => (typeof value === 'boolean' ? undefined : 'expected true or false');
const nonNegative: OptionCheck = (value) => (typeof value === 'number' && value >= 0 ? undefined : 'expected a number ≥ 0');
const isoDate: OptionCheck = (value) => (typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? undefined : 'expected an ISO date');
const stringList: OptionCheck = (value) => (Array.isArray(value) && value.every((item) => typeof item === 'string') ? undefined : 'expected a list of strings');
const oneOf =
  (...allowed: string[]): OptionCheck =>
  (value) =>
    typeof value === 'string' && allowed.includes(value) ? undefined : `expected one of ${allowed.join(', ')}`;
const listOf =
  (...allowed: string[]): OptionCheck =>
  (value) =>
    Array.isArray(value) && value.every((item) => typeof item === 'string' && allowed.includes(item)) ? undefined : `expected a list of ${allowed.join(', ')}`;
const repoRefs: OptionCheck = (value) =>
  Array.isArray(value) && value.every((ref) => typeof ref === 'object' && ref !== null && typeof (ref as { name?: unknown }).name === 'string')
    ? undefined
    : 'expected a list of {name, branch?}';
const patterns =
  (key: string): OptionCheck =>
  (value) => {
    if (!Array.isArray(value)) return `expected a list of {path, repos?}`;
    const bad = value.findIndex((entry) => typeof entry !== 'object' || entry === null || typeof (entry as Record<string, unknown>)['path'] !== 'string');
    if (bad >= 0) return `${key}[${bad}]: expected {path, repos?, skipParsing?}`;
    for (const entry of value as Array<Record<string, unknown>>) {
      if (entry['repos'] !== undefined) {
        const cause = repoRefs(entry['repos']);
        if (cause) return `repos: ${cause}`;
      }
    }
    return undefined;
  };

const REPOSITORY_SCOPED = { repositoryType: string };

/** Each kind's selector options besides `query`, as the fetchers in libs/github take them. */
export const SELECTOR_OPTIONS: Readonly<Record<Kind, Readonly<Record<string, OptionCheck>>>> = {
  organization: {},
  repository: { ...REPOSITORY_SCOPED, includedFiles: stringList, includedRelations: listOf('teams', 'collaborators', 'customProperties') },
  folder: { folders: patterns('folders') },
  user: {},
  team: { members: boolean },
  workflow: REPOSITORY_SCOPED,
  'workflow-run': { ...REPOSITORY_SCOPED, statuses: stringList, since: nonNegative, maxRunsPerWorkflow: nonNegative },
  'pull-request': { ...REPOSITORY_SCOPED, states: listOf('open', 'closed'), since: nonNegative, closedSinceDate: isoDate, maxResults: nonNegative },
  issue: { ...REPOSITORY_SCOPED, state: oneOf('open', 'closed', 'all'), labels: stringList },
  release: REPOSITORY_SCOPED,
  tag: REPOSITORY_SCOPED,
  branch: { ...REPOSITORY_SCOPED, protectionRules: boolean, defaultBranchOnly: boolean },
  environment: REPOSITORY_SCOPED,
  deployment: { ...REPOSITORY_SCOPED, task: string, environment: string },
  'deployment-status': { ...REPOSITORY_SCOPED, task: string, environment: string },
  'dependabot-alert': { ...REPOSITORY_SCOPED, states: listOf('auto_dismissed', 'dismissed', 'fixed', 'open'), severity: stringList, ecosystems: stringList },
  'code-scanning-alerts': { ...REPOSITORY_SCOPED, state: oneOf('open', 'closed', 'dismissed', 'fixed'), severity: string },
  'secret-scanning-alerts': { ...REPOSITORY_SCOPED, state: oneOf('open', 'resolved', 'all'), hideSecret: boolean },
  file: { files: patterns('files') },
  collaborator: { ...REPOSITORY_SCOPED, affiliation: oneOf('all', 'direct', 'outside') },
};
