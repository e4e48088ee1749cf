import { CatalogError } from './catalog-error';

export type Query = Record<string, unknown>;

/** A boolean query parameter (`true`/`false`), `fallback` when absent. */
export function booleanParam(query: Query, name: string, fallback = false): boolean {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw CatalogError.invalid(`querystring/${name} must be true or false, not ${JSON.stringify(raw)}`);
}

export function stringParam(query: Query, name: string): string | undefined {
  const raw = single(query, name);
  return raw === undefined || raw === '' ? undefined : raw;
}

/** An integer query parameter within [min, max]. */
export function integerParam(query: Query, name: string, fallback: number, min: number, max: number): number {
  const raw = single(query, name);
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw CatalogError.invalid(`querystring/${name} must be an integer from ${min} to ${max}, not ${JSON.stringify(raw)}`);
  return value;
}

/** A repeated query parameter: `include=a&include=b`, `include[]=a`, or one value. */
export function listParam(query: Query, name: string): string[] | undefined {
  const values = [query[name], query[`${name}[]`]].flatMap((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]));
  if (values.length === 0) return undefined;
  return values.map((value) => {
    if (typeof value !== 'string') throw CatalogError.invalid(`querystring/${name} must be a list of strings`);
    return value;
  });
}

function single(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) return single({ [name]: value[value.length - 1] }, name);
  if (typeof value !== 'string') throw CatalogError.invalid(`querystring/${name} must be a single value`);
  return value;
}
