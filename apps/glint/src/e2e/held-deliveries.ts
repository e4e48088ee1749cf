import { ReceivedWebhook, sendWebhook, SentWebhook, waitFor, WebhookReceiver } from '@glint/testing';

/** The headers GitHub sends that a receiver may look at; transport headers (host, length, connection) are the client's own. */
const GITHUB_HEADER = /^(x-github-|x-hub-signature|user-agent$|content-type$|accept$)/;

/**
 * The simulator's App webhook, held back: its deliveries land here instead of at the gateway, and a test hands them on
 * in the order it chooses, each as GitHub sent it (body bytes, signature and every GitHub header), under its own
 * delivery id or a new one.
 */
export class HeldDeliveries {
  private readonly taken = new Set<ReceivedWebhook>();

  private constructor(private readonly receiver: WebhookReceiver) {}

  static async start(secret: string): Promise<HeldDeliveries> {
    return new HeldDeliveries(await WebhookReceiver.start(secret));
  }

  /** Where the simulator's App webhook must point, with this secret. */
  get target(): { url: string; secret: string } {
    return { url: this.receiver.url, secret: this.receiver.secret };
  }

  /** Waits for the next `count` deliveries of `event` not taken yet, and takes them, oldest first. */
  async take(event: string, count: number): Promise<ReceivedWebhook[]> {
    const held = await waitFor(`${count} ${event} deliveries`, async () => {
      const untaken = this.receiver.received.filter((delivery) => delivery.event === event && !this.taken.has(delivery));
      return untaken.length >= count ? untaken.slice(0, count) : undefined;
    });
    for (const delivery of held) this.taken.add(delivery);
    return held;
  }

  /** POSTs `delivery` to `webhookUrl` as GitHub sent it; with `deliveryId`, under that X-GitHub-Delivery instead. */
  handOn(delivery: ReceivedWebhook, webhookUrl: string, options: { deliveryId?: string } = {}): Promise<SentWebhook> {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(delivery.headers)) {
      if (typeof value === 'string' && GITHUB_HEADER.test(name) && name !== 'x-github-delivery') headers[name] = value;
    }
    return sendWebhook(webhookUrl, this.receiver.secret, delivery.event, delivery.rawBody.toString('utf8'), { deliveryId: options.deliveryId ?? delivery.guid, headers });
  }

  close(): Promise<void> {
    return this.receiver.close();
  }
}
