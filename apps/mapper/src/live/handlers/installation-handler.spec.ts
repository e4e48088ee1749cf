import type { GithubInstallation } from '@glint/github';
import type { WebhookEvent } from '@glint/queue';
import type { ResyncRequester, WhenRunning } from '../../sync/resync-scheduler';
import type { AccountWebhooks, TargetResult } from '../../webhooks/webhook-reconciler';
import { InstallationHandler } from './installation-handler';

class RecordingResyncs implements ResyncRequester {
  readonly requested: Array<[GithubInstallation, string, WhenRunning | undefined]> = [];
  async request(installation: GithubInstallation, reason: string, whenRunning?: WhenRunning): Promise<boolean> {
    this.requested.push([installation, reason, whenRunning]);
    return true;
  }
}

class RecordingWebhooks implements AccountWebhooks {
  readonly reconciled: Array<[GithubInstallation, string]> = [];
  async reconcileAccount(installation: GithubInstallation, reason: string): Promise<TargetResult[]> {
    this.reconciled.push([installation, reason]);
    return [];
  }
}

function installationEvent(event: string, action: string, account: { login: string; type: string }): WebhookEvent {
  return { deliveryId: 'd-1', event, action, groupKey: 'installation-7', partition: 0, receivedAt: '2026-01-01T00:00:00Z', payload: { action, installation: { id: 7, account } } };
}

describe('InstallationHandler', () => {
  let resyncs: RecordingResyncs;
  let webhooks: RecordingWebhooks;
  let sut: InstallationHandler;

  beforeEach(() => {
    resyncs = new RecordingResyncs();
    webhooks = new RecordingWebhooks();
    sut = new InstallationHandler(resyncs, webhooks);
  });

  it.each([
    ['installation', 'created', 'installation created'],
    ['installation', 'new_permissions_accepted', 'installation new_permissions_accepted'],
    ['installation_repositories', 'added', 'repositories added to the installation'],
  ])('resyncs the account (after a running resync, if any) and reconciles its BASE_URL webhooks on %s %s', async (event, action, reason) => {
    await expect(sut.handle(installationEvent(event, action, { login: 'alice', type: 'User' }))).resolves.toBe('processed');

    const account = { id: 7, accountLogin: 'alice', accountType: 'User', suspended: false };
    // A resync already running may have listed the repositories before they were added: one more runs after it.
    expect(resyncs.requested).toEqual([[account, reason, 'follow-up']]);
    expect(webhooks.reconciled).toEqual([[account, reason]]);
  });

  it('does neither when the App is uninstalled', async () => {
    await expect(sut.handle(installationEvent('installation', 'deleted', { login: 'acme', type: 'Organization' }))).resolves.toBe('ignored');

    expect(resyncs.requested).toEqual([]);
    expect(webhooks.reconciled).toEqual([]);
  });
});
