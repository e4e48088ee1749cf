import type { EntityRecord, EntityView } from './entity.types';

const META_FIELDS = new Set(['identifier', 'title', 'icon', 'blueprint', 'team', 'properties', 'relations', 'createdAt', 'createdBy', 'updatedAt', 'updatedBy']);

/** The API form of an entity row; null title and icon are left out (the spec types them as strings). */
export function toView(record: EntityRecord): EntityView {
  return {
    identifier: record.identifier,
    ...(record.title !== null ? { title: record.title } : {}),
    ...(record.icon !== null ? { icon: record.icon } : {}),
    blueprint: record.blueprint,
    team: record.team ?? [],
    properties: record.properties,
    relations: record.relations,
    createdAt: record.createdAt.toISOString(),
    createdBy: record.createdBy,
    updatedAt: record.updatedAt.toISOString(),
    updatedBy: record.updatedBy,
  };
}

export interface Projection {
  include?: string[];
  exclude?: string[];
}

/**
 * Port's `include`/`exclude`: entity fields by name, with or without `$` (`identifier`, `$identifier`), or property
 * and relation identifiers (`url`, `properties.url`, `relations.owner`).
 */
export function project(view: EntityView, projection: Projection): Partial<EntityView> {
  const { include, exclude } = projection;
  let result: Partial<EntityView> & Record<string, unknown>;
  if (include && include.length > 0) {
    result = {};
    for (const raw of include) {
      const name = raw.replace(/^\$/, '');
      if (META_FIELDS.has(name)) {
        if (view[name as keyof EntityView] !== undefined) result[name] = view[name as keyof EntityView];
        continue;
      }
      const field = fieldOf(name);
      if (field.in !== 'relations' && field.name in view.properties) result.properties = { ...result.properties, [field.name]: view.properties[field.name] };
      if (field.in !== 'properties' && field.name in view.relations) result.relations = { ...result.relations, [field.name]: view.relations[field.name] };
    }
  } else {
    result = { ...view, properties: { ...view.properties }, relations: { ...view.relations } };
  }
  for (const raw of exclude ?? []) {
    const name = raw.replace(/^\$/, '');
    if (META_FIELDS.has(name)) {
      delete result[name];
      continue;
    }
    const field = fieldOf(name);
    if (field.in !== 'relations' && result.properties) delete result.properties[field.name];
    if (field.in !== 'properties' && result.relations) delete result.relations[field.name];
  }
  return result;
}

/** Whether a projection needs the entities' properties or relations at all (lets a search skip reading them). */
export function needsField(projection: Projection, field: 'properties' | 'relations'): boolean {
  if (!projection.include || projection.include.length === 0) return !(projection.exclude ?? []).some((name) => name.replace(/^\$/, '') === field);
  return projection.include.some((raw) => {
    const name = raw.replace(/^\$/, '');
    return name === field || !META_FIELDS.has(name);
  });
}

function fieldOf(name: string): { in?: 'properties' | 'relations'; name: string } {
  if (name.startsWith('properties.')) return { in: 'properties', name: name.slice('properties.'.length) };
  if (name.startsWith('relations.')) return { in: 'relations', name: name.slice('relations.'.length) };
  return { name };
}
