import { FetchContext, GithubObject, readRepositoryFile } from '@glint/github';
import { referencedFilesOf, ResourceConfig } from '@glint/mapping';
import { mapWithConcurrency } from '@glint/runtime';

const FILE_READS_IN_FLIGHT = 10;

/**
 * Puts the text of the files a resource's `file://` properties name under `.__files[path]` of each object, read from
 * the object's repository on its default branch (null when the file does not exist).
 */
export async function withReferencedFiles(context: FetchContext, resource: ResourceConfig, objects: readonly GithubObject[]): Promise<GithubObject[]> {
  const paths = referencedFilesOf(resource);
  if (paths.length === 0) return [...objects];
  return mapWithConcurrency(objects, FILE_READS_IN_FLIGHT, async (object) => {
    const isRepository = resource.kind === 'repository';
    const repository = isRepository ? object['name'] : object['__repository'];
    if (typeof repository !== 'string') return object;
    const owner = (isRepository ? (object['owner'] as { login?: string } | undefined)?.login : undefined) ?? context.organization;
    const files: Record<string, string | null> = {};
    for (const path of paths) files[path] = await readRepositoryFile(context.client, owner, repository, path);
    return { ...object, __files: files };
  });
}
