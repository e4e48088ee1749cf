import { fetchPlugins, PLUGIN_PROVIDERS, PluginProvider, pluginItem, touchesPlugin } from '@glint/github';
import { AgentSource, resourcesCoveringPush, sourceFields, sourcesOf } from './agent-sources';
import { KindModule, LiveObject, Selector } from './kind-module';
import { changedPaths, pushedBranch } from './push-paths';

const EVERY_REPOSITORY: readonly AgentSource[] = [{}];

/**
 * Agent plugins, one per repository holding a provider's manifest or plugin folder. A push touching one re-reads the
 * repository's plugin at the pushed branch; when none is left, the plugin (named after its repository) is deleted.
 */
export const pluginKind: KindModule = {
  kind: 'plugin',
  repositoryScoped: false,
  list: (context, selector) => fetchPlugins(context, { providers: providersOf(selector), paths: sourcesOf(selector, EVERY_REPOSITORY) }),
  liveEvents: ['push'],
  async liveObjects(live) {
    const repository = live.repository;
    const branch = pushedBranch(live.payload);
    if (!repository || !branch) return [];
    const changed = changedPaths(live.payload);
    const objects: LiveObject[] = [];
    for (const { index, resource } of resourcesCoveringPush(live, 'plugin', EVERY_REPOSITORY)) {
      const providers = providersOf(resource.selector);
      if (!changed.some((path) => touchesPlugin(path, providers))) continue;
      const current = (await pluginItem(live.fetch, repository, branch, providers)) ?? null;
      const known = { plugin: { name: repository.name, displayName: repository.name }, ...sourceFields(live, branch) };
      objects.push({ kind: 'plugin', current, known, resourceIndex: index, ...(current ? {} : { observedAt: live.deletedAt() }) });
    }
    return objects;
  },
};

function providersOf(selector: Selector): readonly PluginProvider[] {
  const providers = selector['providers'];
  return Array.isArray(providers) ? PLUGIN_PROVIDERS.filter((provider) => providers.includes(provider)) : PLUGIN_PROVIDERS;
}
