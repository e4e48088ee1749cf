import { PEER_EXCLUDABLE_FIELDS, type PluginProvider } from '@glint/github';
import type { Kind } from './app-config.types';

/**
 * What one selector option must look like; returns the cause when it does not. `entryFields`: for a list option whose
 * entries are objects (see `entries`), the fields an entry may have; any other field is warned of.
 */
type OptionCheck = ((value: unknown) => string | undefined) & { readonly entryFields?: readonly string[] };

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
const checkEntries =
  (key: string, fields: Readonly<Record<string, OptionCheck>>, required: readonly string[]): OptionCheck =>
  (value) => {
    const shape = `{${Object.keys(fields).map((field) => (required.includes(field) ? field : `${field}?`)).join(', ')}}`;
    if (!Array.isArray(value)) return `expected a list of ${shape}`;
    for (const [index, entry] of value.entries()) {
      if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) return `${key}[${index}]: expected ${shape}`;
      const record = entry as Record<string, unknown>;
      const missing = required.find((field) => record[field] === undefined);
      if (missing) return `${key}[${index}].${missing}: missing; expected ${shape}`;
      for (const [field, check] of Object.entries(fields)) {
        const cause = record[field] === undefined ? undefined : check(record[field]);
        if (cause) return `${key}[${index}].${field}: ${cause}`;
      }
    }
    return undefined;
  };
/** A list of source entries (`files`, `folders`, skill and plugin `paths`), each checked field by field. */
const entries = (key: string, fields: Readonly<Record<string, OptionCheck>>, required: readonly string[]): OptionCheck =>
  Object.assign(checkEntries(key, fields, required), { entryFields: Object.keys(fields) });
const SOURCE = { organization: string, repos: repoRefs };
const patterns = (key: string, extra: Readonly<Record<string, OptionCheck>>): OptionCheck => entries(key, { path: string, ...SOURCE, ...extra }, ['path']);

/** GitHub's values for the alert filters (the dependabot and code-scanning alert APIs' `severity`, `ecosystem`). */
const DEPENDABOT_SEVERITIES = ['low', 'medium', 'high', 'critical'];
const DEPENDABOT_ECOSYSTEMS = ['composer', 'go', 'maven', 'npm', 'nuget', 'pip', 'pub', 'rubygems', 'rust'];
const CODE_SCANNING_SEVERITIES = ['critical', 'high', 'medium', 'low', 'warning', 'note', 'error'];
/** The agent plugin providers the peer detects (manifests or directories), in the order the docs list them. */
const PLUGIN_PROVIDERS = ['claude', 'cursor', 'codex', 'agents', 'kimi', 'opencode', 'pi', 'antigravity'] as const satisfies readonly PluginProvider[];

const environmentVariableNames: OptionCheck = (value) =>
  Array.isArray(value) && value.every((item) => typeof item === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(item)) ? undefined : 'expected a list of environment variable names';

/** Options every kind's selector takes besides `query` (the peer's core selector). */
export const COMMON_SELECTOR_OPTIONS: Readonly<Record<string, OptionCheck>> = { exportEnvVariables: environmentVariableNames };

/**
 * Options the peer reads for something the product does not have: accepted (and checked) so a config moved here
 * validates, and reported as a warning saying why they change nothing.
 */
export const IGNORED_SELECTOR_OPTIONS: Readonly<Record<string, string>> = {
  exportEnvVariables: "adds the named environment variables' values to Port's lakehouse ingest payloads (data-processing pipelines), which Glint does not send; the catalog gets the same entities without it",
};

/** GitHub's repository search (`GET /search/repositories`), as the peer's `repoSearch: {query}`. */
const repoSearch: OptionCheck = (value) => {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return "expected {query: '<GitHub repository search qualifiers>'}, e.g. {query: 'topic:payments archived:false'}";
  const { query, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) return `${unknown}: not a repoSearch option; its only option is query`;
  return typeof query === 'string' ? undefined : 'query: expected a string of GitHub repository search qualifiers';
};

/** The repository's relations: the peer's object form (`{teams: true, collaborators: {affiliation}}`) or a list of names. */
const RELATION_NAMES = ['teams', 'collaborators', 'customProperties', 'sbom', 'pages'];
const affiliation = oneOf('all', 'direct', 'outside');
const collaboratorsRelation: OptionCheck = (value) => {
  if (value === null || typeof value === 'boolean') return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) return 'expected {affiliation: all|direct|outside}';
  const { affiliation: setting, ...rest } = value as Record<string, unknown>;
  const unknown = Object.keys(rest)[0];
  if (unknown !== undefined) return `${unknown}: not an option; its only option is affiliation`;
  const cause = setting === undefined ? undefined : affiliation(setting);
  return cause && `affiliation: ${cause}`;
};
const includedRelations: OptionCheck = (value) => {
  if (Array.isArray(value)) return listOf(...RELATION_NAMES)(value);
  if (typeof value !== 'object' || value === null) return `expected {${RELATION_NAMES.join(', ')}} or a list of them`;
  for (const [name, option] of Object.entries(value)) {
    if (!RELATION_NAMES.includes(name)) return `${name}: not a relation; expected one of ${RELATION_NAMES.join(', ')}`;
    const cause = name === 'collaborators' ? collaboratorsRelation(option) : boolean(option);
    if (cause) return `${name}: ${cause}`;
  }
  return undefined;
};

const REPOSITORY_SCOPED = { repositoryType: string, repoSearch };

/** Checks that span several options of one selector; each returns the option at fault and the cause. */
export const SELECTOR_RULES: Readonly<Partial<Record<Kind, (selector: Readonly<Record<string, unknown>>) => { option: string; cause: string } | undefined>>> = {
  repository: (selector) =>
    selector['include'] !== undefined && selector['includedRelations'] !== undefined
      ? { option: 'include', cause: 'give either include (the older list) or includedRelations, not both' }
      : undefined,
};

/** Each kind's selector options besides `query`, as the fetchers in libs/github take them. */
export const SELECTOR_OPTIONS: Readonly<Record<Kind, Readonly<Record<string, OptionCheck>>>> = {
  // The peer's organization selector takes repoSearch too, and lists organizations without reading it.
  organization: { repoSearch },
  repository: { ...REPOSITORY_SCOPED, includedFiles: stringList, includedRelations, include: listOf('collaborators', 'teams', 'sbom') },
  folder: { folders: patterns('folders', { includedFiles: stringList }), includedFiles: stringList },
  user: { includeSAMLEmail: boolean },
  team: { members: boolean, includeSAMLEmail: boolean, include_external_group: boolean },
  workflow: REPOSITORY_SCOPED,
  'workflow-run': { ...REPOSITORY_SCOPED, statuses: stringList, since: nonNegative, since_date: isoDate, maxRunsPerWorkflow: nonNegative },
  'pull-request': {
    ...REPOSITORY_SCOPED,
    states: listOf('open', 'closed'),
    since: nonNegative,
    closedSinceDate: isoDate,
    maxResults: nonNegative,
    enrichWithFirstCommit: boolean,
    // The peer's: `graphql` gives GraphQL-shaped objects without the fields `excludeGraphqlFields` names; absent, the listing chooses.
    api: oneOf('rest', 'graphql'),
    excludeGraphqlFields: listOf(...PEER_EXCLUDABLE_FIELDS),
  },
  issue: { ...REPOSITORY_SCOPED, state: oneOf('open', 'closed', 'all'), labels: stringList },
  release: REPOSITORY_SCOPED,
  tag: REPOSITORY_SCOPED,
  branch: { ...REPOSITORY_SCOPED, protectionRules: boolean, defaultBranchOnly: boolean, detailed: boolean, branchNames: stringList },
  environment: { ...REPOSITORY_SCOPED, includeVariables: boolean },
  deployment: { ...REPOSITORY_SCOPED, task: string, environment: string, enrichWithFirstCommit: boolean },
  'deployment-status': { ...REPOSITORY_SCOPED, task: string, environment: string },
  'dependabot-alert': { ...REPOSITORY_SCOPED, states: listOf('auto_dismissed', 'dismissed', 'fixed', 'open'), severity: listOf(...DEPENDABOT_SEVERITIES), ecosystems: listOf(...DEPENDABOT_ECOSYSTEMS) },
  'code-scanning-alerts': { ...REPOSITORY_SCOPED, state: oneOf('open', 'closed', 'dismissed', 'fixed'), severity: oneOf(...CODE_SCANNING_SEVERITIES) },
  'secret-scanning-alerts': { ...REPOSITORY_SCOPED, state: oneOf('open', 'resolved', 'all'), hideSecret: boolean },
  file: { files: patterns('files', { skipParsing: boolean, validationCheck: boolean }), includedFiles: stringList },
  collaborator: { ...REPOSITORY_SCOPED, affiliation: oneOf('all', 'direct', 'outside') },
  skill: { paths: patterns('paths', {}) },
  plugin: { providers: listOf(...PLUGIN_PROVIDERS), paths: entries('paths', SOURCE, []) },
};
