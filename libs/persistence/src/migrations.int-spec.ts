import { createTemporaryDatabase, TemporaryDatabase } from '@glint/testing';
import type { DataSource } from 'typeorm';
import { createDataSource, migrate } from './data-source';
import { ActionRunRecord } from './entities/action-run-record.entity';
import { Installation } from './entities/installation.entity';
import { ManagedWebhook } from './entities/managed-webhook.entity';
import { BRIDGE_ENTITIES, BRIDGE_MIGRATIONS } from './schema';

describe('bridge schema migrations on the real Postgres', () => {
  let database: TemporaryDatabase;
  const sources: DataSource[] = [];

  const open = async (): Promise<DataSource> => {
    const dataSource = createDataSource({
      url: database.url,
      applicationName: 'glint-test',
      entities: BRIDGE_ENTITIES,
      migrations: BRIDGE_MIGRATIONS,
      migrationsTableName: 'glint_migrations',
    });
    sources.push(dataSource);
    return dataSource.initialize();
  };

  beforeEach(async () => {
    database = await createTemporaryDatabase('migrations');
  });

  afterEach(async () => {
    await Promise.all(sources.splice(0).map((source) => (source.isInitialized ? source.destroy() : undefined)));
    await database.drop();
  });

  it('creates the tables on an empty database, then stores and reads an installation', async () => {
    const sut = await open();

    expect(await migrate(sut)).toEqual(BRIDGE_MIGRATIONS.map((migration) => migration.name));
    const repository = sut.getRepository(Installation);
    await repository.save({ id: 42, accountLogin: 'acme', accountType: 'Organization', suspendedAt: null });

    expect(await repository.findOneByOrFail({ id: 42 })).toMatchObject({ id: 42, accountLogin: 'acme', accountType: 'Organization' });
  });

  it('applies nothing the second time', async () => {
    const sut = await open();
    await migrate(sut);

    expect(await migrate(sut)).toEqual([]);
  });

  it('migrates once when several services start at the same time', async () => {
    const [first, second, third] = await Promise.all([open(), open(), open()]);

    const applied = await Promise.all([migrate(first), migrate(second), migrate(third)]);

    expect(applied.flat()).toEqual(BRIDGE_MIGRATIONS.map((migration) => migration.name));
    const rows: Array<{ name: string }> = await first.query('SELECT name FROM glint_migrations');
    expect(rows).toHaveLength(BRIDGE_MIGRATIONS.length);
  });

  it('holds one action run per run id and one per GitHub workflow run', async () => {
    const sut = await open();
    await migrate(sut);
    const repository = sut.getRepository(ActionRunRecord);
    await repository.insert({ runId: 'r_1', state: 'dispatched', githubRunId: 7001 });

    await expect(repository.insert({ runId: 'r_1', state: 'recorded' })).rejects.toThrow(/duplicate key/);
    await expect(repository.insert({ runId: 'r_2', state: 'dispatched', githubRunId: 7001 })).rejects.toThrow(/duplicate key/);
    await expect(repository.insert({ runId: 'r_3', state: 'finished' })).rejects.toThrow(/check constraint/);
    expect(await repository.findOneByOrFail({ runId: 'r_1' })).toMatchObject({ state: 'dispatched', githubRunId: 7001, reportWorkflowStatus: true });
  });

  it('holds one managed webhook per organization or repository, with its events and secret fingerprint', async () => {
    const sut = await open();
    await migrate(sut);
    const repository = sut.getRepository(ManagedWebhook);
    await repository.insert({ target: 'organization:acme', installationId: 9, hookId: 12, url: 'https://glint.example.com/webhook', events: ['push', 'issues'], secretFingerprint: 'scrypt$salt$hash' });

    await expect(repository.insert({ target: 'organization:acme', installationId: 9, hookId: 13, url: 'u', events: [], secretFingerprint: 'f' })).rejects.toThrow(/duplicate key/);
    await expect(repository.insert({ target: 'acme', installationId: 9, hookId: 13, url: 'u', events: [], secretFingerprint: 'f' })).rejects.toThrow(/check constraint/);
    expect(await repository.findOneByOrFail({ target: 'organization:acme' })).toMatchObject({ installationId: 9, hookId: 12, events: ['push', 'issues'] });
  });

  it('reverts every migration cleanly, newest first', async () => {
    const sut = await open();
    await migrate(sut);

    for (let left = BRIDGE_MIGRATIONS.length; left > 0; left -= 1) await sut.undoLastMigration();

    const tables: Array<{ table_name: string }> = await sut.query(
      "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name IN ('installations', 'entity_state', 'action_runs', 'managed_webhooks')",
    );
    expect(tables).toEqual([]);
  });
});
