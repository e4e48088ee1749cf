/** What one write statement changed, as the `catalog_changes` notification carries it. */
export interface CatalogChange {
  kind: 'entities' | 'blueprint';
  op: 'insert' | 'update' | 'delete';
  blueprint: string;
  /** Entities only: how many rows the statement changed in this blueprint. */
  count?: number;
  /** Entities only: the changed identifiers (the first 100), absent when they did not fit the notification. */
  identifiers?: string[];
}

const KINDS: ReadonlyArray<CatalogChange['kind']> = ['entities', 'blueprint'];
const OPS: ReadonlyArray<CatalogChange['op']> = ['insert', 'update', 'delete'];

/** Reads a notification payload; anything else (a NOTIFY sent by hand) is undefined. */
export function parseCatalogChange(payload: string | undefined): CatalogChange | undefined {
  let value: unknown;
  try {
    value = JSON.parse(payload ?? '');
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const kind = KINDS.find((candidate) => candidate === Reflect.get(value, 'kind'));
  const op = OPS.find((candidate) => candidate === Reflect.get(value, 'op'));
  const blueprint: unknown = Reflect.get(value, 'blueprint');
  if (!kind || !op || typeof blueprint !== 'string') return undefined;
  const count: unknown = Reflect.get(value, 'count');
  const identifiers: unknown = Reflect.get(value, 'identifiers');
  return {
    kind,
    op,
    blueprint,
    ...(typeof count === 'number' ? { count } : {}),
    ...(Array.isArray(identifiers) && identifiers.every((id) => typeof id === 'string') ? { identifiers } : {}),
  };
}
