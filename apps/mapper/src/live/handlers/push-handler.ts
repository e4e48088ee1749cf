import type { GithubInstallation } from '@glint/github';
import type { MappingConfigSource } from '@glint/mapping';
import type { HandlerResult, WebhookEvent } from '@glint/queue';
import type { EventKindHandler } from '../../events/event-router';
import type { ResyncRequester } from '../../sync/resync-scheduler';
import { changedPaths } from '../../kinds';
import type { ObjectSync } from './object-sync';
import type { PushGitops } from './push-gitops';
import { payloadOf, WebhookPayload } from '../../events/webhook-payload';

/**
 * A push: when it changes a mapping file on a default branch, the mapping is reloaded and the account resynced; its
 * `port.yml` changes are applied as GitOps entities; then its branch (and on a default branch, its workflows) are synced.
 */
export class PushHandler implements EventKindHandler {
  readonly events = ['push'] as const;

  constructor(
    private readonly objects: ObjectSync,
    private readonly mappingSource: Pick<MappingConfigSource, 'invalidate'>,
    private readonly resyncs: ResyncRequester,
    private readonly gitops: Pick<PushGitops, 'apply'>,
  ) {}

  async handle(event: WebhookEvent): Promise<HandlerResult> {
    const push = payloadOf(event, 'push');
    if (!push) return 'ignored';
    const scope = await this.objects.scopeOf(event);
    if (!scope) return 'ignored';
    const resyncRequested = await this.mappingMayHaveChanged(push, scope.installation);
    return this.objects.sync(event, scope, { resyncRequested, beforeObjects: (loaded) => this.gitops.apply(push, scope, loaded) });
  }

  private async mappingMayHaveChanged(push: WebhookPayload<'push'>, installation: GithubInstallation): Promise<boolean> {
    const { repository } = push;
    const changed = this.mappingSource.invalidate({
      owner: repository.owner?.login ?? repository.owner?.name ?? installation.accountLogin,
      repository: repository.name,
      ref: push.ref,
      defaultBranch: repository.default_branch,
      changedPaths: changedPaths(push),
    });
    if (changed) await this.resyncs.request(installation, `the mapping changed in ${repository.name}`, 'follow-up');
    return changed;
  }
}
