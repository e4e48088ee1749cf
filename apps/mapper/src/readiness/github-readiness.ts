import { type GithubAppProbe, GithubProbeError, type ProbedInstallation, type SignatureOutcomeStore } from '@glint/github';
import { ALL_INSTALLATIONS, type ReadinessCheck, type ReadinessSource } from '@glint/observability';
import { errorMessage, mapWithConcurrency } from '@glint/runtime';
import { missingPermissions } from './kind-permissions';

export interface GithubReadinessDependencies {
  probe: Pick<GithubAppProbe, 'app' | 'installations' | 'installationToken' | 'deliveries'>;
  /** The kinds the installation's mapping (port-app-config.yml) syncs. */
  kindsOf(installation: ProbedInstallation): Promise<string[]>;
  /** Resolves when the catalog answers with the configured credentials. */
  catalog(): Promise<void>;
  /** What to check when the catalog does not answer. */
  catalogFix: string;
  signatures: Pick<SignatureOutcomeStore, 'read'>;
  /** GITHUB_ORGANIZATION: only this account's installation is synced, so only it is checked. */
  organization?: string;
}

/** Installations checked at once: a few requests each, and GitHub's secondary limits count requests in flight. */
const INSTALLATIONS_AT_ONCE = 4;

const SECRET_FIX =
  "WEBHOOK_SECRET no longer matches the webhook secret of the GitHub App: set the App's webhook secret (App settings, Webhook) and WEBHOOK_SECRET to the same value; during a change WEBHOOK_SECRET_PREVIOUS keeps the old one valid";

/**
 * The mapper's readiness as a GitHub App: GitHub authentication (`GET /app`), the installation list, and per
 * installation a token and the permissions its mapping's kinds need; the catalog; and whether GitHub's deliveries
 * pass the gateway's signature check.
 */
export class GithubReadiness implements ReadinessSource {
  constructor(private readonly dependencies: GithubReadinessDependencies) {}

  async checks(): Promise<ReadinessCheck[]> {
    const [catalog, github] = await Promise.all([this.catalogCheck(), this.githubChecks()]);
    return [catalog, ...github];
  }

  private async catalogCheck(): Promise<ReadinessCheck> {
    return attempt(ALL_INSTALLATIONS, 'catalog', () => this.dependencies.catalog(), this.dependencies.catalogFix);
  }

  private async githubChecks(): Promise<ReadinessCheck[]> {
    const auth = await attempt(ALL_INSTALLATIONS, 'github-auth', () => this.dependencies.probe.app());
    // Nothing else can work without the App JWT; its own check names the fix.
    if (!auth.ok) return [auth];
    let installations: ProbedInstallation[] = [];
    const listed = await attempt(ALL_INSTALLATIONS, 'installations', async () => {
      installations = await this.dependencies.probe.installations();
    });
    if (!listed.ok) return [auth, listed];
    const organization = this.dependencies.organization?.toLowerCase();
    const synced = installations.filter((installation) => !installation.suspended && (!organization || installation.account.toLowerCase() === organization));
    const perInstallation = await mapWithConcurrency(synced, INSTALLATIONS_AT_ONCE, (installation) => this.installationChecks(installation));
    return [auth, listed, ...perInstallation.flat(), await this.webhookSecretCheck()];
  }

  private async installationChecks(installation: ProbedInstallation): Promise<ReadinessCheck[]> {
    const token = await attempt(installation.account, 'installation-token', () => this.dependencies.probe.installationToken(installation.id));
    const permissions = await attempt(
      installation.account,
      'permissions',
      async () => {
        const missing = missingPermissions(await this.dependencies.kindsOf(installation), installation.permissions);
        if (missing.length === 0) return;
        const names = missing.map(({ permission, kinds }) => `'${permission.name}: read' (${permission.level}; needed by ${kinds.join(', ')})`);
        throw new ExplainedFailure(
          `the App lacks ${names.join(', ')} on the installation of ${installation.account}; GitHub answers such requests 403 "Resource not accessible by integration"`,
          `grant ${missing.map(({ permission }) => `'${permission.name}: read'`).join(', ')} in the GitHub App's settings (Permissions) and accept the new permissions on the installation of ${installation.account}, or remove those kinds from port-app-config.yml`,
        );
      },
      `check port-app-config.yml of ${installation.account} (validate it with glint validate)`,
    );
    return [token, permissions];
  }

  private async webhookSecretCheck(): Promise<ReadinessCheck> {
    return attempt(
      ALL_INSTALLATIONS,
      'webhook-secret',
      async () => {
        const { lastRejected, lastVerifiedAt } = await this.dependencies.signatures.read();
        if (!lastRejected || (lastVerifiedAt !== undefined && lastVerifiedAt >= lastRejected.at)) return;
        const deliveries = await this.dependencies.probe.deliveries();
        const sent = deliveries.find((delivery) => delivery.guid === lastRejected.deliveryId);
        // A refused request that GitHub never sent is someone else's, not a sign of a changed secret.
        if (!sent) return;
        throw new ExplainedFailure(
          `GitHub delivered ${sent.event || 'an event'} (delivery ${sent.guid}, ${sent.deliveredAt}) and the gateway refused its signature (answered ${sent.statusCode}); no delivery has passed the check since ${lastVerifiedAt ?? 'the gateway started'}`,
          SECRET_FIX,
        );
      },
      SECRET_FIX,
    );
  }
}

/** A failure found here that carries its own fix, as GithubProbeError does. */
class ExplainedFailure extends Error {
  constructor(
    message: string,
    readonly fix: string,
  ) {
    super(message);
  }
}

async function attempt(installation: string, check: string, work: () => Promise<void>, fallbackFix?: string): Promise<ReadinessCheck> {
  try {
    await work();
    return { installation, check, ok: true };
  } catch (error) {
    const fix = fixOf(error) ?? fallbackFix;
    return { installation, check, ok: false, error: errorMessage(error), ...(fix ? { fix } : {}) };
  }
}

function fixOf(error: unknown): string | undefined {
  return error instanceof ExplainedFailure || error instanceof GithubProbeError ? error.fix : undefined;
}
