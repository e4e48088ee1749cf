import picomatch from 'picomatch';
import { DEFAULT_SKILL_PATHS, fetchSkills, readRepositoryFile, skillOf } from '@glint/github';
import { AgentSource, pathsOf, resourcesCoveringPush, sourceFields, sourcesOf } from './agent-sources';
import { KindModule, LiveObject } from './kind-module';
import { changedPaths, pushedBranch } from './push-paths';

const DEFAULT_SOURCES: readonly AgentSource[] = DEFAULT_SKILL_PATHS.map((path) => ({ path }));

/**
 * Agent skills (`SKILL.md` files). A push changing a skill's file re-reads it at the pushed commit; one removing it
 * deletes the skill, named as the listing names it (its folder, since the file's front matter is gone).
 */
export const skillKind: KindModule = {
  kind: 'skill',
  repositoryScoped: false,
  list: (context, selector) => fetchSkills(context, { paths: sourcesOf(selector, DEFAULT_SOURCES).flatMap((source) => (source.path ? [{ ...source, path: source.path }] : [])) }),
  liveEvents: ['push'],
  async liveObjects(live) {
    const repository = live.repository;
    const branch = pushedBranch(live.payload);
    const after = live.payload['after'];
    if (!repository || !branch || typeof after !== 'string') return [];
    const changed = [...new Set(changedPaths(live.payload))];
    const objects: LiveObject[] = [];
    for (const { index, resource, sources } of resourcesCoveringPush(live, 'skill', DEFAULT_SOURCES)) {
      const globs = [...new Set(pathsOf(sourcesOf(resource.selector, DEFAULT_SOURCES)))];
      const matches = picomatch(pathsOf(sources), { dot: true, nocase: true });
      for (const path of changed.filter((candidate) => matches(candidate))) {
        const content = await readRepositoryFile(live.fetch.client, repository.owner.login, repository.name, path, after);
        const known = { skill: skillOf(path, '', globs, null), ...sourceFields(live, branch) };
        const current = content === null ? null : { skill: skillOf(path, content, globs, null), ...sourceFields(live, branch) };
        objects.push({ kind: 'skill', current, known, resourceIndex: index, ...(current ? {} : { observedAt: live.deletedAt() }) });
      }
    }
    return objects;
  },
};
