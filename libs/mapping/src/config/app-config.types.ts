/** The kinds a resource block may name (the peer integration's `ObjectKind`). */
export const KINDS = [
  'organization',
  'repository',
  'folder',
  'user',
  'team',
  'workflow',
  'workflow-run',
  'pull-request',
  'issue',
  'release',
  'tag',
  'branch',
  'environment',
  'deployment',
  'deployment-status',
  'dependabot-alert',
  'code-scanning-alerts',
  'secret-scanning-alerts',
  'file',
  'collaborator',
  'skill',
  'plugin',
] as const;
export type Kind = (typeof KINDS)[number];

/** A jq program (every mapping value is one), or a catalog search query whose rule values are jq. */
export type JqOrSearchQuery = string | SearchQuery;

export interface SearchQuery {
  combinator: 'and' | 'or';
  /** A rule's `value` is jq; a rule may itself be a query (`{combinator, rules}`), nested at will. */
  rules: SearchRule[];
}

export type SearchRule = { property: string; operator: string; value: string } | SearchQuery;

export interface EntityMappings {
  identifier: JqOrSearchQuery;
  title?: string;
  blueprint: string;
  team?: JqOrSearchQuery;
  icon?: string;
  properties: Record<string, string>;
  relations: Record<string, JqOrSearchQuery>;
}

export interface ResourceConfig {
  kind: Kind;
  /** `query` (jq, must yield a boolean) and the kind's own options (`includedFiles`, `states`, …). */
  selector: { query: string } & Record<string, unknown>;
  port: {
    itemsToParse?: string;
    itemsToParseName: string;
    /** With `itemsToParse`: whether each item's object leaves out the list the items came from (absent: true, as the peer). */
    itemsToParseTopLevelTransform?: boolean;
    entity: { mappings: EntityMappings };
  };
}

export interface PortAppConfig {
  deleteDependentEntities: boolean;
  createMissingRelatedEntities: boolean;
  enableMergeEntity: boolean;
  /** Stale deletion is skipped when it would delete more than this share of the owned entities (0–1). */
  entityDeletionThreshold: number;
  repositoryType: string;
  organizations?: string[];
  includeAuthenticatedUser: boolean;
  /** Globs of GitOps `port.yml` files. */
  specPath: string[];
  resources: ResourceConfig[];
}

/** A problem with a config file: where (`resources[2].port.entity.mappings.properties.url`) and why. */
export interface ConfigProblem {
  path: string;
  message: string;
  /** 1-based line in the YAML file, when known. */
  line?: number;
}

export function formatProblem(problem: ConfigProblem): string {
  return `${problem.path || '(file)'}${problem.line ? ` (line ${problem.line})` : ''}: ${problem.message}`;
}
