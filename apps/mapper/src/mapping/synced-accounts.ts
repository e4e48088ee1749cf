import type { GithubAccess, GithubInstallation } from '@glint/github';
import type { LoadedMapping, MappingConfigSource } from '@glint/mapping';

/**
 * The mapping's `organizations:` list narrows the accounts synced (PAT mode without GITHUB_ORGANIZATION lists every
 * organization of the token; the peer filters them with it). Live events of an account outside the list are ignored.
 */
export function organizationIncluded(loaded: LoadedMapping, installation: GithubInstallation): boolean {
  const wanted = loaded.config.organizations;
  return !wanted?.length || wanted.some((login) => login.toLowerCase() === installation.accountLogin.toLowerCase());
}

export interface AccountSelection {
  included: GithubInstallation[];
  /** Accounts whose mapping could not be loaded, so whether they are synced is unknown. */
  failed: Array<{ installation: GithubInstallation; error: unknown }>;
}

/**
 * The accounts the mapper syncs live events of: every installation (App mode), or `GITHUB_ORGANIZATION` or each of
 * the token's organizations (PAT mode), as `GithubAccess.installations()` lists them, narrowed by each account's
 * mapping `organizations:` list.
 */
export class SyncedAccounts {
  constructor(
    private readonly access: GithubAccess,
    private readonly mappingSource: MappingConfigSource,
  ) {}

  async list(): Promise<AccountSelection> {
    return this.select(await this.access.installations());
  }

  async select(installations: readonly GithubInstallation[]): Promise<AccountSelection> {
    const selection: AccountSelection = { included: [], failed: [] };
    for (const installation of installations) {
      try {
        const loaded = await this.mappingSource.forOrganization(this.access.clientFor(installation.id), installation.accountLogin);
        if (organizationIncluded(loaded, installation)) selection.included.push(installation);
      } catch (error) {
        selection.failed.push({ installation, error });
      }
    }
    return selection;
  }
}
