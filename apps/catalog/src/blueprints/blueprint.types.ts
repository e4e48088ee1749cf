export const PROPERTY_TYPES = ['string', 'number', 'boolean', 'object', 'array'] as const;
export type PropertyType = (typeof PROPERTY_TYPES)[number];

export const PROPERTY_FORMATS = ['date-time', 'url', 'email', 'idn-email', 'ipv4', 'ipv6', 'markdown', 'yaml', 'user', 'blueprints', 'team', 'timer', 'proto', 'labeled-url'] as const;

export interface PropertySchema {
  type: PropertyType;
  title?: string;
  description?: string;
  icon?: string;
  format?: string;
  enum?: unknown[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  items?: { type?: PropertyType; format?: string; enum?: unknown[] };
  [other: string]: unknown;
}

export interface RelationSchema {
  target: string;
  required: boolean;
  many: boolean;
  title?: string;
  description?: string;
}

/** A blueprint as stored and served (Port's blueprint body, with relation defaults filled in). */
export interface BlueprintDefinition {
  identifier: string;
  title: string;
  description?: string;
  icon?: string;
  schema: { properties: Record<string, PropertySchema>; required: string[] };
  calculationProperties: Record<string, unknown>;
  mirrorProperties: Record<string, unknown>;
  aggregationProperties: Record<string, unknown>;
  relations: Record<string, RelationSchema>;
  [other: string]: unknown;
}

export interface StoredBlueprint extends BlueprintDefinition {
  createdAt: string;
  updatedAt: string;
  createdBy: string;
  updatedBy: string;
}
