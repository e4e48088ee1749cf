import type { ResourceConfig } from './app-config.types';

/** `readme: file://README.md` in a mapping reads the file from the object's repository (default branch). */
export const FILE_REFERENCE_PREFIX = 'file://';

const REFERENCED_FILE_PROGRAM = /^\.__files\[("(?:[^"\\]|\\.)*")\]$/;

/** The jq a `file://path` property becomes: the file's text, which the mapper puts under `.__files` beforehand. */
export function referencedFileProgram(path: string): string {
  return `.__files[${JSON.stringify(path)}]`;
}

/** The repository paths a resource's properties read with `file://`, for the mapper to fetch before mapping. */
export function referencedFilesOf(resource: ResourceConfig): string[] {
  const paths = new Set<string>();
  for (const program of Object.values(resource.port.entity.mappings.properties)) {
    const match = REFERENCED_FILE_PROGRAM.exec(program);
    if (match?.[1]) paths.add(JSON.parse(match[1]) as string);
  }
  return [...paths];
}
