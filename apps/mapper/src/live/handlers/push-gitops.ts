import { Logger } from '@nestjs/common';
import { readRepositoryFile } from '@glint/github';
import { gitopsChangesForPush, GitopsFileError, LoadedMapping } from '@glint/mapping';
import type { ChangesPublisher, EntityChange } from '@glint/queue';
import { publishSettingsOf } from '../../mapping/entity-mapping';
import { changedPaths } from '../../kinds';
import type { EventScope } from './object-sync';
import type { WebhookPayload } from '../../events/webhook-payload';

/** A sha of zeros: the push created (before) or deleted (after) the branch, so the file did not exist then. */
const NO_COMMIT = /^0+$/;

/** Applies the `port.yml` files a push to a default branch changes as GitOps entities. */
export class PushGitops {
  private readonly logger = new Logger('live-events');

  constructor(
    private readonly publisher: ChangesPublisher,
    private readonly now: () => Date,
  ) {}

  async apply(push: WebhookPayload<'push'>, scope: EventScope, loaded: LoadedMapping): Promise<void> {
    const { repository } = push;
    if (push.ref !== `refs/heads/${repository.default_branch}`) return;
    const { client, organization } = scope.context;
    const owner = repository.owner?.login ?? repository.owner?.name ?? organization;
    try {
      const diff = await gitopsChangesForPush(
        { before: push.before, after: push.after, changedPaths: changedPaths(push) },
        loaded.config.specPath,
        (path, sha) => (NO_COMMIT.test(sha) ? Promise.resolve(null) : readRepositoryFile(client, owner, repository.name, path, sha)),
        { createMissingRelatedEntities: loaded.config.createMissingRelatedEntities },
      );
      const observedAt = this.now().toISOString();
      const changes: EntityChange[] = [
        ...diff.upserts.map((entity): EntityChange => ({ type: 'upsert', entity, observedAt })),
        ...diff.deletes.map((key): EntityChange => ({ type: 'delete', ...key, observedAt })),
      ];
      if (changes.length > 0) {
        await this.publisher.publishChanges({ installationId: String(scope.installation.id), origin: 'gitops', settings: publishSettingsOf(loaded.config), changes });
      }
    } catch (error) {
      // The pull request's check run already reported the file; the push's other changes still apply.
      if (!(error instanceof GitopsFileError)) throw error;
      this.logger.error(`GitOps change of ${owner}/${repository.name} not applied: ${error.message}`);
    }
  }
}
