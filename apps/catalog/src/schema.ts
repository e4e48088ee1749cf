/** The catalog's own tables; blueprints, entities and action runs arrive with the catalog API. */
export const CATALOG_ENTITIES = [];
export const CATALOG_MIGRATIONS = [];
