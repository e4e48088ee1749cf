import { ConfigFileKind, ORG_CONFIG_PATHS, ORG_CONFIG_REPOSITORY, REPO_CONFIG_PATH } from '@glint/mapping';
import picomatch from 'picomatch';

/** An entry of `GET /repos/{owner}/{repo}/pulls/{pull_number}/files`. */
export interface PullRequestFile {
  filename: string;
  status: string;
}

export interface ConfigFile {
  path: string;
  kind: ConfigFileKind;
}

/** Where a pull request's files are port-app-config.yml: `.github-private`'s root or `.github/` one, any other repository's `.github/` one. */
export function isMappingPath(repository: string, path: string): boolean {
  return repository.toLowerCase() === ORG_CONFIG_REPOSITORY ? (ORG_CONFIG_PATHS as readonly string[]).includes(path) : path === REPO_CONFIG_PATH;
}

/**
 * The config files a pull request adds or changes (removed ones have nothing to check): its mapping files, and
 * the GitOps files matching `specPath` (the globs of the mapping the repository uses).
 */
export function selectConfigFiles(repository: string, files: readonly PullRequestFile[], specPath: readonly string[]): ConfigFile[] {
  const isGitopsFile = picomatch([...specPath], { dot: true });
  const selected: ConfigFile[] = [];
  for (const file of files) {
    if (file.status === 'removed') continue;
    if (isMappingPath(repository, file.filename)) selected.push({ path: file.filename, kind: 'port-app-config' });
    else if (isGitopsFile(file.filename)) selected.push({ path: file.filename, kind: 'port.yml' });
  }
  return selected;
}
