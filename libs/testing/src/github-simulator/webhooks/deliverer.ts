import { createHmac, randomUUID } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { SimulatedClock } from '../clock';
import { isoSeconds } from '../generator';
import { nodeId } from '../render';
import { OrgHookRecord, SimulatorState } from '../state';
import { JsonObject } from '../templates';
import { signWebhook } from '../../webhook-sender';

export interface WebhookTarget {
  url: string;
  secret: string;
}

export interface DeliveryRecord {
  id: number;
  guid: string;
  deliveredAt: string;
  /** When the POST started, in milliseconds since the epoch on the machine's clock (not the simulated one), for latency measurements. */
  startedAtMs: number;
  redelivery: boolean;
  /** Seconds. */
  duration: number;
  /** `OK`, or why the delivery failed. */
  status: string;
  /** 0 when no HTTP answer came back. */
  statusCode: number;
  event: string;
  action: string | null;
  installationId: number | null;
  repositoryId: number | null;
  hookId: number;
  /** `app`: the App's webhook; `org`: an organization webhook. */
  target: 'app' | 'org';
  url: string;
  request: { headers: Record<string, string>; payload: JsonObject };
  response: { headers: Record<string, string>; payload: string | null };
}

/** Where an event happened: decides which installation and which organization hooks see it. */
export interface EventScope {
  orgLogin: string;
  repositoryId: number | null;
}

interface Attempt {
  hookId: number;
  target: 'app' | 'org';
  url: string;
  secret: string | null;
  contentType: 'json' | 'form';
  guid: string;
  redelivery: boolean;
  event: string;
  payload: JsonObject;
  installationId: number | null;
  repositoryId: number | null;
  targetType: string;
  targetId: number;
}

const USER_AGENT = 'GitHub-Hookshot/5f3a9c1';
const MAX_RESPONSE_CHARS = 64 * 1024;

/**
 * Sends webhooks like GitHub: one POST per delivery, signed with the hook's secret, never retried, every attempt
 * logged (`deliveries()`). Deliveries to one hook go out in the order the events happened, `concurrency` at a time
 * (one by default, so they also arrive in that order).
 */
export class WebhookDeliverer {
  private appHook: WebhookTarget | undefined;
  private readonly log: DeliveryRecord[] = [];
  private readonly listeners = new Set<(record: DeliveryRecord) => void>();
  /** Per hook: the attempts not started yet, oldest first, and how many are in flight. */
  private readonly lanes = new Map<number, { waiting: Attempt[]; inFlight: number }>();
  private pending = 0;
  private idleWaiters: Array<() => void> = [];
  private deliverySequence = 0;
  private waiters: Array<() => void> = [];

  constructor(
    private readonly state: SimulatorState,
    private readonly clock: SimulatedClock,
    readonly appId: number,
    private readonly timeoutMs: number,
    appHook?: WebhookTarget,
    /** How many attempts the log keeps (the newest), so a long run at a high rate does not hold every payload. */
    private readonly logLimit = Infinity,
    /** How many deliveries to one hook may be in flight at once. */
    private readonly concurrency = 1,
  ) {
    this.appHook = appHook;
  }

  /** The App webhook's id (`X-GitHub-Hook-ID`). */
  get appHookId(): number {
    return 900_000 + this.appId;
  }

  configure(target: WebhookTarget | undefined): void {
    this.appHook = target;
  }

  appConfig(): WebhookTarget | undefined {
    return this.appHook;
  }

  /** Every delivery attempt so far (the newest `logLimit` of them), oldest first. */
  deliveries(): DeliveryRecord[] {
    return [...this.log];
  }

  /** Calls `listener` with each delivery attempt once it has its answer (or failed); returns the unsubscribe function. */
  onDelivery(listener: (record: DeliveryRecord) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  delivery(id: number): DeliveryRecord | undefined {
    return this.log.find((record) => record.id === id);
  }

  /** Sends an event to the App (with `installation`) and to the organization's hooks that want it. */
  emit(event: string, payload: JsonObject, scope: EventScope): void {
    const org = this.state.organization(scope.orgLogin);
    const installation = this.state.installations.find((candidate) => candidate.orgLogin.toLowerCase() === scope.orgLogin.toLowerCase());
    const guid = randomUUID();
    if (this.appHook && installation) {
      this.enqueue({
        hookId: this.appHookId,
        target: 'app',
        url: this.appHook.url,
        secret: this.appHook.secret,
        contentType: 'json',
        guid,
        redelivery: false,
        event,
        payload: { ...payload, installation: { id: installation.id, node_id: nodeId('IntegrationInstallation', installation.id) } },
        installationId: installation.id,
        repositoryId: scope.repositoryId,
        targetType: 'integration',
        targetId: this.appId,
      });
    }
    if (!org) return;
    for (const hook of this.state.orgHooks) {
      if (hook.orgLogin !== org.login || !hook.active || !(hook.events.includes(event) || hook.events.includes('*'))) continue;
      this.sendToOrgHook(hook, event, payload, scope.repositoryId, guid);
    }
  }

  /** One event to one organization hook (a `ping` when the hook is created). */
  sendToOrgHook(hook: OrgHookRecord, event: string, payload: JsonObject, repositoryId: number | null, guid: string = randomUUID()): void {
    const org = this.state.organization(hook.orgLogin);
    this.enqueue({
      hookId: hook.id,
      target: 'org',
      url: hook.url,
      secret: hook.secret,
      contentType: hook.contentType,
      guid,
      redelivery: false,
      event,
      payload,
      installationId: null,
      repositoryId,
      targetType: 'organization',
      targetId: org?.id ?? 0,
    });
  }

  /** Sends a logged delivery again: same GUID and payload, a new delivery id, `redelivery: true`. */
  redeliver(id: number): DeliveryRecord | undefined {
    const original = this.delivery(id);
    if (!original) return undefined;
    const hook = original.target === 'org' ? this.state.orgHooks.find((candidate) => candidate.id === original.hookId) : undefined;
    const secret = original.target === 'app' ? (this.appHook?.secret ?? null) : (hook?.secret ?? null);
    this.enqueue({
      hookId: original.hookId,
      target: original.target,
      url: original.target === 'app' ? (this.appHook?.url ?? original.url) : (hook?.url ?? original.url),
      secret,
      contentType: hook?.contentType ?? 'json',
      guid: original.guid,
      redelivery: true,
      event: original.event,
      payload: original.request.payload,
      installationId: original.installationId,
      repositoryId: original.repositoryId,
      targetType: original.request.headers['X-GitHub-Hook-Installation-Target-Type'] ?? 'integration',
      targetId: Number(original.request.headers['X-GitHub-Hook-Installation-Target-ID'] ?? this.appId),
    });
    return original;
  }

  /** Resolves once at least `count` deliveries are logged (rejects after `timeoutMs`). */
  async waitForDeliveries(count: number, timeoutMs = 10_000): Promise<DeliveryRecord[]> {
    const deadline = Date.now() + timeoutMs;
    while (this.deliverySequence < count) {
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error(`waitForDeliveries: ${this.deliverySequence} of ${count} deliveries after ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, remaining);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.deliveries();
  }

  /** Resolves when no delivery is in flight. */
  async idle(): Promise<void> {
    if (this.pending === 0) return;
    await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  private enqueue(attempt: Attempt): void {
    this.pending += 1;
    let lane = this.lanes.get(attempt.hookId);
    if (!lane) {
      lane = { waiting: [], inFlight: 0 };
      this.lanes.set(attempt.hookId, lane);
    }
    lane.waiting.push(attempt);
    this.startNext(attempt.hookId, lane);
  }

  private startNext(hookId: number, lane: { waiting: Attempt[]; inFlight: number }): void {
    while (lane.inFlight < this.concurrency && lane.waiting.length > 0) {
      const next = lane.waiting.shift() as Attempt;
      lane.inFlight += 1;
      void this.attempt(next).finally(() => {
        lane.inFlight -= 1;
        this.pending -= 1;
        if (lane.inFlight === 0 && lane.waiting.length === 0) this.lanes.delete(hookId);
        else this.startNext(hookId, lane);
        if (this.pending === 0) {
          const waiters = this.idleWaiters;
          this.idleWaiters = [];
          for (const wake of waiters) wake();
        }
      });
    }
  }

  private async attempt(attempt: Attempt): Promise<void> {
    const json = JSON.stringify(attempt.payload);
    const body = Buffer.from(attempt.contentType === 'form' ? `payload=${encodeURIComponent(json)}` : json, 'utf8');
    const headers: Record<string, string> = {
      Accept: '*/*',
      'Content-Type': attempt.contentType === 'form' ? 'application/x-www-form-urlencoded' : 'application/json',
      'User-Agent': USER_AGENT,
      'X-GitHub-Delivery': attempt.guid,
      'X-GitHub-Event': attempt.event,
      'X-GitHub-Hook-ID': String(attempt.hookId),
      'X-GitHub-Hook-Installation-Target-ID': String(attempt.targetId),
      'X-GitHub-Hook-Installation-Target-Type': attempt.targetType,
    };
    if (attempt.secret) {
      headers['X-Hub-Signature'] = `sha1=${createHmac('sha1', attempt.secret).update(body).digest('hex')}`;
      headers['X-Hub-Signature-256'] = signWebhook(body, attempt.secret);
    }
    const startedAt = this.clock.now();
    const startedAtMs = performance.timeOrigin + performance.now();
    const started = process.hrtime.bigint();
    const outcome = await post(attempt.url, headers, body, this.timeoutMs);
    const duration = Number(process.hrtime.bigint() - started) / 1e9;
    this.deliverySequence += 1;
    const record: DeliveryRecord = {
      id: this.deliverySequence,
      guid: attempt.guid,
      deliveredAt: isoSeconds(startedAt),
      startedAtMs,
      redelivery: attempt.redelivery,
      duration: Math.round(duration * 1000) / 1000,
      status: outcome.status,
      statusCode: outcome.statusCode,
      event: attempt.event,
      action: typeof attempt.payload.action === 'string' ? attempt.payload.action : null,
      installationId: attempt.installationId,
      repositoryId: attempt.repositoryId,
      hookId: attempt.hookId,
      target: attempt.target,
      url: attempt.url,
      request: { headers, payload: attempt.payload },
      response: { headers: outcome.headers, payload: outcome.payload },
    };
    this.log.push(record);
    if (this.log.length > this.logLimit) this.log.splice(0, this.log.length - this.logLimit);
    for (const listener of this.listeners) listener(record);
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }
}

interface PostOutcome {
  status: string;
  statusCode: number;
  headers: Record<string, string>;
  payload: string | null;
}

function post(url: string, headers: Record<string, string>, body: Buffer, timeoutMs: number): Promise<PostOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (outcome: PostOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      finish({ status: 'Invalid URL', statusCode: 0, headers: {}, payload: null });
      return;
    }
    const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(target, { method: 'POST', headers: { ...headers, 'Content-Length': String(body.length) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const code = res.statusCode ?? 0;
        const responseHeaders: Record<string, string> = {};
        for (const [name, value] of Object.entries(res.headers)) if (value !== undefined) responseHeaders[name] = Array.isArray(value) ? value.join(', ') : value;
        finish({
          status: code >= 200 && code < 300 ? 'OK' : `Invalid HTTP Response: ${code}`,
          statusCode: code,
          headers: responseHeaders,
          payload: Buffer.concat(chunks).toString('utf8').slice(0, MAX_RESPONSE_CHARS),
        });
      });
      res.on('error', (error) => finish({ status: `failed to read the response: ${error.message}`, statusCode: res.statusCode ?? 0, headers: {}, payload: null }));
    });
    const timer = setTimeout(() => {
      finish({ status: 'timed out', statusCode: 0, headers: {}, payload: null });
      req.destroy();
    }, timeoutMs);
    req.on('error', (error: NodeJS.ErrnoException) => {
      finish({ status: error.code === 'ECONNREFUSED' ? 'failed to connect to host' : `failed to connect to host: ${error.message}`, statusCode: 0, headers: {}, payload: null });
    });
    req.end(body);
  });
}
