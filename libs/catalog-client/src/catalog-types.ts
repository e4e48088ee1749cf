/** A search rule as the catalog API takes it; nested `{combinator, rules}` is a rule too. */
export type SearchRule =
  | { property: string; operator: string; value?: unknown }
  | { operator: 'relatedTo'; blueprint: string; value: string | string[]; direction?: 'upstream' | 'downstream'; required?: boolean }
  | SearchQuery;

export interface SearchQuery {
  combinator: 'and' | 'or';
  rules: SearchRule[];
}

/** An entity as written to the catalog; `blueprint` travels in the URL, not the body. */
export interface CatalogEntity {
  /** A literal identifier, or a search query the catalog resolves to one. */
  identifier: string | SearchQuery;
  blueprint: string;
  title?: string | null;
  icon?: string | null;
  team?: unknown;
  properties?: Record<string, unknown>;
  relations?: Record<string, unknown>;
}

/** An entity as the catalog answers it. */
export interface StoredEntity {
  identifier: string;
  blueprint: string;
  title?: string | null;
  icon?: string | null;
  team?: string[];
  properties?: Record<string, unknown>;
  relations?: Record<string, string | string[] | null>;
  createdAt?: string;
  updatedAt?: string;
  createdBy?: string;
  updatedBy?: string;
}

/** Who writes: Port keeps the User-Agent as the entity's datasource, so it must stay stable per owner. */
export interface WriteOwner {
  installation: string;
  /** `exporter` for what syncs and live events produce, `gitops` for what `port.yml` files declare. */
  origin: 'exporter' | 'gitops';
}

export interface UpsertOptions {
  owner: WriteOwner;
  /** Update the provided fields only, instead of replacing the entity. */
  merge: boolean;
  createMissingRelatedEntities: boolean;
}

export interface UpsertedEntity {
  /** Position in the list given to `upsertEntities`. */
  index: number;
  identifier: string;
  created: boolean;
}

export interface FailedEntity {
  index: number;
  /** The identifier as sent, or the catalog's `unknown` for an unresolved search identifier. */
  identifier: string;
  status: number;
  error: string;
  message: string;
}

export interface UpsertResult {
  upserted: UpsertedEntity[];
  failed: FailedEntity[];
  /** HTTP calls it took, retries included. */
  calls: number;
}

export interface DeleteOptions {
  owner: WriteOwner;
  deleteDependents: boolean;
}

export interface DeleteResult {
  deleted: string[];
  /** Identifiers that could not be deleted, with the catalog's reason; already-absent ones count as deleted. */
  failed: Array<{ identifier: string; status: number; message: string }>;
  calls: number;
}

export type ActionRunStatus = 'IN_PROGRESS' | 'SUCCESS' | 'FAILURE';

export interface ActionRunPatch {
  status?: Exclude<ActionRunStatus, 'IN_PROGRESS'>;
  statusLabel?: string;
  link?: string | string[];
  summary?: string;
  externalRunId?: string;
}

export interface ActionRunLog {
  message: string;
  terminationStatus?: Exclude<ActionRunStatus, 'IN_PROGRESS'>;
  statusLabel?: string;
}

/** Port's managed-Kafka credentials for the organization (an undocumented route that Port's own agents use). */
export interface KafkaCredentials {
  /** Empty when the catalog names no brokers (Port's agents then use their configured ones). */
  brokers: string[];
  username: string;
  password: string;
}

export interface ActionRun {
  id: string;
  status: ActionRunStatus;
  statusLabel?: string;
  link?: string[];
  summary?: string;
  externalRunId?: string;
  [field: string]: unknown;
}
