import { Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { Client } from 'pg';
import { errorMessage } from '@glint/runtime';
import { CatalogChange, parseCatalogChange } from './catalog-change';

const CHANGE_CHANNEL = 'catalog_changes';
const RECONNECT_DELAY_MS = 1_000;

export type ChangeListener = (change: CatalogChange) => void;

/**
 * The catalog's writes as they commit, from every pod sharing the database: one Postgres connection that LISTENs to
 * the notifications the catalog tables' triggers send. A lost connection is reopened every second; changes made
 * meanwhile are not replayed, so listeners are also told `resync` to reload whatever they show.
 */
export class ChangeFeed implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('catalog-changes');
  private readonly listeners = new Set<ChangeListener>();
  private readonly resyncListeners = new Set<() => void>();
  private client?: Client;
  private stopped = false;
  private reconnect?: NodeJS.Timeout;

  constructor(private readonly databaseUrl: string) {}

  async onModuleInit(): Promise<void> {
    await this.connect();
  }

  /** Calls `listener` with every change; returns the unsubscribe function. */
  subscribe(listener: ChangeListener, onResync: () => void = () => undefined): () => void {
    this.listeners.add(listener);
    this.resyncListeners.add(onResync);
    return () => {
      this.listeners.delete(listener);
      this.resyncListeners.delete(onResync);
    };
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnect);
    await this.client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.databaseUrl, application_name: 'glint-catalog-changes', connectionTimeoutMillis: 2_000 });
    client.on('notification', (message) => {
      const change = message.channel === CHANGE_CHANNEL ? parseCatalogChange(message.payload) : undefined;
      if (change) for (const listener of this.listeners) listener(change);
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    await client.connect();
    await client.query(`LISTEN ${CHANGE_CHANNEL}`);
    this.client = client;
  }

  private lost(client: Client, error?: Error): void {
    if (this.stopped || this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners();
    client.end().catch(() => undefined);
    this.logger.warn(`lost the change feed's database connection${error ? `: ${error.message}` : ''}; reconnecting`);
    this.retry();
  }

  private retry(): void {
    this.reconnect = setTimeout(() => {
      this.connect().then(
        () => {
          for (const resync of this.resyncListeners) resync();
        },
        (error: unknown) => {
          this.logger.warn(`cannot reopen the change feed: ${errorMessage(error)}`);
          if (!this.stopped) this.retry();
        },
      );
    }, RECONNECT_DELAY_MS);
    this.reconnect.unref();
  }
}
