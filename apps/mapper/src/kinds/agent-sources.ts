import type { GithubObject, RepositoryRef } from '@glint/github';
import type { ResourceConfig } from '@glint/mapping';
import type { LiveContext } from './kind-module';
import { pushedBranch } from './push-paths';

/** An entry of a skill or plugin selector's `paths`: where to look (`organization`, `repos`) and, for skills, the glob. */
export interface AgentSource {
  path?: string;
  organization?: string;
  repos?: readonly RepositoryRef[];
}

/** A selector's `paths` entries (the schema has checked their shape), or the fallback. */
export function sourcesOf(selector: Readonly<Record<string, unknown>>, fallback: readonly AgentSource[]): readonly AgentSource[] {
  const paths = selector['paths'];
  if (!Array.isArray(paths) || paths.length === 0) return fallback;
  return paths.filter((entry): entry is AgentSource => typeof entry === 'object' && entry !== null);
}

/** The `path` globs of `sources` (a plugin's have none). */
export function pathsOf(sources: readonly AgentSource[]): string[] {
  return sources.flatMap((source) => (source.path ? [source.path] : []));
}

/**
 * The resources of `kind` whose sources cover the pushed branch of the event's repository: a source without `repos`
 * covers each repository's default branch, one with `repos` the branch it names (the default when it names none).
 */
export function resourcesCoveringPush(live: LiveContext, kind: ResourceConfig['kind'], fallback: readonly AgentSource[]): Array<{ index: number; resource: ResourceConfig; sources: AgentSource[] }> {
  const repository = live.repository;
  const branch = pushedBranch(live.payload);
  if (!repository || !branch) return [];
  const covering = [];
  for (const [index, resource] of live.config.resources.entries()) {
    if (resource.kind !== kind) continue;
    const sources = sourcesOf(resource.selector, fallback).filter((source) => {
      if (source.organization !== undefined && source.organization.toLowerCase() !== live.fetch.organization.toLowerCase()) return false;
      if (!source.repos?.length) return branch === repository.default_branch;
      return source.repos.some((ref) => ref.name.toLowerCase() === repository.name.toLowerCase() && (ref.branch ?? repository.default_branch) === branch);
    });
    if (sources.length > 0) covering.push({ index, resource, sources });
  }
  return covering;
}

/** The fields every skill and plugin item carries, for an object named only by the event. */
export function sourceFields(live: LiveContext, branch: string): GithubObject {
  return { __repository: live.repository, __branch: branch, __organization: live.fetch.organization };
}
