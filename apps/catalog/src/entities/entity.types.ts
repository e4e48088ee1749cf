/** Port's search query as an identifier, team or relation value (`{combinator, rules}`), resolved before writing. */
export interface ValueQuery {
  combinator: 'and' | 'or';
  rules: unknown[];
}

/** One entity of a write request, shape-checked; search-query values are still unresolved. */
export interface EntityInput {
  identifier: string | ValueQuery;
  /** `undefined`: not sent (kept on merge); `null`: sent as null. */
  title?: string | null;
  icon?: string | null;
  team?: string[] | ValueQuery | null;
  properties?: Record<string, unknown>;
  relations?: Record<string, unknown>;
}

/** An entity ready to store: identifier and relation values resolved to identifiers. */
export interface ResolvedEntity {
  identifier: string;
  title?: string | null;
  icon?: string | null;
  team?: string[] | null;
  properties?: Record<string, unknown>;
  relations?: Record<string, string | string[] | null>;
}

/** An entity as the API serves it. */
export interface EntityView {
  identifier: string;
  title?: string;
  icon?: string;
  blueprint: string;
  team: string[];
  properties: Record<string, unknown>;
  relations: Record<string, unknown>;
  createdAt: string;
  createdBy: string;
  updatedAt: string;
  updatedBy: string;
}

/** An entity row. */
export interface EntityRecord {
  blueprint: string;
  identifier: string;
  title: string | null;
  icon: string | null;
  team: string[] | null;
  properties: Record<string, unknown>;
  relations: Record<string, string | string[] | null>;
  datasource: string | null;
  createdAt: Date;
  updatedAt: Date;
  createdBy: string;
  updatedBy: string;
}
