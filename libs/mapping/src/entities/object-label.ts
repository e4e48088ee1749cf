const MAX_LABEL_LENGTH = 200;

/**
 * Names a GitHub object in a report: its page on GitHub when it has one (most kinds do), else its full name, or its
 * path, name, login, number or id after the repository it was listed in.
 */
export function objectLabel(object: unknown): string | undefined {
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return undefined;
  const direct = textOf(object, 'html_url') ?? textOf(object, 'full_name');
  if (direct) return direct.slice(0, MAX_LABEL_LENGTH);
  const own = textOf(object, 'path') ?? textOf(object, 'name') ?? textOf(object, 'login') ?? textOf(object, 'number') ?? textOf(object, 'id');
  if (own === undefined) return undefined;
  const repository = textOf(object, '__repository');
  return (repository ? `${repository}: ${own}` : own).slice(0, MAX_LABEL_LENGTH);
}

function textOf(object: object, key: string): string | undefined {
  const value: unknown = Reflect.get(object, key);
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
