import type { GithubSimulator } from '@glint/testing';

/** A mapping of repositories and their pull requests, as the resync integration tests list them. */
export const REPOSITORIES_AND_PULLS_MAPPING = [
  'resources:',
  '  - kind: repository',
  '    selector:',
  "      query: 'true'",
  '    port:',
  '      entity:',
  '        mappings:',
  '          identifier: .name',
  '          title: .name',
  `          blueprint: '"githubRepository"'`,
  '  - kind: pull-request',
  '    selector:',
  "      query: 'true'",
  '    port:',
  '      entity:',
  '        mappings:',
  "          identifier: '.__repository + \"-\" + (.number | tostring)'",
  '          title: .title',
  `          blueprint: '"githubPullRequest"'`,
  '',
].join('\n');

/** Pushes `text` as the repository's `.github/port-app-config.yml` to its default branch (`.github-private`: the organization's mapping). */
export function pushMappingFile(sim: GithubSimulator, owner: string, repository: string, text: string): void {
  sim.push(owner, repository, { branch: sim.state.repo(owner, repository)?.defaultBranch ?? 'main', files: { '.github/port-app-config.yml': text } });
}
