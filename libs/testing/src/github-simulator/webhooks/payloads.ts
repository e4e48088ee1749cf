import { createHash, randomBytes } from 'node:crypto';
import { Renderer } from '../render';
import { OrgRecord, RepoRecord, SimulatorState } from '../state';
import { JsonObject } from '../templates';
import { WebhookDeliverer } from './deliverer';

export const ZERO_SHA = '0000000000000000000000000000000000000000';

export function newSha(): string {
  return createHash('sha1').update(randomBytes(20)).digest('hex');
}

export interface PushCommit {
  sha: string;
  message: string;
  timestamp: string;
  authorLogin: string;
  added: string[];
  removed: string[];
  modified: string[];
}

/**
 * Builds webhook payloads from the simulator's state (objects rendered as the REST API renders them) and hands
 * them to the deliverer, which adds `installation` for the App.
 */
export class EventSender {
  constructor(
    private readonly state: SimulatorState,
    private readonly deliverer: WebhookDeliverer,
    private readonly renderer: () => Renderer,
  ) {}

  render(): Renderer {
    return this.renderer();
  }

  /** A repository event: `fields` first, then `repository`, `organization` and `sender`. */
  repo(event: string, repo: RepoRecord, senderLogin: string, fields: (render: Renderer) => JsonObject): void {
    const render = this.renderer();
    const org = this.state.organization(repo.ownerLogin);
    const payload: JsonObject = { ...fields(render), repository: render.repo(repo), ...(org ? { organization: render.orgSimple(org) } : {}), sender: render.account(senderLogin) };
    this.deliverer.emit(event, payload, { orgLogin: repo.ownerLogin, repositoryId: repo.id });
  }

  /** An organization event (member, team, …): `fields`, then `organization` and `sender`. */
  org(event: string, org: OrgRecord, senderLogin: string, fields: (render: Renderer) => JsonObject): void {
    const render = this.renderer();
    const payload: JsonObject = { ...fields(render), organization: render.orgSimple(org), sender: render.account(senderLogin) };
    this.deliverer.emit(event, payload, { orgLogin: org.login, repositoryId: null });
  }

  push(repo: RepoRecord, senderLogin: string, push: { ref: string; before: string; after: string; commits: PushCommit[]; baseRef?: string | null }): void {
    const user = this.state.user(senderLogin);
    const pusher = { name: senderLogin, email: user?.email ?? null };
    this.repo('push', repo, senderLogin, (render) => {
      const commits = push.commits.map((commit) => pushCommit(render, repo, commit));
      return {
        ref: push.ref,
        before: push.before,
        after: push.after,
        created: push.before === ZERO_SHA,
        deleted: push.after === ZERO_SHA,
        forced: false,
        base_ref: push.baseRef ?? null,
        compare: push.before === ZERO_SHA || push.after === ZERO_SHA ? `${render.webBase}/${repo.fullName}/compare/${push.ref.replace(/^refs\/(heads|tags)\//, '')}` : `${render.webBase}/${repo.fullName}/compare/${push.before.slice(0, 12)}...${push.after.slice(0, 12)}`,
        commits,
        head_commit: commits.at(-1) ?? null,
        pusher,
      };
    });
  }
}

function pushCommit(render: Renderer, repo: RepoRecord, commit: PushCommit): JsonObject {
  const person = { name: commit.authorLogin, email: `${commit.authorLogin}@example.com`, username: commit.authorLogin };
  return {
    id: commit.sha,
    tree_id: createHash('sha1').update(`tree:${commit.sha}`).digest('hex'),
    distinct: true,
    message: commit.message,
    timestamp: commit.timestamp,
    url: `${render.webBase}/${repo.fullName}/commit/${commit.sha}`,
    author: person,
    committer: person,
    added: commit.added,
    removed: commit.removed,
    modified: commit.modified,
  };
}
