import picomatch from 'picomatch';
import { parse as parseYaml } from 'yaml';
import type { FetchContext, GithubObject } from './fetch-context';
import { fetchFiles, parentOf, patternAppliesTo, repositoriesFor, RepositoryRef, treeOf } from './files';
import { readFile, Repository } from './repositories';

/** Where agent skills live (`SKILL.md` under each agent's skills folder), the peer's default `paths`. */
export const DEFAULT_SKILL_PATHS: readonly string[] = [
  '.agents/skills/**/SKILL.md',
  '.agent/skills/**/SKILL.md',
  '.cursor/skills/**/SKILL.md',
  '.claude/skills/**/SKILL.md',
  '.codex/skills/**/SKILL.md',
  '.github/skills/**/SKILL.md',
  '.opencode/skills/**/SKILL.md',
  'skills/**/SKILL.md',
];

export interface SourcePattern {
  organization?: string;
  repos?: readonly RepositoryRef[];
}

export interface SkillSelector {
  paths?: ReadonlyArray<SourcePattern & { path: string }>;
}

/**
 * Agent skills: every `SKILL.md` matching `paths`, as
 * `{skill: {name, description, instructions, frontmatter, path, skillMdPath, root, blob_sha}, __repository, __branch, __organization}`.
 * `name` and `description` come from the file's YAML front matter (the name falls back to the skill's folder).
 */
export async function* fetchSkills(context: FetchContext, selector: SkillSelector): AsyncIterable<GithubObject[]> {
  const patterns = selector.paths?.length ? selector.paths : DEFAULT_SKILL_PATHS.map((path) => ({ path }));
  const globs = [...new Set(patterns.map((pattern) => pattern.path))];
  for await (const files of fetchFiles(context, { files: patterns.map((pattern) => ({ ...pattern, skipParsing: true })) })) {
    const skills = files.flatMap((file) => {
      const { path, content, repository, branch, metadata } = file;
      if (typeof path !== 'string' || typeof content !== 'string') return [];
      const sha = typeof metadata === 'object' && metadata !== null && 'sha' in metadata && typeof metadata.sha === 'string' ? metadata.sha : null;
      return [{ skill: skillOf(path, content, globs, sha), __repository: repository, __branch: branch, __organization: context.organization }];
    });
    if (skills.length > 0) yield skills;
  }
}

/** The skill a `SKILL.md` describes; `root` is the configured folder that matched it. */
export function skillOf(skillMdPath: string, content: string, globs: readonly string[], blobSha: string | null): GithubObject {
  const { frontmatter, body } = splitFrontmatter(content);
  const directory = parentOf(skillMdPath);
  const name = typeof frontmatter['name'] === 'string' && frontmatter['name'].trim() ? frontmatter['name'] : (directory.split('/').pop() ?? directory);
  return {
    name,
    description: typeof frontmatter['description'] === 'string' ? frontmatter['description'] : '',
    instructions: body,
    frontmatter,
    path: directory,
    skillMdPath,
    root: skillRoot(skillMdPath, globs),
    blob_sha: blobSha,
  };
}

function splitFrontmatter(content: string): { frontmatter: Record<string, unknown>; body: string } {
  const text = content.replace(/\r\n/g, '\n');
  if (!text.startsWith('---')) return { frontmatter: {}, body: text };
  const closing = text.indexOf('---', 3);
  if (closing < 0) return { frontmatter: {}, body: text };
  const raw = text.slice(3, closing).trim();
  const body = text.slice(closing + 3).replace(/^\n+/, '');
  if (!raw) return { frontmatter: {}, body };
  try {
    const parsed: unknown = parseYaml(raw);
    return { frontmatter: typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? { ...parsed } : {}, body };
  } catch {
    return { frontmatter: {}, body };
  }
}

function skillRoot(skillMdPath: string, globs: readonly string[]): string {
  for (const glob of globs) {
    if (!picomatch(glob, { dot: true, nocase: true })(skillMdPath)) continue;
    const cleaned = glob.replace(/^\/+|\/+$/g, '');
    const suffix = ['/**/SKILL.md', '/SKILL.md', '**/SKILL.md', 'SKILL.md'].find((candidate) => cleaned.toLowerCase().endsWith(candidate.toLowerCase()));
    const root = (suffix ? cleaned.slice(0, -suffix.length) : cleaned).replace(/^\/+|\/+$/g, '');
    if (root) return root;
  }
  const directory = parentOf(skillMdPath);
  const parent = parentOf(directory);
  return parent || directory;
}

/** The agent plugin providers, in the order their manifests win for the shared fields (name, description, version). */
export const PLUGIN_PROVIDERS = ['cursor', 'claude', 'codex', 'kimi', 'antigravity', 'agents', 'opencode', 'pi'] as const;
export type PluginProvider = (typeof PLUGIN_PROVIDERS)[number];

/** Each provider's manifest files; `marketplace` lists plugins rather than describing one. */
const MANIFESTS: Readonly<Partial<Record<PluginProvider, { primary?: string; marketplace?: string }>>> = {
  claude: { primary: '.claude-plugin/plugin.json', marketplace: '.claude-plugin/marketplace.json' },
  cursor: { primary: '.cursor-plugin/plugin.json' },
  codex: { primary: '.codex-plugin/plugin.json' },
  agents: { marketplace: '.agents/plugins/marketplace.json' },
  kimi: { primary: '.kimi-plugin/plugin.json' },
  antigravity: { primary: 'gemini-extension.json' },
};
/** Providers that package plugins as a folder, without a JSON manifest. */
const DIRECTORIES: Readonly<Partial<Record<PluginProvider, string>>> = { opencode: '.opencode/plugins', pi: '.pi/extensions' };

export interface PluginSelector {
  providers?: readonly PluginProvider[];
  paths?: readonly SourcePattern[];
}

/**
 * Agent plugins: one per repository holding a manifest (or plugin folder) of one of `providers`, as
 * `{plugin: {name, displayName, description, version, supports: {provider: bool}, <provider>: manifest}, __repository, __branch, __organization}`.
 */
export async function* fetchPlugins(context: FetchContext, selector: PluginSelector): AsyncIterable<GithubObject[]> {
  const providers = selector.providers?.length ? selector.providers : PLUGIN_PROVIDERS;
  for (const source of selector.paths?.length ? selector.paths : [{}]) {
    if (!patternAppliesTo(source, context.organization)) continue;
    for await (const { repository, branch } of repositoriesFor(context, source.repos)) {
      const item = await pluginItem(context, repository, branch, providers);
      if (item) yield [item];
    }
  }
}

/** The plugin item of one repository at `branch`, or undefined when it holds no manifest or plugin folder of `providers`. */
export async function pluginItem(context: FetchContext, repository: Repository, branch: string, providers: readonly PluginProvider[]): Promise<GithubObject | undefined> {
  const plugin = await pluginOf(context, repository, branch, providers.length ? providers : PLUGIN_PROVIDERS);
  return plugin && { plugin, __repository: repository, __branch: branch, __organization: context.organization };
}

/** Whether a changed path is one of the providers' manifests or inside one of their plugin folders. */
export function touchesPlugin(path: string, providers: readonly PluginProvider[]): boolean {
  return (providers.length ? providers : PLUGIN_PROVIDERS).some((provider) => {
    const { primary, marketplace } = MANIFESTS[provider] ?? {};
    const directory = DIRECTORIES[provider];
    return path === primary || path === marketplace || (directory !== undefined && (path === directory || path.startsWith(`${directory}/`)));
  });
}

async function pluginOf(context: FetchContext, repository: Repository, branch: string, providers: readonly PluginProvider[]): Promise<GithubObject | undefined> {
  const paths = new Set((await treeOf(context, repository, branch, true)).filter((entry) => entry.type === 'blob' || entry.type === 'tree').map((entry) => entry.path));
  const found = new Map<PluginProvider, { primary: Record<string, unknown>; marketplace: Record<string, unknown>; document: Record<string, unknown> }>();
  for (const provider of PLUGIN_PROVIDERS.filter((candidate) => providers.includes(candidate))) {
    const { primary: primaryPath, marketplace: marketplacePath } = MANIFESTS[provider] ?? {};
    const marketplace = marketplacePath && paths.has(marketplacePath) ? await manifest(context, repository, branch, marketplacePath) : {};
    let primary = primaryPath && paths.has(primaryPath) ? await manifest(context, repository, branch, primaryPath) : {};
    // A marketplace alone still describes a plugin through its first entry.
    if (Object.keys(primary).length === 0) primary = firstPlugin(marketplace);
    if (Object.keys(primary).length > 0 || Object.keys(marketplace).length > 0) {
      found.set(provider, { primary, marketplace, document: primaryPath ? primary : marketplace });
      continue;
    }
    const directory = DIRECTORIES[provider];
    if (directory && [...paths].some((path) => path === directory || path.startsWith(`${directory}/`))) found.set(provider, { primary: {}, marketplace: {}, document: { detected: true } });
  }
  if (found.size === 0) return undefined;
  const resolved = [...found.values()];
  const name = first(resolved.map((entry) => text(entry.primary, 'name'))) ?? repository.name;
  const documents = Object.fromEntries(
    PLUGIN_PROVIDERS.map((provider) => {
      const entry = found.get(provider);
      if (!entry) return [provider, {}];
      if (Object.keys(entry.marketplace).length === 0) return [provider, entry.document];
      return [provider, { ...entry.document, name: text(entry.primary, 'name') ?? name, marketplaceName: text(entry.marketplace, 'name') ?? null }];
    }),
  );
  return {
    name,
    displayName: first(resolved.map((entry) => text(entry.primary, 'displayName', 'display_name') ?? text(objectOf(entry.marketplace['interface']), 'displayName', 'display_name'))) ?? name,
    description: first(resolved.map((entry) => text(entry.primary, 'description'))) ?? first(resolved.map((entry) => text(entry.marketplace, 'description'))) ?? '',
    version: first(resolved.map((entry) => text(entry.primary, 'version'))) ?? null,
    supports: Object.fromEntries(PLUGIN_PROVIDERS.map((provider) => [provider, found.has(provider)])),
    ...documents,
  };
}

/** A JSON manifest as an object; anything else (absent, not JSON, not an object) counts as none. */
async function manifest(context: FetchContext, repository: Repository, branch: string, path: string): Promise<Record<string, unknown>> {
  const content = await readFile(context, repository, path, branch);
  if (content === null) return {};
  try {
    return objectOf(JSON.parse(content));
  } catch {
    return {};
  }
}

function firstPlugin(marketplace: Record<string, unknown>): Record<string, unknown> {
  const plugins = marketplace['plugins'];
  return Array.isArray(plugins) ? objectOf(plugins.find((entry) => Object.keys(objectOf(entry)).length > 0)) : {};
}

function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

function text(object: Record<string, unknown>, ...keys: string[]): string | undefined {
  for (const key of keys) {
    const value = object[key];
    if (typeof value === 'string' && value.trim()) return value;
  }
  return undefined;
}

function first(values: ReadonlyArray<string | undefined>): string | undefined {
  return values.find((value) => value !== undefined);
}
