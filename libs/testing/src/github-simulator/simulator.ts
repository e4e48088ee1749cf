import { createHash } from 'node:crypto';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { credentialOf, JWT_UNDECODABLE, Principal, SimulatorAuth } from './auth';
import { SimulatedClock } from './clock';
import { errorResult, RouteContext, RouteResult } from './context';
import { ADMIN_LOGIN, generateState } from './generator';
import { resolveOptions, ResolvedOptions, SimulatorOptions } from './options';
import { ResponseDelay } from './latency';
import { GITHUB_COM_HOURLY_LIMITS, GITHUB_COM_WINDOW_SECONDS, installationHourlyLimit, RateLimitScope, rateLimitHeaders, RateLimiter, RateLimitStatus } from './rate-limit';
import { Renderer } from './render';
import { Router } from './router';
import { AlertMutations } from './alert-mutations';
import { DeploymentMutations } from './deployment-mutations';
import { ContentMutations } from './mutations';
import { ensureUser, OrgMutations } from './org-mutations';
import { PermissionLevel, RunConclusion, SimulatorState } from './state';
import { CONCURRENCY_RETRY_AFTER_SECONDS, ConcurrencyLimit, GITHUB_COM_SECONDARY_LIMITS, pointsOf, PointsWindow, SECONDARY_LIMIT_MESSAGE } from './secondary-limits';
import { GRAPHQL_PATHS, GraphqlEndpoint, RunnableQuery } from './graphql/endpoint';
import { graphqlFaultAnswer, GraphqlFault } from './graphql/faults';
import { DeliveryRecord, WebhookDeliverer, WebhookTarget } from './webhooks/deliverer';
import { EventSender } from './webhooks/payloads';
import { WorkflowRunner } from './workflow-runner';

export interface SimulatorStats {
  requests: number;
  notModified: number;
  byRoute: Record<string, number>;
  /** Requests answered 403 because the caller's primary limit was spent. */
  refusedPrimary: number;
  /** Requests answered 403 by a secondary limit: concurrency, points per minute, or `secondaryRateLimit()`. */
  refusedSecondary: number;
  /** Rate-limit points the answered REST requests cost on GitHub.com: 1 per read that was not a 304, 5 per write. */
  points: number;
  /** GraphQL queries run, the points of GraphQL's own budget they cost, and GraphQL queries refused by a limit. */
  graphql: { queries: number; points: number; refused: number };
}

const emptyStats = (): SimulatorStats => ({ requests: 0, notModified: 0, byRoute: {}, refusedPrimary: 0, refusedSecondary: 0, points: 0, graphql: { queries: 0, points: 0, refused: 0 } });

export interface FaultInjection {
  /** The answer given instead (500 by default), or `'no-answer'`: the connection stays open until the client gives up. */
  status?: FaultAnswer;
  count: number;
  /** Tested against the request path and query (`/api/v3/…?…`, `/graphql`); every request when absent. */
  routePattern?: RegExp;
  /**
   * GraphQL queries only (`POST /graphql`, `/api/graphql`): fail as GitHub fails a heavy query instead of with
   * `status`. `'timeout'`: HTTP 502 with `{data: null, errors: [{message: 'Something went wrong while executing your
   * query. This may be the result of a timeout…'}]}`; `'resource-limits'`: HTTP 200 with `{data: null, errors:
   * [{type: 'RESOURCE_LIMITS_EXCEEDED', …}]}`. Invalid queries are answered as usual and do not use up `count`.
   */
  graphqlError?: GraphqlFault;
  /**
   * With `graphqlError`: only queries asking for a page (`first`/`last` of any connection) larger than this fail and
   * use up `count`; smaller ones are answered, so a client that shrinks its pages gets through.
   */
  maxPageSize?: number;
  /**
   * The request takes effect (a dispatch creates its run) and only its answer is replaced, as when a proxy in front of
   * GitHub times out after GitHub acted. By default nothing happens on the simulator's side.
   */
  afterEffect?: boolean;
}

export type FaultAnswer = 500 | 502 | 503 | 'no-answer';

export interface SimulatorInstallation {
  id: number;
  account: { login: string; id: number; type: 'Organization' };
}

const API_PREFIX = '/api/v3';
const MUTATION_PREFIX = '/_simulator/mutations/';

/** The mutations `POST /_simulator/mutations/{name}` runs, with the JSON body's `args` (or the body as an array). */
export const MUTATION_NAMES = [
  'openPullRequest', 'editPullRequest', 'closePullRequest', 'mergePullRequest', 'push', 'createBranch', 'deleteBranch', 'createTag',
  'createRelease', 'deleteRelease', 'openIssue', 'closeIssue', 'labelIssue', 'deleteIssue', 'createRepository', 'archiveRepository',
  'unarchiveRepository', 'renameRepository', 'deleteRepository', 'addCollaborator', 'editCollaborator', 'removeCollaborator', 'addMember', 'removeMember',
  'createTeam', 'deleteTeam', 'setWorkflowOutcome', 'createDeployment', 'createDeploymentStatus', 'createDependabotAlert', 'dismissDependabotAlert',
  'fixDependabotAlert', 'reopenDependabotAlert', 'createCodeScanningAlert', 'closeCodeScanningAlert', 'fixCodeScanningAlert', 'reopenCodeScanningAlert',
  'createSecretScanningAlert', 'resolveSecretScanningAlert', 'reopenSecretScanningAlert',
] as const;
export type MutationName = (typeof MUTATION_NAMES)[number];
const BASE_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'x-github-media-type': 'github.v3; format=json',
  'x-github-api-version-selected': '2022-11-28',
  'x-github-enterprise-version': '3.14.0',
  'cache-control': 'private, max-age=60, s-maxage=60',
  vary: 'Accept, Authorization, Cookie, X-GitHub-OTP',
};

/**
 * A stateful fake GitHub Enterprise Server REST API (`/api/v3`), served in-process on 127.0.0.1: generated
 * organizations and repositories, App JWT and installation-token auth, pagination, ETags, rate limits and faults.
 */
export class GithubSimulator {
  readonly url: string;
  readonly apiUrl: string;
  readonly appPrivateKeyPem: string;
  readonly appId: number;
  readonly state: SimulatorState;

  private readonly router = new Router();
  /** Absent when rate limits are off (GHES's default). */
  private readonly limiter: RateLimiter | undefined;
  /** Absent unless GitHub.com's secondary limits apply. */
  private readonly concurrency: ConcurrencyLimit | undefined;
  private readonly pointsWindow: PointsWindow | undefined;
  private readonly delay: ResponseDelay;
  private readonly faults: Array<{ status: FaultAnswer; remaining: number; pattern?: RegExp; afterEffect: boolean; graphqlError?: GraphqlFault; maxPageSize?: number }> = [];
  /** GraphQL's own primary budget (points) and secondary points a minute, beside REST's. */
  private readonly graphqlLimiter: RateLimiter | undefined;
  private readonly graphqlPointsWindow: PointsWindow | undefined;
  private readonly graphql: GraphqlEndpoint;
  /** Requests handled under an `afterEffect` fault: the answer they get instead of their own. */
  private readonly replacedAnswers = new WeakMap<ServerResponse, FaultAnswer>();
  private secondary = { remaining: 0, retryAfterSeconds: 0 };
  private counters: SimulatorStats = emptyStats();
  private requestSequence = 0;
  private readonly webhooks: WebhookDeliverer;
  private readonly events: EventSender;
  private readonly runner: WorkflowRunner;
  private readonly content: ContentMutations;
  private readonly orgs: OrgMutations;
  private readonly deploymentChanges: DeploymentMutations;
  private readonly alerts: AlertMutations;

  private constructor(
    private readonly server: Server,
    port: number,
    private readonly options: ResolvedOptions,
    private readonly clock: SimulatedClock,
    private readonly auth: SimulatorAuth,
    state: SimulatorState,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    this.apiUrl = `${this.url}${API_PREFIX}`;
    this.appPrivateKeyPem = auth.privateKeyPem;
    this.appId = options.appId;
    this.state = state;
    const { primary, secondary } = options.limits;
    // REST and GraphQL each have their own primary budget, of the same size and window.
    const primaryLimiter = () => (primary.kind === 'none' ? undefined : new RateLimiter(clock, primary.kind === 'fixed' ? primary.windowSeconds : GITHUB_COM_WINDOW_SECONDS));
    this.limiter = primaryLimiter();
    this.concurrency = secondary ? new ConcurrencyLimit() : undefined;
    this.pointsWindow = secondary ? new PointsWindow(clock) : undefined;
    this.graphqlLimiter = primaryLimiter();
    this.graphqlPointsWindow = secondary ? new PointsWindow(clock, GITHUB_COM_SECONDARY_LIMITS.graphqlPointsPerMinute) : undefined;
    this.graphql = new GraphqlEndpoint(state, this.url);
    this.delay = new ResponseDelay(options.latencyMs, options.latencyJitterMs, options.seed);
    this.webhooks = new WebhookDeliverer(state, clock, options.appId, options.webhookTimeoutMs, options.webhook, options.deliveryLogLimit, options.webhookConcurrency);
    this.events = new EventSender(state, this.webhooks, () => new Renderer(this.apiUrl, this.url, this.state));
    this.runner = new WorkflowRunner(state, clock, this.events, options.runStepMs);
    const deps = { state, clock, events: this.events };
    this.content = new ContentMutations(deps);
    this.orgs = new OrgMutations(deps);
    this.deploymentChanges = new DeploymentMutations(deps);
    this.alerts = new AlertMutations(deps);
  }

  static async start(options: SimulatorOptions & { port?: number } = {}): Promise<GithubSimulator> {
    const clock = new SimulatedClock();
    const resolved = resolveOptions(options, clock.now());
    const state = generateState(resolved);
    const auth = new SimulatorAuth(resolved.appId, clock);
    const ready: { simulator?: GithubSimulator } = {};
    const server = createServer((req, res) => {
      if (ready.simulator) ready.simulator.handle(req, res);
      else res.writeHead(503).end();
    });
    server.keepAliveTimeout = 65_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
    });
    ready.simulator = new GithubSimulator(server, (server.address() as AddressInfo).port, resolved, clock, auth, state);
    return ready.simulator;
  }

  installations(): SimulatorInstallation[] {
    return this.state.installations.map((installation) => {
      const org = this.state.organization(installation.orgLogin);
      return { id: installation.id, account: { login: installation.orgLogin, id: org?.id ?? 0, type: 'Organization' } };
    });
  }

  /** A personal access token that sees every organization (the user is created when unknown). */
  createPersonalAccessToken(login: string = ADMIN_LOGIN): string {
    return this.auth.issuePersonalToken(ensureUser({ state: this.state, clock: this.clock }, login));
  }

  /** Sets (or, with undefined, removes) the App's webhook URL and secret. */
  configureWebhook(target: WebhookTarget | undefined): void {
    this.webhooks.configure(target);
  }

  /** Every webhook delivery attempt (App and organization hooks), oldest first. */
  deliveries(): DeliveryRecord[] {
    return this.webhooks.deliveries();
  }

  /** Calls `listener` with each delivery attempt once it is answered or failed; returns the unsubscribe function. */
  onDelivery(listener: (record: DeliveryRecord) => void): () => void {
    return this.webhooks.onDelivery(listener);
  }

  /** Resolves with the log once at least `count` deliveries were attempted; rejects after `timeoutMs`. */
  waitForDeliveries(count: number, timeoutMs?: number): Promise<DeliveryRecord[]> {
    return this.webhooks.waitForDeliveries(count, timeoutMs);
  }

  /** Resolves when no webhook delivery is in flight. */
  webhooksIdle(): Promise<void> {
    return this.webhooks.idle();
  }

  /** The conclusion of a workflow's next dispatched runs (`success` by default); `workflow` is its file name or path. */
  setWorkflowOutcome(owner: string, repo: string, workflow: string, conclusion: Exclude<RunConclusion, null>): void {
    const record = this.state.repo(owner, repo);
    if (!record) throw new Error(`Repository ${owner}/${repo} not found`);
    this.runner.setOutcome(record, workflow, conclusion);
  }

  /** While held, a workflow's new dispatched runs stay `queued` (no runner picks them up) until cancelled. */
  holdWorkflowRuns(owner: string, repo: string, workflow: string, held = true): void {
    const record = this.state.repo(owner, repo);
    if (!record) throw new Error(`Repository ${owner}/${repo} not found`);
    this.runner.hold(record, workflow, held);
  }

  /** Accepts JWTs signed by another private key of the App, as when one is added on the App's settings page. */
  addAppKey(privateKeyPem: string): void {
    this.auth.addKey(privateKeyPem);
  }

  /** Refuses JWTs signed by this key (401 "A JSON web token could not be decoded"), as when it is deleted from the App. */
  removeAppKey(privateKeyPem: string): void {
    this.auth.removeKey(privateKeyPem);
  }

  /** Knows the App by one more id too; JWTs issued by an id it does not know are answered 401 "Integration not found". */
  acceptAppId(appId: number): void {
    this.auth.acceptAppId(appId);
  }

  /** Whether a workflow dispatch honours `return_run_details` (GHES 3.21 and github.com) or answers 204 as older servers do. */
  setReturnRunDetailsSupport(supported: boolean): void {
    this.options.supportsReturnRunDetails = supported;
  }

  /**
   * Changes what the App may do in an organization's installation, e.g. `{ checks: null }` to withdraw the checks
   * permission (check-run routes then answer 403 "Resource not accessible by integration"); tokens follow at once.
   */
  setInstallationPermissions(orgLogin: string, permissions: Record<string, PermissionLevel | null>): void {
    const installation = this.state.installations.find((candidate) => candidate.orgLogin.toLowerCase() === orgLogin.toLowerCase());
    if (!installation) throw new Error(`No installation for ${orgLogin}`);
    for (const [name, level] of Object.entries(permissions)) {
      if (level === null) delete installation.permissions[name];
      else installation.permissions[name] = level;
    }
  }

  openPullRequest(...args: Parameters<ContentMutations['openPullRequest']>): ReturnType<ContentMutations['openPullRequest']> {
    return this.content.openPullRequest(...args);
  }

  editPullRequest(...args: Parameters<ContentMutations['editPullRequest']>): ReturnType<ContentMutations['editPullRequest']> {
    return this.content.editPullRequest(...args);
  }

  closePullRequest(...args: Parameters<ContentMutations['closePullRequest']>): ReturnType<ContentMutations['closePullRequest']> {
    return this.content.closePullRequest(...args);
  }

  mergePullRequest(...args: Parameters<ContentMutations['mergePullRequest']>): ReturnType<ContentMutations['mergePullRequest']> {
    return this.content.mergePullRequest(...args);
  }

  push(...args: Parameters<ContentMutations['push']>): ReturnType<ContentMutations['push']> {
    return this.content.push(...args);
  }

  createBranch(...args: Parameters<ContentMutations['createBranch']>): ReturnType<ContentMutations['createBranch']> {
    return this.content.createBranch(...args);
  }

  deleteBranch(...args: Parameters<ContentMutations['deleteBranch']>): ReturnType<ContentMutations['deleteBranch']> {
    return this.content.deleteBranch(...args);
  }

  createTag(...args: Parameters<ContentMutations['createTag']>): ReturnType<ContentMutations['createTag']> {
    return this.content.createTag(...args);
  }

  createRelease(...args: Parameters<ContentMutations['createRelease']>): ReturnType<ContentMutations['createRelease']> {
    return this.content.createRelease(...args);
  }

  deleteRelease(...args: Parameters<ContentMutations['deleteRelease']>): ReturnType<ContentMutations['deleteRelease']> {
    return this.content.deleteRelease(...args);
  }

  openIssue(...args: Parameters<ContentMutations['openIssue']>): ReturnType<ContentMutations['openIssue']> {
    return this.content.openIssue(...args);
  }

  closeIssue(...args: Parameters<ContentMutations['closeIssue']>): ReturnType<ContentMutations['closeIssue']> {
    return this.content.closeIssue(...args);
  }

  labelIssue(...args: Parameters<ContentMutations['labelIssue']>): ReturnType<ContentMutations['labelIssue']> {
    return this.content.labelIssue(...args);
  }

  deleteIssue(...args: Parameters<ContentMutations['deleteIssue']>): ReturnType<ContentMutations['deleteIssue']> {
    return this.content.deleteIssue(...args);
  }

  createRepository(...args: Parameters<OrgMutations['createRepository']>): ReturnType<OrgMutations['createRepository']> {
    return this.orgs.createRepository(...args);
  }

  archiveRepository(...args: Parameters<OrgMutations['archiveRepository']>): ReturnType<OrgMutations['archiveRepository']> {
    return this.orgs.archiveRepository(...args);
  }

  unarchiveRepository(...args: Parameters<OrgMutations['unarchiveRepository']>): ReturnType<OrgMutations['unarchiveRepository']> {
    return this.orgs.unarchiveRepository(...args);
  }

  renameRepository(...args: Parameters<OrgMutations['renameRepository']>): ReturnType<OrgMutations['renameRepository']> {
    return this.orgs.renameRepository(...args);
  }

  deleteRepository(...args: Parameters<OrgMutations['deleteRepository']>): ReturnType<OrgMutations['deleteRepository']> {
    return this.orgs.deleteRepository(...args);
  }

  addMember(...args: Parameters<OrgMutations['addMember']>): ReturnType<OrgMutations['addMember']> {
    return this.orgs.addMember(...args);
  }

  removeMember(...args: Parameters<OrgMutations['removeMember']>): ReturnType<OrgMutations['removeMember']> {
    return this.orgs.removeMember(...args);
  }

  createTeam(...args: Parameters<OrgMutations['createTeam']>): ReturnType<OrgMutations['createTeam']> {
    return this.orgs.createTeam(...args);
  }

  deleteTeam(...args: Parameters<OrgMutations['deleteTeam']>): ReturnType<OrgMutations['deleteTeam']> {
    return this.orgs.deleteTeam(...args);
  }

  addCollaborator(...args: Parameters<OrgMutations['addCollaborator']>): ReturnType<OrgMutations['addCollaborator']> {
    return this.orgs.addCollaborator(...args);
  }

  editCollaborator(...args: Parameters<OrgMutations['editCollaborator']>): ReturnType<OrgMutations['editCollaborator']> {
    return this.orgs.editCollaborator(...args);
  }

  removeCollaborator(...args: Parameters<OrgMutations['removeCollaborator']>): ReturnType<OrgMutations['removeCollaborator']> {
    return this.orgs.removeCollaborator(...args);
  }

  createDeployment(...args: Parameters<DeploymentMutations['createDeployment']>): ReturnType<DeploymentMutations['createDeployment']> {
    return this.deploymentChanges.createDeployment(...args);
  }

  createDeploymentStatus(...args: Parameters<DeploymentMutations['createDeploymentStatus']>): ReturnType<DeploymentMutations['createDeploymentStatus']> {
    return this.deploymentChanges.createDeploymentStatus(...args);
  }

  createDependabotAlert(...args: Parameters<AlertMutations['createDependabotAlert']>): ReturnType<AlertMutations['createDependabotAlert']> {
    return this.alerts.createDependabotAlert(...args);
  }

  dismissDependabotAlert(...args: Parameters<AlertMutations['dismissDependabotAlert']>): ReturnType<AlertMutations['dismissDependabotAlert']> {
    return this.alerts.dismissDependabotAlert(...args);
  }

  fixDependabotAlert(...args: Parameters<AlertMutations['fixDependabotAlert']>): ReturnType<AlertMutations['fixDependabotAlert']> {
    return this.alerts.fixDependabotAlert(...args);
  }

  reopenDependabotAlert(...args: Parameters<AlertMutations['reopenDependabotAlert']>): ReturnType<AlertMutations['reopenDependabotAlert']> {
    return this.alerts.reopenDependabotAlert(...args);
  }

  createCodeScanningAlert(...args: Parameters<AlertMutations['createCodeScanningAlert']>): ReturnType<AlertMutations['createCodeScanningAlert']> {
    return this.alerts.createCodeScanningAlert(...args);
  }

  closeCodeScanningAlert(...args: Parameters<AlertMutations['closeCodeScanningAlert']>): ReturnType<AlertMutations['closeCodeScanningAlert']> {
    return this.alerts.closeCodeScanningAlert(...args);
  }

  fixCodeScanningAlert(...args: Parameters<AlertMutations['fixCodeScanningAlert']>): ReturnType<AlertMutations['fixCodeScanningAlert']> {
    return this.alerts.fixCodeScanningAlert(...args);
  }

  reopenCodeScanningAlert(...args: Parameters<AlertMutations['reopenCodeScanningAlert']>): ReturnType<AlertMutations['reopenCodeScanningAlert']> {
    return this.alerts.reopenCodeScanningAlert(...args);
  }

  createSecretScanningAlert(...args: Parameters<AlertMutations['createSecretScanningAlert']>): ReturnType<AlertMutations['createSecretScanningAlert']> {
    return this.alerts.createSecretScanningAlert(...args);
  }

  resolveSecretScanningAlert(...args: Parameters<AlertMutations['resolveSecretScanningAlert']>): ReturnType<AlertMutations['resolveSecretScanningAlert']> {
    return this.alerts.resolveSecretScanningAlert(...args);
  }

  reopenSecretScanningAlert(...args: Parameters<AlertMutations['reopenSecretScanningAlert']>): ReturnType<AlertMutations['reopenSecretScanningAlert']> {
    return this.alerts.reopenSecretScanningAlert(...args);
  }

  /** Runs a mutation by name with untyped arguments (the HTTP form); throws on an unknown name or bad arguments. */
  mutate(name: string, args: unknown[]): unknown {
    if (!(MUTATION_NAMES as readonly string[]).includes(name)) throw new Error(`Unknown mutation ${name}`);
    const method = (this as unknown as Record<string, (...values: unknown[]) => unknown>)[name];
    return method.apply(this, args);
  }

  stats(): SimulatorStats {
    return { ...this.counters, byRoute: { ...this.counters.byRoute }, graphql: { ...this.counters.graphql } };
  }

  resetStats(): void {
    this.counters = emptyStats();
  }

  /** The primary limit a new window of an installation's tokens starts with; undefined when rate limits are off. */
  installationRateLimit(installationId: number): number | undefined {
    const installation = this.state.installations.find((candidate) => candidate.id === installationId);
    if (!installation) throw new Error(`No installation ${installationId}`);
    if (!this.limiter) return undefined;
    return this.rateLimitScope({ kind: 'installation', installationId, orgLogin: installation.orgLogin }).limit;
  }

  /**
   * The next `count` matching requests fail with `status` (500 by default) or get no answer; before anything happens,
   * or with `afterEffect` after the request took effect.
   */
  injectFaults(faults: FaultInjection): void {
    if (faults.maxPageSize !== undefined && faults.graphqlError === undefined) throw new Error('injectFaults: maxPageSize applies to GraphQL faults only; give graphqlError too');
    if (faults.maxPageSize !== undefined && !(Number.isInteger(faults.maxPageSize) && faults.maxPageSize >= 0)) throw new Error(`injectFaults: maxPageSize must be a whole number of at least 0, got ${faults.maxPageSize}`);
    if (faults.graphqlError !== undefined && (faults.status !== undefined || faults.afterEffect)) throw new Error('injectFaults: graphqlError chooses the answer itself; leave out status and afterEffect');
    this.faults.push({
      status: faults.status ?? 500,
      remaining: faults.count,
      pattern: faults.routePattern,
      afterEffect: faults.afterEffect ?? false,
      graphqlError: faults.graphqlError,
      maxPageSize: faults.maxPageSize,
    });
  }

  /** Empties the primary rate limit (REST's, or GraphQL's budget) of a token (every caller when absent) until its window resets. */
  exhaustRateLimit(token?: string, resource: 'core' | 'graphql' = 'core'): void {
    const limiter = resource === 'graphql' ? this.graphqlLimiter : this.limiter;
    if (!limiter) throw new Error("exhaustRateLimit: rate limits are off (limits: 'ghes'); give `rateLimit` to turn a primary limit on");
    if (token === undefined) {
      limiter.exhaust();
      return;
    }
    const principal = this.principalOf(token);
    if (!principal) throw new Error('exhaustRateLimit: unknown or expired token');
    limiter.exhaust(this.rateLimitScope(principal));
  }

  /** The next `count` authenticated requests answer 403 with `retry-after`. */
  secondaryRateLimit(count: number, retryAfterSeconds: number): void {
    this.secondary = { remaining: count, retryAfterSeconds };
  }

  advanceClock(ms: number): void {
    this.clock.advance(ms);
  }

  /** The simulated time, for clients that must agree with the simulator about token expiry and rate-limit windows. */
  now(): number {
    return this.clock.now();
  }

  async close(): Promise<void> {
    this.runner.close();
    await new Promise<void>((resolve, reject) => {
      this.server.close((error) => (error ? reject(error) : resolve()));
      this.server.closeAllConnections();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      const requestUrl = new URL(req.url ?? '/', this.url);
      if (requestUrl.pathname.startsWith(MUTATION_PREFIX)) {
        this.counters.requests += 1;
        return this.guarded(res, () => this.runMutation(res, req.method ?? 'GET', requestUrl.pathname.slice(MUTATION_PREFIX.length), rawBody));
      }
      // In flight from its arrival until it is answered, so the latency is what makes requests pile up.
      const concurrencyKey = this.concurrency && this.concurrencyKeyOf(req);
      const admitted = concurrencyKey === undefined || this.concurrency?.tryEnter(concurrencyKey) === true;
      const answer = (): void => {
        this.guarded(res, () => this.respond(req, res, rawBody, requestUrl, admitted));
        if (admitted && concurrencyKey !== undefined) this.concurrency?.leave(concurrencyKey);
      };
      const delayMs = this.delay.nextMs();
      if (delayMs > 0) setTimeout(answer, delayMs);
      else answer();
    });
  }

  private guarded(res: ServerResponse, respond: () => void): void {
    try {
      respond();
    } catch (error) {
      this.send(res, { status: 500, body: { message: `Simulator error: ${String(error)}` } }, {});
    }
  }

  /** The rate-limit key of an authenticated request, as far as its credential alone says. */
  private concurrencyKeyOf(req: IncomingMessage): string | undefined {
    const credential = credentialOf(req.headers.authorization);
    const principal = credential === undefined ? undefined : this.principalOf(credential);
    return principal && this.rateLimitScope(principal).key;
  }

  private principalOf(credential: string): Principal | undefined {
    return this.auth.resolveToken(credential) ?? (this.auth.verifyJwt(credential) ? { kind: 'app', appId: this.appId } : undefined);
  }

  private respond(req: IncomingMessage, res: ServerResponse, rawBody: string, requestUrl: URL, admitted: boolean): void {
    this.counters.requests += 1;
    const method = req.method ?? 'GET';
    const target = req.url ?? '/';
    const path = requestUrl.pathname;
    const isGraphql = method === 'POST' && (GRAPHQL_PATHS as readonly string[]).includes(path);
    const match = path === API_PREFIX || path.startsWith(`${API_PREFIX}/`) ? this.router.match(method, path.slice(API_PREFIX.length)) : undefined;
    const routeKey = isGraphql ? `POST ${path}` : match ? `${method} ${match.definition.pattern}` : `${method} (unmatched)`;
    this.counters.byRoute[routeKey] = (this.counters.byRoute[routeKey] ?? 0) + 1;

    const fault = this.faults.find((candidate) => candidate.remaining > 0 && candidate.graphqlError === undefined && (!candidate.pattern || candidate.pattern.test(target)));
    if (fault) {
      fault.remaining -= 1;
      if (!fault.afterEffect) return this.sendFault(res, fault.status);
      this.replacedAnswers.set(res, fault.status);
    }

    const credential = credentialOf(req.headers.authorization);
    const routeAuth = match?.definition.auth ?? 'token';
    let principal: Principal | undefined;
    if (routeAuth === 'jwt' && !isGraphql) {
      const verdict = credential ? this.auth.judgeJwt(credential) : undefined;
      if (!verdict?.valid) return this.send(res, errorResult(401, verdict?.message ?? JWT_UNDECODABLE), {});
      principal = { kind: 'app', appId: this.appId };
    } else {
      principal = credential ? this.auth.resolveToken(credential) : undefined;
      if (!principal) return this.send(res, errorResult(401, 'Bad credentials'), {});
    }

    const scope = this.rateLimitScope(principal);
    const before = isGraphql ? this.graphqlLimiter?.status(scope) : this.limiter?.status(scope);
    const refuseSecondary = (retryAfterSeconds: number): void => {
      this.counters.refusedSecondary += 1;
      if (isGraphql) this.counters.graphql.refused += 1;
      this.send(res, errorResult(403, SECONDARY_LIMIT_MESSAGE), { ...rateLimitHeaders(before, isGraphql ? 'graphql' : 'core'), 'retry-after': String(retryAfterSeconds) });
    };
    if (this.secondary.remaining > 0) {
      this.secondary.remaining -= 1;
      return refuseSecondary(this.secondary.retryAfterSeconds);
    }
    if (!admitted) return refuseSecondary(CONCURRENCY_RETRY_AFTER_SECONDS);
    if (isGraphql) return this.respondGraphql(res, rawBody, target, principal, scope, refuseSecondary);
    if (before && before.remaining <= 0) {
      this.counters.refusedPrimary += 1;
      return this.send(res, errorResult(403, `API rate limit exceeded for ${scope.label}. (But here's the good news: Authenticated requests get a higher rate limit.)`), rateLimitHeaders(before));
    }
    const points = match?.definition.free ? 0 : pointsOf(method);
    const pointsWaitMs = this.pointsWindow?.waitFor(scope.key, points) ?? 0;
    if (pointsWaitMs > 0) return refuseSecondary(Math.max(1, Math.ceil(pointsWaitMs / 1000)));
    if (!match) {
      return this.send(res, errorResult(404, 'Not Found'), rateLimitHeaders(this.spend(scope, points)));
    }

    const ctx: RouteContext = {
      method,
      params: match.params,
      query: requestUrl.searchParams,
      requestUrl,
      body: parseBody(rawBody),
      principal,
      state: this.state,
      render: new Renderer(this.apiUrl, this.url, this.state),
      auth: this.auth,
      clock: this.clock,
      options: this.options,
      rateLimit: before,
      webhooks: this.webhooks,
      events: this.events,
      runner: this.runner,
    };
    const result = match.definition.handler(ctx);
    const body = result.body === undefined ? '' : JSON.stringify(result.body);
    if (method === 'GET' && result.status === 200) {
      const etag = `"${createHash('sha1').update(body).digest('hex')}"`;
      if (matchesEtag(req.headers['if-none-match'], etag) && !this.replacedAnswers.has(res)) {
        // Conditional hits are free on GitHub: no rate-limit consumption.
        this.counters.notModified += 1;
        res.writeHead(304, { etag, ...rateLimitHeaders(before), 'x-github-request-id': this.requestId() });
        res.end();
        return;
      }
      const status = match.definition.free ? before : this.spend(scope, points);
      return this.sendBody(res, result, body, { ...rateLimitHeaders(status), etag });
    }
    const status = match.definition.free ? before : this.spend(scope, points);
    this.sendBody(res, result, body, rateLimitHeaders(status));
  }

  /**
   * A GraphQL query after auth and the shared secondary checks: invalid queries are answered free; then an injected
   * GraphQL fault, GraphQL's primary budget (the query's cost in points) and its points a minute; then it runs.
   */
  private respondGraphql(res: ServerResponse, rawBody: string, target: string, principal: Principal, scope: RateLimitScope & { label: string }, refuseSecondary: (retryAfterSeconds: number) => void): void {
    const before = this.graphqlLimiter?.status(scope);
    const plan = this.graphql.plan(rawBody);
    if (plan.kind === 'rejected') return this.send(res, { status: plan.status, body: plan.body }, rateLimitHeaders(before, 'graphql'));
    const { measure } = plan;
    const fault = this.faults.find(
      (candidate) => candidate.remaining > 0 && candidate.graphqlError !== undefined && (!candidate.pattern || candidate.pattern.test(target)) && (candidate.maxPageSize === undefined || measure.largestPage > candidate.maxPageSize),
    );
    if (fault?.graphqlError) {
      fault.remaining -= 1;
      return this.send(res, graphqlFaultAnswer(fault.graphqlError, this.requestId()), rateLimitHeaders(before, 'graphql'));
    }
    if (measure.dryRun) return this.sendGraphql(res, plan, principal, before, scope);
    if (before && before.remaining < measure.cost) {
      this.counters.refusedPrimary += 1;
      this.counters.graphql.refused += 1;
      return this.send(res, { status: 200, body: { errors: [{ type: 'RATE_LIMITED', message: `API rate limit exceeded for ${scope.label}.` }] } }, rateLimitHeaders(before, 'graphql'));
    }
    const points = plan.isMutation ? GITHUB_COM_SECONDARY_LIMITS.graphqlMutationPoints : GITHUB_COM_SECONDARY_LIMITS.graphqlQueryPoints;
    const pointsWaitMs = this.graphqlPointsWindow?.waitFor(scope.key, points) ?? 0;
    if (pointsWaitMs > 0) return refuseSecondary(Math.max(1, Math.ceil(pointsWaitMs / 1000)));
    this.graphqlPointsWindow?.spend(scope.key, points);
    this.counters.graphql.queries += 1;
    this.counters.graphql.points += measure.cost;
    this.sendGraphql(res, plan, principal, this.graphqlLimiter?.consume(scope, measure.cost), scope);
  }

  private sendGraphql(res: ServerResponse, plan: RunnableQuery, principal: Principal, status: RateLimitStatus | undefined, scope: RateLimitScope): void {
    const rateLimit = status && { cost: plan.measure.cost, limit: status.limit, remaining: status.remaining, used: status.used, resetAt: new Date(status.resetEpochSeconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'), nodeCount: plan.measure.nodeCount };
    const body = plan.run(principal, rateLimit ?? null);
    this.send(res, { status: 200, body }, rateLimitHeaders(status ?? this.graphqlLimiter?.status(scope), 'graphql'));
  }

  /** Charges an answered request: one request of the primary limit and its points of the secondary one. */
  private spend(scope: RateLimitScope, points: number): RateLimitStatus | undefined {
    this.counters.points += points;
    this.pointsWindow?.spend(scope.key, points);
    return this.limiter?.consume(scope);
  }

  private runMutation(res: ServerResponse, method: string, name: string, rawBody: string): void {
    if (method !== 'POST') return this.send(res, errorResult(405, 'Use POST'), {});
    const body = parseBody(rawBody);
    const args = Array.isArray(body) ? body : body !== null && typeof body === 'object' && Array.isArray((body as { args?: unknown }).args) ? (body as { args: unknown[] }).args : undefined;
    if (!args) return this.send(res, errorResult(400, 'The body must be a JSON array of arguments or {"args": [...]}'), {});
    if (!(MUTATION_NAMES as readonly string[]).includes(decodeURIComponent(name))) return this.send(res, errorResult(404, `Unknown mutation ${name}; known: ${MUTATION_NAMES.join(', ')}`), {});
    let result: unknown;
    try {
      result = this.mutate(decodeURIComponent(name), args);
    } catch (error) {
      return this.send(res, errorResult(422, error instanceof Error ? error.message : String(error)), {});
    }
    this.send(res, { status: 200, body: result ?? {} }, {});
  }

  /** A caller's primary-limit bucket, how 403 messages name it, and the limit its next window starts with. */
  private rateLimitScope(principal: Principal): RateLimitScope & { label: string } {
    const { primary } = this.options.limits;
    const fixedLimit = primary.kind === 'fixed' ? primary.limit : undefined;
    switch (principal.kind) {
      case 'app':
        return { key: `app:${principal.appId}`, label: `app ID ${principal.appId}`, limit: fixedLimit ?? GITHUB_COM_HOURLY_LIMITS.appJwt };
      case 'installation': {
        const org = this.state.organization(principal.orgLogin);
        const limit = fixedLimit ?? installationHourlyLimit(org?.repos.length ?? 0, org?.memberLogins.length ?? 0);
        return { key: `installation:${principal.installationId}`, label: `installation ID ${principal.installationId}`, limit };
      }
      case 'pat':
        return { key: `user:${principal.user.id}`, label: `user ID ${principal.user.id}`, limit: fixedLimit ?? GITHUB_COM_HOURLY_LIMITS.personalAccessToken };
    }
  }

  private sendFault(res: ServerResponse, answer: FaultAnswer): void {
    // Left open: the client's timeout ends it, or close() does.
    if (answer === 'no-answer') return;
    this.send(res, errorResult(answer, answer === 500 ? 'Server Error' : answer === 502 ? 'Bad Gateway' : 'Service Unavailable'), {});
  }

  private requestId(): string {
    this.requestSequence += 1;
    return `SIM:${this.requestSequence.toString(16).toUpperCase()}`;
  }

  private send(res: ServerResponse, result: RouteResult, headers: Record<string, string>): void {
    this.sendBody(res, result, result.body === undefined ? '' : JSON.stringify(result.body), headers);
  }

  private sendBody(res: ServerResponse, result: RouteResult, body: string, headers: Record<string, string>): void {
    const replaced = this.replacedAnswers.get(res);
    if (replaced !== undefined) {
      this.replacedAnswers.delete(res);
      return this.sendFault(res, replaced);
    }
    res.writeHead(result.status, { ...BASE_HEADERS, ...headers, ...result.headers, 'x-github-request-id': this.requestId(), 'content-length': Buffer.byteLength(body) });
    res.end(body);
  }
}

function parseBody(raw: string): unknown {
  if (raw.trim() === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}

function matchesEtag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}
