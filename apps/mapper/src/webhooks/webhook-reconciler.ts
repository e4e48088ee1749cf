import { Logger } from '@nestjs/common';
import type { Secret } from '@glint/config';
import { GithubApiError, GithubPermissionError, type GithubAccess, type GithubInstallation, type GithubRestClient } from '@glint/github';
import { errorMessage } from '@glint/runtime';
import type { SyncedAccounts } from '../mapping/synced-accounts';
import type { ManagedWebhooks } from './managed-webhook-store';
import { fingerprintMatches, secretFingerprint } from './secret-fingerprint';
import { webhookEventsFor } from './webhook-events';
import type { ReconcileErrorReason, ReconcileOutcome, WebhookMetrics } from './webhook-metrics';
import { chooseHook, type GithubHook, hookDifferences } from './webhook-plan';
import { describeTarget, hookRoute, targetKey, type WebhookTarget, webhookTargetsOf } from './webhook-targets';

export interface WebhookReconcilerDependencies {
  access: GithubAccess;
  accounts: Pick<SyncedAccounts, 'select'>;
  store: ManagedWebhooks;
  metrics: WebhookMetrics;
  /** How `access` authenticates: decides how a personal account's repositories are listed and what a 403 means. */
  mode: 'app' | 'token';
  /** BASE_URL; the webhook URL is `<baseUrl>/webhook`, the gateway's route. */
  baseUrl: string;
  secret: Secret;
}

export interface TargetResult {
  target: string;
  outcome: ReconcileOutcome;
}

/** Reconciles the webhooks of one account when it is installed or gains permissions (live `installation` events). */
export interface AccountWebhooks {
  reconcileAccount(installation: GithubInstallation, reason: string): Promise<TargetResult[]>;
}

/**
 * BASE_URL: a webhook to the gateway on every synced organization (each repository of a personal account), with the
 * subscribed events, JSON, active, signed with WEBHOOK_SECRET. An existing one is found by the hook id Glint recorded or
 * by its URL and patched only where it differs: events, URL (a changed BASE_URL moves the hook instead of adding a
 * second), content type, active, or the secret, whose salted fingerprint Glint records since GitHub never shows it.
 * Each target is reconciled under a Postgres lock, so pods starting together create one hook. Failures are logged
 * once per target with the permission needed, counted, and never thrown.
 */
export class WebhookReconciler implements AccountWebhooks {
  private readonly logger = new Logger('webhooks');
  /** The last problem logged per target or account, so a failure that repeats is logged once (debug afterwards). */
  private readonly reported = new Map<string, string>();
  readonly url: string;

  constructor(private readonly deps: WebhookReconcilerDependencies) {
    this.url = `${deps.baseUrl}/webhook`;
  }

  async reconcileAll(reason: string): Promise<TargetResult[]> {
    let installations: GithubInstallation[];
    try {
      installations = await this.deps.access.installations();
    } catch (error) {
      this.report('accounts', 'github', `BASE_URL webhooks not reconciled (${reason}): the accounts to sync could not be listed: ${errorMessage(error)}`);
      return [];
    }
    this.reported.delete('accounts');
    return this.reconcileInstallations(installations, reason);
  }

  reconcileAccount(installation: GithubInstallation, reason: string): Promise<TargetResult[]> {
    return this.reconcileInstallations([installation], reason);
  }

  private async reconcileInstallations(installations: readonly GithubInstallation[], reason: string): Promise<TargetResult[]> {
    const selection = await this.deps.accounts.select(installations);
    for (const { installation, error } of selection.failed) {
      this.report(`account:${installation.accountLogin.toLowerCase()}`, 'mapping', `the webhook of ${installation.accountLogin} is not reconciled: its mapping could not be loaded, so whether it is synced is unknown: ${errorMessage(error)}`);
    }
    const results: TargetResult[] = [];
    for (const installation of selection.included) {
      const account = `account:${installation.accountLogin.toLowerCase()}`;
      let targets: WebhookTarget[];
      try {
        targets = await webhookTargetsOf(this.deps.access, this.deps.mode, installation);
      } catch (error) {
        this.report(account, reasonOf(error), `the webhooks of ${installation.accountLogin}'s repositories are not reconciled: they could not be listed: ${errorMessage(error)}`);
        continue;
      }
      if (targets.length === 0) this.report(account, undefined, `personal account ${installation.accountLogin}: no repository it owns is visible, so no webhook was created`, 'warn');
      else this.reported.delete(account);
      const events = webhookEventsFor(installation.accountType);
      for (const target of targets) results.push(await this.reconcileTarget(target, events));
    }
    const counts = (['created', 'updated', 'unchanged', 'failed'] as const).map((outcome) => `${results.filter((result) => result.outcome === outcome).length} ${outcome}`);
    const summary = `BASE_URL webhooks to ${this.url} reconciled (${reason}): ${counts.join(', ')}`;
    if (reason === 'start' || results.some((result) => result.outcome !== 'unchanged')) this.logger.log(summary);
    else this.logger.debug(summary);
    return results;
  }

  private async reconcileTarget(target: WebhookTarget, events: readonly string[]): Promise<TargetResult> {
    const key = targetKey(target);
    let outcome: ReconcileOutcome;
    try {
      outcome = await this.deps.store.withTargetLock(key, () => this.reconcileLocked(target, key, events));
      this.reported.delete(key);
    } catch (error) {
      outcome = 'failed';
      this.report(key, reasonOf(error), `the webhook of ${describeTarget(target)} is not reconciled: ${errorMessage(error)}${permissionHint(target, error, this.deps.mode)}`);
    }
    this.deps.metrics.reconciles.inc({ outcome });
    return { target: key, outcome };
  }

  private async reconcileLocked(target: WebhookTarget, key: string, events: readonly string[]): Promise<ReconcileOutcome> {
    const client = this.deps.access.clientFor(target.installationId);
    const desired = { url: this.url, events };
    const hooks = await this.listHooks(client, target);
    const recorded = await this.deps.store.get(key);
    const { hook, duplicates } = chooseHook(hooks, desired.url, recorded?.hookId);
    if (duplicates.length > 0) {
      this.report(`${key}:duplicates`, undefined, `${describeTarget(target)} has ${duplicates.length} more webhook(s) to ${desired.url} (ids ${duplicates.map((duplicate) => duplicate.id).join(', ')}): GitHub sends every event to each; Glint keeps hook ${String(hook?.id)}, delete the others`, 'warn');
    }
    const secret = this.deps.secret.reveal();
    const config = { url: desired.url, content_type: 'json', secret, insecure_ssl: String(hook?.config.insecure_ssl ?? '0') };
    if (!hook) {
      const list = hookRoute(target, 'POST');
      const created = await client.request<GithubHook>(list.route, { ...list.params, name: 'web', active: true, events, config });
      await this.record(target, key, created.id, desired.events);
      this.logger.log(`created webhook ${created.id} on ${describeTarget(target)} to ${desired.url} (${events.length} events)`);
      return 'created';
    }
    const secretKnown = recorded?.hookId === hook.id && (await fingerprintMatches(secret, recorded.secretFingerprint));
    const differences = hookDifferences(hook, desired, secretKnown);
    if (differences.length === 0) {
      // The same hook may now be reached through another installation (the App was reinstalled): no GitHub write.
      if (recorded && recorded.installationId !== target.installationId) await this.deps.store.save({ ...recorded, installationId: target.installationId });
      return 'unchanged';
    }
    const update = hookRoute(target, 'PATCH', '/{hook_id}');
    await client.request<GithubHook>(update.route, { ...update.params, hook_id: hook.id, active: true, events, config });
    await this.record(target, key, hook.id, desired.events);
    this.logger.log(`updated webhook ${hook.id} on ${describeTarget(target)}: it had ${differences.join('; ')}`);
    return 'updated';
  }

  private async listHooks(client: GithubRestClient, target: WebhookTarget): Promise<GithubHook[]> {
    const list = hookRoute(target, 'GET');
    const hooks: GithubHook[] = [];
    // Not from the ETag cache: whether to create a hook depends on this answer.
    for await (const page of client.paginate<GithubHook>(list.route, list.params, { cached: false })) hooks.push(...page);
    return hooks;
  }

  private async record(target: WebhookTarget, key: string, hookId: number, events: readonly string[]): Promise<void> {
    await this.deps.store.save({ target: key, installationId: target.installationId, hookId, url: this.url, events: [...events], secretFingerprint: await secretFingerprint(this.deps.secret.reveal()) });
  }

  /** Logs a problem once per key while it stays the same (debug afterwards) and counts errors. */
  private report(key: string, reason: ReconcileErrorReason | undefined, message: string, level: 'error' | 'warn' = 'error'): void {
    if (reason) this.deps.metrics.reconcileErrors.inc({ reason });
    if (this.reported.get(key) === message) {
      this.logger.debug(message);
      return;
    }
    this.reported.set(key, message);
    if (level === 'error') this.logger.error(message);
    else this.logger.warn(message);
  }
}

function reasonOf(error: unknown): ReconcileErrorReason {
  if (error instanceof GithubPermissionError) return error.status === 404 ? 'not_found' : 'permission';
  return 'github';
}

/** What to grant, named the way GitHub's settings pages name it; nothing for errors that are not about access. */
function permissionHint(target: WebhookTarget, error: unknown, mode: 'app' | 'token'): string {
  if (!(error instanceof GithubPermissionError)) return error instanceof GithubApiError ? '; it is tried again at the next reconcile' : '';
  const organization = target.kind === 'organization';
  const grant =
    mode === 'app'
      ? `the GitHub App needs the ${organization ? 'organization' : 'repository'} permission "Webhooks: Read and write" (${organization ? 'organization_hooks' : 'repository_hooks'}), accepted on the installation`
      : `the token needs the ${organization ? 'admin:org_hook' : 'admin:repo_hook'} scope (classic) or the ${organization ? 'organization' : 'repository'} permission "Webhooks: Read and write" (fine-grained), and its user must ${organization ? 'own the organization' : 'administer the repository'}`;
  return `. To create the webhook, ${grant}`;
}
