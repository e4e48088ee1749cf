import { GlintConfig, Secret } from '@glint/config';

/**
 * Every secret value in the configuration, in each form it could show up in text: as configured, base64-encoded
 * (how PRIVATE_KEY is usually given), and line by line for multi-line values (a PEM's body lines), plus passwords
 * inside the Redis and Postgres URLs.
 */
export function secretValuesOf(config: GlintConfig): string[] {
  const values = new Set<string>();
  const add = (value: string) => {
    for (const form of new Set([value, value.trim()])) {
      values.add(form);
      values.add(Buffer.from(form).toString('base64'));
    }
    for (const line of value.split(/\r?\n/)) if (!/^-----(BEGIN|END) /.test(line)) values.add(line.trim());
    const body = value.replace(/-----(BEGIN|END) [A-Z0-9 ]+-----/g, '').replace(/\s+/g, '');
    if (body !== value) values.add(body);
  };
  for (const secret of secretsIn(config, 0)) add(secret.reveal());
  for (const url of [config.redisUrl, config.databaseUrl]) {
    const password = passwordOf(url);
    if (password) add(password);
  }
  values.delete('');
  return [...values];
}

function* secretsIn(value: unknown, depth: number): Generator<Secret> {
  if (value instanceof Secret) {
    yield value;
    return;
  }
  if (typeof value !== 'object' || value === null || depth > 6) return;
  for (const inner of Object.values(value)) yield* secretsIn(inner, depth + 1);
}

function passwordOf(url: string): string | undefined {
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : undefined;
  } catch {
    return undefined;
  }
}
