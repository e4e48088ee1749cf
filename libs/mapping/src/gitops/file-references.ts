import { posix } from 'node:path';
import type { GitopsEntity } from './port-yml';

const FILE_PREFIX = 'file://';

/** Reads a file of the repository at the revision being ingested; null when it does not exist. */
export type RepositoryFileReader = (path: string) => Promise<string | null>;

/**
 * Replaces `file://` property values by the file's text: `file://docs/x.md` is relative to the repository root,
 * `file://./x.md` and `file://../x.md` to the `port.yml` itself. A missing file is an error naming both paths.
 */
export async function resolveFileReferences(entities: readonly GitopsEntity[], specPath: string, read: RepositoryFileReader): Promise<GitopsEntity[]> {
  const directory = posix.dirname(specPath);
  return Promise.all(
    entities.map(async (entity) => {
      const properties: Record<string, unknown> = {};
      for (const [name, value] of Object.entries(entity.properties)) {
        if (typeof value !== 'string' || !value.startsWith(FILE_PREFIX)) {
          properties[name] = value;
          continue;
        }
        const reference = value.slice(FILE_PREFIX.length);
        const path = reference.startsWith('./') || reference.startsWith('../') ? posix.normalize(posix.join(directory, reference)) : posix.normalize(reference.replace(/^\/+/, ''));
        if (path.startsWith('../')) throw new Error(`${specPath}: properties.${name} points outside the repository (${value})`);
        const text = await read(path);
        if (text === null) throw new Error(`${specPath}: properties.${name} refers to ${path}, which does not exist`);
        properties[name] = text;
      }
      return { ...entity, properties };
    }),
  );
}
