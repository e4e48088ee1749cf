import type { GithubInstallation } from '@glint/github';
import type { HandlerResult, WebhookEvent } from '@glint/queue';
import type { EventKindHandler } from '../../events/event-router';
import type { ResyncRequester } from '../../sync/resync-scheduler';
import type { AccountWebhooks } from '../../webhooks/webhook-reconciler';
import { payloadOf } from '../../events/webhook-payload';

/** Installation actions after which the account has repositories (or permissions) the catalog does not reflect yet. */
const RESYNCING_ACTIONS: ReadonlySet<string> = new Set(['created', 'added', 'new_permissions_accepted', 'unsuspend']);

/** A new or widened installation: its account is resynced, and (BASE_URL) gets its webhook at once instead of at the next hourly reconcile. */
export class InstallationHandler implements EventKindHandler {
  readonly events = ['installation', 'installation_repositories'] as const;

  constructor(
    private readonly resyncs: ResyncRequester,
    private readonly webhooks?: AccountWebhooks,
  ) {}

  async handle(event: WebhookEvent): Promise<HandlerResult> {
    const payload = payloadOf(event, ...this.events);
    if (!payload || !RESYNCING_ACTIONS.has(payload.action)) return 'ignored';
    const account = payload.installation.account;
    // An enterprise account has no login to sync by.
    if (!account || !('login' in account)) return 'ignored';
    const installation: GithubInstallation = { id: payload.installation.id, accountLogin: account.login, accountType: account.type === 'User' ? 'User' : 'Organization', suspended: false };
    const reason = payload.action === 'added' ? 'repositories added to the installation' : `installation ${payload.action}`;
    // A resync already running may have listed the repositories before they were added: one more runs after it.
    await this.resyncs.request(installation, reason, 'follow-up');
    await this.webhooks?.reconcileAccount(installation, reason);
    return 'processed';
  }
}
