import { canSeeOrg } from '../context';
import { Principal } from '../auth';
import { blobSha, nodeId } from '../render';
import { filesAtRef } from '../repo-files';
import { IssueRecord, LabelRecord, OrgRecord, PullRecord, RepoRecord, SimulatorState } from '../state';
import { byText, Connection, directed, PageArgs } from './connection';
import { samlIdentityProviderOf } from './saml-identities';

/** GitHub truncates `Blob.text` at 512,000 bytes and says so in `isTruncated`. */
export const BLOB_TEXT_LIMIT_BYTES = 512_000;

/** What every view needs: the model, who asks, and the simulator's web origin for `url` fields. */
export class ViewContext {
  private readonly repoViews = new Map<number, RepositoryView>();
  private readonly actorViews = new Map<string, ActorView>();

  constructor(
    readonly state: SimulatorState,
    readonly principal: Principal,
    readonly webBase: string,
  ) {}

  canSee(ownerLogin: string): boolean {
    return canSeeOrg(this.principal, ownerLogin);
  }

  repository(repo: RepoRecord): RepositoryView {
    let view = this.repoViews.get(repo.id);
    if (!view) {
      view = new RepositoryView(this, repo);
      this.repoViews.set(repo.id, view);
    }
    return view;
  }

  /** A user, a bot (`name[bot]`) or an organization by login. */
  actor(login: string): ActorView | OrganizationView {
    const org = this.state.user(login) ? undefined : this.state.organization(login);
    if (org) return new OrganizationView(this, org);
    let view = this.actorViews.get(login);
    if (!view) {
      view = new ActorView(this, login);
      this.actorViews.set(login, view);
    }
    return view;
  }
}

type OrderArgs = { orderBy?: { field: string; direction: string } | null };

export class ActorView {
  readonly __typename: 'User' | 'Bot';
  readonly databaseId: number;
  readonly id: string;
  readonly url: string;
  readonly name: string | null;
  readonly email: string;

  constructor(
    context: ViewContext,
    readonly login: string,
  ) {
    const user = context.state.user(login);
    this.__typename = login.endsWith('[bot]') ? 'Bot' : 'User';
    this.databaseId = user?.id ?? 0;
    this.id = nodeId(this.__typename, this.databaseId);
    this.url = `${context.webBase}/${login}`;
    this.name = user?.name ?? null;
    this.email = user?.email ?? '';
  }

  avatarUrl(): string {
    return `${this.url}.png`;
  }

  resourcePath(): string {
    return `/${this.login}`;
  }
}

export class OrganizationView {
  readonly __typename = 'Organization';

  constructor(
    private readonly context: ViewContext,
    private readonly org: OrgRecord,
  ) {}

  get login(): string {
    return this.org.login;
  }
  get databaseId(): number {
    return this.org.id;
  }
  get id(): string {
    return nodeId('Organization', this.org.id);
  }
  get name(): string {
    return this.org.name;
  }
  get description(): string {
    return this.org.description;
  }
  get createdAt(): string {
    return this.org.createdAt;
  }
  get updatedAt(): string {
    return this.org.createdAt;
  }
  get url(): string {
    return `${this.context.webBase}/${this.org.login}`;
  }
  get resourcePath(): string {
    return `/${this.org.login}`;
  }

  avatarUrl(): string {
    return `${this.url}.png`;
  }

  samlIdentityProvider(): ReturnType<typeof samlIdentityProviderOf> {
    return samlIdentityProviderOf(this.context.state, this.org, this.context.webBase);
  }

  repository(args: { name: string }): RepositoryView | null {
    const repo = this.context.state.repo(this.org.login, args.name);
    return repo ? this.context.repository(repo) : null;
  }

  repositories(args: PageArgs & OrderArgs & { privacy?: string | null; visibility?: string | null; isFork?: boolean | null; isArchived?: boolean | null }): Connection<RepoRecord, RepositoryView> {
    let repos = this.org.repos.filter((repo) => {
      if (args.privacy === 'PUBLIC' && repo.visibility !== 'public') return false;
      if (args.privacy === 'PRIVATE' && repo.visibility === 'public') return false;
      if (args.visibility && repo.visibility !== args.visibility.toLowerCase()) return false;
      if (typeof args.isFork === 'boolean' && repo.fork !== args.isFork) return false;
      if (typeof args.isArchived === 'boolean' && repo.archived !== args.isArchived) return false;
      return true;
    });
    if (args.orderBy) repos = [...repos].sort(directed(repoOrder(args.orderBy.field), args.orderBy.direction));
    return new Connection(repos, args, (repo) => this.context.repository(repo));
  }
}

function repoOrder(field: string): (a: RepoRecord, b: RepoRecord) => number {
  switch (field) {
    case 'CREATED_AT':
      return (a, b) => byText(a.createdAt, b.createdAt) || a.id - b.id;
    case 'UPDATED_AT':
      return (a, b) => byText(a.updatedAt, b.updatedAt) || a.id - b.id;
    case 'PUSHED_AT':
      return (a, b) => byText(a.pushedAt, b.pushedAt) || a.id - b.id;
    case 'STARGAZERS':
      return (a, b) => a.stars - b.stars || a.id - b.id;
    default:
      return (a, b) => byText(a.name.toLowerCase(), b.name.toLowerCase());
  }
}

function issueOrder(field: string | undefined): (a: { createdAt: string; updatedAt: string; comments: number; number: number }, b: { createdAt: string; updatedAt: string; comments: number; number: number }) => number {
  switch (field) {
    case 'UPDATED_AT':
      return (a, b) => byText(a.updatedAt, b.updatedAt) || a.number - b.number;
    case 'COMMENTS':
      return (a, b) => a.comments - b.comments || a.number - b.number;
    default:
      return (a, b) => byText(a.createdAt, b.createdAt) || a.number - b.number;
  }
}

const emptyConnection = <T>(args: PageArgs): Connection<T, T> => new Connection<T, T>([], args, (item) => item);

export class RepositoryView {
  readonly __typename = 'Repository';

  constructor(
    private readonly context: ViewContext,
    private readonly repo: RepoRecord,
  ) {}

  get id(): string {
    return nodeId('Repository', this.repo.id);
  }
  get databaseId(): number {
    return this.repo.id;
  }
  get name(): string {
    return this.repo.name;
  }
  get nameWithOwner(): string {
    return this.repo.fullName;
  }
  get description(): string | null {
    return this.repo.description || null;
  }
  get url(): string {
    return `${this.context.webBase}/${this.repo.fullName}`;
  }
  get resourcePath(): string {
    return `/${this.repo.fullName}`;
  }
  get homepageUrl(): null {
    return null;
  }
  get isPrivate(): boolean {
    return this.repo.visibility !== 'public';
  }
  get visibility(): string {
    return this.repo.visibility.toUpperCase();
  }
  get isFork(): boolean {
    return this.repo.fork;
  }
  get isArchived(): boolean {
    return this.repo.archived;
  }
  get isTemplate(): boolean {
    return false;
  }
  get isDisabled(): boolean {
    return false;
  }
  get isEmpty(): boolean {
    return false;
  }
  get isLocked(): boolean {
    return false;
  }
  get isMirror(): boolean {
    return false;
  }
  get createdAt(): string {
    return this.repo.createdAt;
  }
  get updatedAt(): string {
    return this.repo.updatedAt;
  }
  get pushedAt(): string {
    return this.repo.pushedAt;
  }
  get archivedAt(): string | null {
    return this.repo.archived ? this.repo.updatedAt : null;
  }
  get diskUsage(): number {
    return this.repo.size;
  }
  get stargazerCount(): number {
    return this.repo.stars;
  }
  get forkCount(): number {
    return 0;
  }
  get licenseInfo(): null {
    return null;
  }
  get hasIssuesEnabled(): boolean {
    return true;
  }
  get hasWikiEnabled(): boolean {
    return true;
  }
  get hasProjectsEnabled(): boolean {
    return true;
  }
  get hasDiscussionsEnabled(): boolean {
    return false;
  }
  get mergeCommitAllowed(): boolean {
    return true;
  }
  get squashMergeAllowed(): boolean {
    return true;
  }
  get rebaseMergeAllowed(): boolean {
    return true;
  }
  get deleteBranchOnMerge(): boolean {
    return false;
  }
  get sshUrl(): string {
    return `git@${new URL(this.context.webBase).host}:${this.repo.fullName}.git`;
  }
  get owner(): ActorView | OrganizationView {
    return this.context.actor(this.repo.ownerLogin);
  }
  get primaryLanguage(): { name: string; color: null; id: string } | null {
    return this.repo.language === null ? null : { name: this.repo.language, color: null, id: nodeId('Language', this.repo.language) };
  }
  get defaultBranchRef(): RefView | null {
    return this.ref({ qualifiedName: this.repo.defaultBranch });
  }

  /** Counts only: the simulator knows how many, not who. */
  get watchers(): { totalCount: number; nodes: never[]; edges: never[] } {
    return { totalCount: this.repo.stars, nodes: [], edges: [] };
  }

  get stargazers(): { totalCount: number; nodes: never[]; edges: never[] } {
    return this.watchers;
  }

  repositoryTopics(args: PageArgs): Connection<string, { topic: { name: string }; url: string }> {
    return new Connection(this.repo.topics, args, (name) => ({ topic: { name }, url: `${this.context.webBase}/topics/${name}` }));
  }

  ref(args: { qualifiedName: string }): RefView | null {
    const name = args.qualifiedName.replace(/^refs\/heads\//, '');
    const branch = this.context.state.repoData(this.repo).branches.find((candidate) => candidate.name === name);
    return branch ? new RefView(this.repo, branch.name, branch.sha) : null;
  }

  pullRequests(args: PageArgs & OrderArgs & { states?: string[] | null; headRefName?: string | null; baseRefName?: string | null; labels?: string[] | null }): Connection<PullRecord, PullRequestView> {
    const states = args.states ?? undefined;
    const labels = args.labels?.map((label) => label.toLowerCase());
    let pulls = this.context.state.repoData(this.repo).pulls.filter((pull) => {
      if (states && !states.includes(pullState(pull))) return false;
      if (args.headRefName && pull.headRef !== args.headRefName) return false;
      if (args.baseRefName && pull.baseRef !== args.baseRefName) return false;
      if (labels && !labels.some((label) => pull.labels.some((candidate) => candidate.name.toLowerCase() === label))) return false;
      return true;
    });
    // Without orderBy GitHub lists by number, ascending (the simulator keeps pulls in that order).
    if (args.orderBy) pulls = [...pulls].sort(directed(issueOrder(args.orderBy.field), args.orderBy.direction));
    return new Connection(pulls, args, (pull) => new PullRequestView(this.context, this.repo, pull));
  }

  pullRequest(args: { number: number }): PullRequestView | null {
    const pull = this.context.state.repoData(this.repo).pulls.find((candidate) => candidate.number === args.number);
    return pull ? new PullRequestView(this.context, this.repo, pull) : null;
  }

  issues(args: PageArgs & OrderArgs & { states?: string[] | null; labels?: string[] | null }): Connection<IssueRecord, IssueView> {
    const states = args.states ?? undefined;
    const labels = args.labels?.map((label) => label.toLowerCase());
    let issues = this.context.state.repoData(this.repo).issues.filter((issue) => {
      if (states && !states.includes(issue.state.toUpperCase())) return false;
      if (labels && !labels.some((label) => issue.labels.some((candidate) => candidate.name.toLowerCase() === label))) return false;
      return true;
    });
    if (args.orderBy) issues = [...issues].sort(directed(issueOrder(args.orderBy.field), args.orderBy.direction));
    return new Connection(issues, args, (issue) => new IssueView(this.context, this.repo, issue));
  }

  issue(args: { number: number }): IssueView | null {
    const issue = this.context.state.repoData(this.repo).issues.find((candidate) => candidate.number === args.number);
    return issue ? new IssueView(this.context, this.repo, issue) : null;
  }

  /** `rev:path` (`HEAD:README.md`, `main:.github/x.yml`, `<sha>:path`) → Blob or Tree; `rev` alone → Commit; null when absent. */
  object(args: { expression?: string | null; oid?: string | null }): BlobView | TreeView | CommitView | null {
    const expression = args.expression ?? args.oid;
    if (!expression) return null;
    const separator = expression.indexOf(':');
    const revision = separator < 0 ? expression : expression.slice(0, separator);
    const data = this.context.state.repoData(this.repo);
    const ref = revision === 'HEAD' || revision === '' ? this.repo.defaultBranch : revision;
    const files = filesAtRef(this.repo, data, ref);
    if (!files) return null;
    if (separator < 0) {
      const sha = data.branches.find((branch) => branch.name === ref.replace(/^refs\/heads\//, ''))?.sha ?? data.tags.find((tag) => tag.name === ref)?.sha ?? ref;
      return new CommitView(this.repo, sha);
    }
    const path = expression.slice(separator + 1).replace(/^\/+|\/+$/g, '');
    const content = files.get(path);
    if (content !== undefined) return new BlobView(this.context, this.repo, content);
    const prefix = path === '' ? '' : `${path}/`;
    for (const file of files.keys()) if (file.startsWith(prefix)) return new TreeView(this.context, this.repo, files, path);
    return null;
  }
}

export class RefView {
  readonly __typename = 'Ref';
  readonly prefix = 'refs/heads/';

  constructor(
    private readonly repo: RepoRecord,
    readonly name: string,
    private readonly sha: string,
  ) {}

  get id(): string {
    return nodeId('Ref', `${this.repo.id}:${this.name}`);
  }
  get target(): CommitView {
    return new CommitView(this.repo, this.sha);
  }
}

export class CommitView {
  readonly __typename = 'Commit';

  constructor(
    private readonly repo: RepoRecord,
    readonly oid: string,
  ) {}

  get id(): string {
    return nodeId('Commit', `${this.repo.id}:${this.oid}`);
  }
  get abbreviatedOid(): string {
    return this.oid.slice(0, 7);
  }
}

export class BlobView {
  readonly __typename = 'Blob';
  readonly oid: string;
  readonly byteSize: number;
  readonly isBinary: boolean;

  constructor(
    private readonly context: ViewContext,
    private readonly repo: RepoRecord,
    private readonly content: string,
  ) {
    this.oid = blobSha(content);
    this.byteSize = Buffer.byteLength(content);
    this.isBinary = content.includes('\u0000');
  }

  get id(): string {
    return nodeId('Blob', `${this.repo.id}:${this.oid}`);
  }
  get abbreviatedOid(): string {
    return this.oid.slice(0, 7);
  }
  get isTruncated(): boolean {
    return this.byteSize > BLOB_TEXT_LIMIT_BYTES;
  }
  get text(): string | null {
    if (this.isBinary) return null;
    return this.isTruncated ? Buffer.from(this.content).subarray(0, BLOB_TEXT_LIMIT_BYTES).toString('utf8') : this.content;
  }
  get repository(): RepositoryView {
    return this.context.repository(this.repo);
  }
}

export class TreeView {
  readonly __typename = 'Tree';

  constructor(
    private readonly context: ViewContext,
    private readonly repo: RepoRecord,
    private readonly files: Map<string, string>,
    private readonly path: string,
  ) {}

  get oid(): string {
    return blobSha(`tree ${this.repo.fullName}/${this.path}`);
  }
  get id(): string {
    return nodeId('Tree', `${this.repo.id}:${this.oid}`);
  }

  get entries(): Array<{ name: string; path: string; type: 'blob' | 'tree'; mode: number; object: BlobView | TreeView }> {
    const prefix = this.path === '' ? '' : `${this.path}/`;
    const entries = new Map<string, { name: string; path: string; type: 'blob' | 'tree'; mode: number; object: BlobView | TreeView }>();
    for (const [file, content] of this.files) {
      if (!file.startsWith(prefix)) continue;
      const name = file.slice(prefix.length).split('/')[0];
      if (entries.has(name)) continue;
      const path = `${prefix}${name}`;
      const isFile = path === file;
      entries.set(name, { name, path, type: isFile ? 'blob' : 'tree', mode: isFile ? 0o100644 : 0o040000, object: isFile ? new BlobView(this.context, this.repo, content) : new TreeView(this.context, this.repo, this.files, path) });
    }
    return [...entries.values()].sort((a, b) => byText(a.name, b.name));
  }
}

function pullState(pull: PullRecord): string {
  return pull.merged ? 'MERGED' : pull.state.toUpperCase();
}

function labelsOf(context: ViewContext, repo: RepoRecord, labels: LabelRecord[], args: PageArgs): Connection<LabelRecord, { id: string; name: string; color: string; url: string }> {
  return new Connection(labels, args, (label) => ({ id: nodeId('Label', label.id), name: label.name, color: label.color, url: `${context.webBase}/${repo.fullName}/labels/${encodeURIComponent(label.name)}` }));
}

abstract class IssueLikeView<R extends PullRecord | IssueRecord> {
  abstract readonly __typename: 'PullRequest' | 'Issue';

  constructor(
    protected readonly context: ViewContext,
    protected readonly repo: RepoRecord,
    protected readonly record: R,
  ) {}

  get id(): string {
    return nodeId(this.__typename, this.record.id);
  }
  get databaseId(): number {
    return this.record.id;
  }
  get fullDatabaseId(): string {
    return String(this.record.id);
  }
  get number(): number {
    return this.record.number;
  }
  get title(): string {
    return this.record.title;
  }
  get body(): string {
    return this.record.body;
  }
  get createdAt(): string {
    return this.record.createdAt;
  }
  get updatedAt(): string {
    return this.record.updatedAt;
  }
  get closedAt(): string | null {
    return this.record.closedAt;
  }
  get closed(): boolean {
    return this.record.state === 'closed';
  }
  get locked(): boolean {
    return false;
  }
  get author(): ActorView | OrganizationView {
    return this.context.actor(this.record.userLogin);
  }
  get authorAssociation(): string {
    return 'MEMBER';
  }
  get repository(): RepositoryView {
    return this.context.repository(this.repo);
  }
  get comments(): { totalCount: number } {
    return { totalCount: this.record.comments };
  }
  get totalCommentsCount(): number {
    return this.record.comments;
  }

  labels(args: PageArgs): Connection<LabelRecord, { id: string; name: string; color: string; url: string }> {
    return labelsOf(this.context, this.repo, this.record.labels, args);
  }
}

export class PullRequestView extends IssueLikeView<PullRecord> {
  readonly __typename = 'PullRequest';

  get url(): string {
    return `${this.context.webBase}/${this.repo.fullName}/pull/${this.record.number}`;
  }
  get permalink(): string {
    return this.url;
  }
  get resourcePath(): string {
    return `/${this.repo.fullName}/pull/${this.record.number}`;
  }
  get state(): string {
    return pullState(this.record);
  }
  get isDraft(): boolean {
    return this.record.draft;
  }
  get merged(): boolean {
    return this.record.merged;
  }
  get mergedAt(): string | null {
    return this.record.mergedAt;
  }
  get mergedBy(): ActorView | OrganizationView | null {
    return this.record.merged ? this.context.actor(this.record.userLogin) : null;
  }
  get mergeable(): string {
    return this.record.state === 'open' ? 'MERGEABLE' : 'UNKNOWN';
  }
  get headRefName(): string {
    return this.record.headRef;
  }
  get headRefOid(): string {
    return this.record.headSha;
  }
  get baseRefName(): string {
    return this.record.baseRef;
  }
  get baseRefOid(): string {
    return this.context.state.repoData(this.repo).branches.find((branch) => branch.name === this.record.baseRef)?.sha ?? this.record.headSha;
  }
  get headRepository(): RepositoryView {
    return this.context.repository(this.repo);
  }
  get baseRepository(): RepositoryView {
    return this.context.repository(this.repo);
  }
  get isCrossRepository(): boolean {
    return false;
  }
  get additions(): number {
    return this.record.additions;
  }
  get deletions(): number {
    return this.record.deletions;
  }
  get changedFiles(): number {
    return this.record.changedFiles;
  }
  get mergeCommit(): CommitView | null {
    return this.record.mergeCommitSha ? new CommitView(this.repo, this.record.mergeCommitSha) : null;
  }

  /** The pull request's commits, oldest first; the last one is its head. */
  commits(args: PageArgs): Connection<number, { id: string; commit: CommitView }> {
    const positions = Array.from({ length: this.record.commits }, (_, index) => index + 1);
    return new Connection(positions, args, (position) => {
      const oid = position === this.record.commits ? this.record.headSha : blobSha(`commit ${this.record.id}:${position}`);
      return { id: nodeId('PullRequestCommit', `${this.record.id}:${oid}`), commit: new CommitView(this.repo, oid) };
    });
  }

  /** The simulator keeps no assignees or review requests for pull requests (the REST objects have none either). */
  assignees(args: PageArgs): Connection<never, never> {
    return emptyConnection(args);
  }

  reviewRequests(args: PageArgs): Connection<never, never> {
    return emptyConnection(args);
  }
}

export class IssueView extends IssueLikeView<IssueRecord> {
  readonly __typename = 'Issue';

  get url(): string {
    return `${this.context.webBase}/${this.repo.fullName}/issues/${this.record.number}`;
  }
  get resourcePath(): string {
    return `/${this.repo.fullName}/issues/${this.record.number}`;
  }
  get state(): string {
    return this.record.state.toUpperCase();
  }
  get stateReason(): string | null {
    return this.record.stateReason?.toUpperCase() ?? null;
  }

  assignees(args: PageArgs): Connection<string, ActorView | OrganizationView> {
    return new Connection(this.record.assigneeLogins, args, (login) => this.context.actor(login));
  }
}
