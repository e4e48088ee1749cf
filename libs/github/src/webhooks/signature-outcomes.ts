/** The few Redis commands the store needs; an ioredis connection fits. */
export interface SignatureOutcomesRedis {
  get(key: string): Promise<string | null>;
  set(key: string, value: string): Promise<unknown>;
}

export interface RejectedDelivery {
  /** X-GitHub-Delivery as the refused request claimed it (unverified: anyone can send one). */
  deliveryId: string;
  at: string;
}

export interface SignatureOutcomes {
  lastRejected?: RejectedDelivery;
  /** When a delivery last passed signature verification. */
  lastVerifiedAt?: string;
}

const REJECTED_KEY = 'glint:webhooks:signature:rejected';
const VERIFIED_KEY = 'glint:webhooks:signature:verified';
/** A verified delivery is recorded at most this often: the readiness check needs the time, not every delivery. */
const VERIFIED_WRITE_EVERY_MS = 1_000;
const DELIVERY_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * What the gateway's signature checks last said, in Redis for the mapper's readiness: a delivery that GitHub's log
 * shows as sent but that the gateway refused, with none verified since, means WEBHOOK_SECRET no longer matches
 * the App's webhook secret.
 */
export class SignatureOutcomeStore {
  private lastVerifiedWrite = 0;
  private rejectedSinceVerified = false;

  constructor(
    private readonly redis: SignatureOutcomesRedis,
    private readonly now: () => number = Date.now,
  ) {}

  /** Records a refused signature; never throws (the gateway's answer does not wait on it). */
  async rejected(deliveryId: string | undefined): Promise<void> {
    if (!deliveryId || !DELIVERY_ID.test(deliveryId)) return;
    this.rejectedSinceVerified = true;
    const record: RejectedDelivery = { deliveryId, at: new Date(this.now()).toISOString() };
    await this.redis.set(REJECTED_KEY, JSON.stringify(record)).catch(() => undefined);
  }

  /** Records a verified signature; never throws. */
  async verified(): Promise<void> {
    const now = this.now();
    if (!this.rejectedSinceVerified && now - this.lastVerifiedWrite < VERIFIED_WRITE_EVERY_MS) return;
    this.lastVerifiedWrite = now;
    this.rejectedSinceVerified = false;
    await this.redis.set(VERIFIED_KEY, new Date(now).toISOString()).catch(() => undefined);
  }

  async read(): Promise<SignatureOutcomes> {
    const [rejected, verified] = await Promise.all([this.redis.get(REJECTED_KEY), this.redis.get(VERIFIED_KEY)]);
    const lastRejected = parseRejected(rejected);
    return { ...(lastRejected ? { lastRejected } : {}), ...(verified ? { lastVerifiedAt: verified } : {}) };
  }
}

function parseRejected(text: string | null): RejectedDelivery | undefined {
  if (!text) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null) return undefined;
    const { deliveryId, at } = value as Record<string, unknown>;
    return typeof deliveryId === 'string' && typeof at === 'string' ? { deliveryId, at } : undefined;
  } catch {
    return undefined;
  }
}
