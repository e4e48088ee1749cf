import { GLINT_VERSION } from '@glint/config';
import { chunk, groupBy, mapWithConcurrency } from '@glint/runtime';
import { batchBySize, MAX_BODY_BYTES, MAX_DELETE_BATCH, sized, SizedItem } from './batching';
import { CatalogApiError } from './catalog-errors';
import { CatalogHttp, CatalogHttpOptions } from './catalog-http';
import type {
  ActionRun,
  ActionRunLog,
  ActionRunPatch,
  CatalogEntity,
  DeleteOptions,
  DeleteResult,
  FailedEntity,
  KafkaCredentials,
  SearchQuery,
  StoredEntity,
  UpsertedEntity,
  UpsertOptions,
  UpsertResult,
  WriteOwner,
} from './catalog-types';

export interface CatalogClientOptions extends CatalogHttpOptions {
  /** Bulk calls in flight at once per `upsertEntities`/`deleteEntities` call (Port's own clients use 5). */
  concurrency?: number;
}

export const USER_AGENT_PRODUCT = 'glint-github-app';

/**
 * `glint-github-app/<version>/<installation>/<exporter|gitops>`: Port records the writer's User-Agent as the entity's
 * datasource, and stale cleanup finds "our" entities by it, so it must not change between writes of one owner.
 */
export function userAgentOf(owner: WriteOwner): string {
  return `${USER_AGENT_PRODUCT}/${GLINT_VERSION}/${owner.installation}/${owner.origin}`;
}

/** The `$datasource` rules that find the entities one owner wrote, whatever version wrote them. */
export function ownedBy(owner: WriteOwner): SearchQuery {
  return {
    combinator: 'and',
    rules: [
      { property: '$datasource', operator: 'contains', value: `${USER_AGENT_PRODUCT}/` },
      { property: '$datasource', operator: 'contains', value: `/${owner.installation}/${owner.origin}` },
    ],
  };
}

interface BulkAnswer {
  entities?: Array<{ identifier: string; index: number; created?: boolean }>;
  errors?: Array<{ identifier?: string; index: number; statusCode?: number; error?: string; message?: string }>;
}

type Indexed = { index: number; entity: CatalogEntity };

/** The Port REST API, as Glint uses it: entities in bulk, search, action runs and their logs, raw data examples. */
export class CatalogClient {
  private readonly http: CatalogHttp;
  private readonly concurrency: number;

  constructor(options: CatalogClientOptions) {
    this.http = new CatalogHttp(options);
    this.concurrency = options.concurrency ?? 5;
  }

  /** HTTP calls made so far, token requests and retries included. */
  get calls(): number {
    return this.http.calls;
  }

  /**
   * Upserts entities of any blueprints in bulk calls of at most 20 entities and 1 MiB. Entities a 207 reports as
   * failed are retried alone once; what still fails comes back in `failed` with the API's message. A 413 (the
   * catalog's limit is smaller than ours) falls back to single upserts for that batch. Throws only when a whole
   * call finds the catalog unavailable (see `CatalogApiError.unavailable`) — then nothing about the unsent entities is
   * known, and none of them is to blame.
   */
  async upsertEntities(entities: readonly CatalogEntity[], options: UpsertOptions): Promise<UpsertResult> {
    const callsBefore = this.http.calls;
    const upserted: UpsertedEntity[] = [];
    const failed: FailedEntity[] = [];
    const batches: Array<{ blueprint: string; items: SizedItem<Indexed>[] }> = [];

    for (const [blueprint, group] of groupBy(entities.map((entity, index): Indexed => ({ index, entity })), (indexed) => indexed.entity.blueprint)) {
      const split = batchBySize(group.map((indexed) => ({ ...sized(bodyOf(indexed.entity)), item: indexed })));
      for (const items of split.batches) batches.push({ blueprint, items });
      for (const { item } of split.oversized) {
        failed.push(failure(item, 413, 'payload_too_large', `the entity alone is larger than the ${MAX_BODY_BYTES}-byte request limit`));
      }
    }

    const outcomes = await mapWithConcurrency(batches, this.concurrency, (batch) => this.upsertBatch(batch.blueprint, batch.items, options));
    for (const outcome of outcomes) {
      upserted.push(...outcome.upserted);
      failed.push(...outcome.failed);
    }
    return { upserted, failed, calls: this.http.calls - callsBefore };
  }

  /** One entity through the single-entity route; `validationOnly` checks it (blueprint, schema, relations) without writing. */
  async upsertEntity(entity: CatalogEntity, options: UpsertOptions & { validationOnly?: boolean }): Promise<string> {
    const answer = await this.http.send<{ entity?: { identifier?: string } }>({
      method: 'POST',
      route: 'POST /v1/blueprints/{blueprint}/entities',
      path: `/v1/blueprints/${encode(entity.blueprint)}/entities`,
      query: { ...writeQuery(options), ...(options.validationOnly ? { validation_only: true } : {}) },
      body: { ...bodyOf(entity) },
      userAgent: userAgentOf(options.owner),
    });
    return answer.body.entity?.identifier ?? String(entity.identifier);
  }

  /**
   * Deletes in bulk calls of at most 100 identifiers per blueprint. A bulk call that fails as a whole (Port fails
   * all of it when one entity has dependents and `deleteDependents` is off) is retried entity by entity, so the
   * others still go; an entity already gone counts as deleted.
   */
  async deleteEntities(blueprint: string, identifiers: readonly string[], options: DeleteOptions): Promise<DeleteResult> {
    const callsBefore = this.http.calls;
    const result: DeleteResult = { deleted: [], failed: [], calls: 0 };
    const outcomes = await mapWithConcurrency(chunk(identifiers, MAX_DELETE_BATCH), this.concurrency, (ids) => this.deleteBatch(blueprint, ids, options));
    for (const outcome of outcomes) {
      result.deleted.push(...outcome.deleted);
      result.failed.push(...outcome.failed);
    }
    result.calls = this.http.calls - callsBefore;
    return result;
  }

  /** `POST /v1/entities/search` across blueprints (Port does not paginate this route). */
  async searchEntities(query: SearchQuery, include?: readonly string[]): Promise<StoredEntity[]> {
    const answer = await this.http.send<{ entities?: StoredEntity[] }>({
      method: 'POST',
      route: 'POST /v1/entities/search',
      path: '/v1/entities/search',
      query: { exclude_calculated_properties: true, ...(include ? { include } : {}) },
      body: query,
      userAgent: USER_AGENT_PRODUCT,
    });
    return answer.body.entities ?? [];
  }

  async blueprintExists(identifier: string): Promise<boolean> {
    try {
      await this.http.send({ method: 'GET', route: 'GET /v1/blueprints/{identifier}', path: `/v1/blueprints/${encode(identifier)}`, userAgent: USER_AGENT_PRODUCT });
      return true;
    } catch (error) {
      if (error instanceof CatalogApiError && error.status === 404) return false;
      throw error;
    }
  }

  async getActionRun(runId: string): Promise<ActionRun> {
    const answer = await this.http.send<{ run: ActionRun }>({ method: 'GET', route: 'GET /v1/actions/runs/{run_id}', path: `/v1/actions/runs/${encode(runId)}`, userAgent: USER_AGENT_PRODUCT });
    return answer.body.run;
  }

  async patchActionRun(runId: string, patch: ActionRunPatch): Promise<ActionRun> {
    const answer = await this.http.send<{ run: ActionRun }>({
      method: 'PATCH',
      route: 'PATCH /v1/actions/runs/{run_id}',
      path: `/v1/actions/runs/${encode(runId)}`,
      body: patch,
      userAgent: USER_AGENT_PRODUCT,
    });
    return answer.body.run;
  }

  async addActionRunLog(runId: string, log: ActionRunLog): Promise<void> {
    await this.http.send({
      method: 'POST',
      route: 'POST /v1/actions/runs/{run_id}/logs',
      path: `/v1/actions/runs/${encode(runId)}/logs`,
      body: log,
      userAgent: USER_AGENT_PRODUCT,
    });
  }

  /**
   * `GET /v1/kafka-credentials` (undocumented; what Port's agent and integrations use to reach Port's managed Kafka).
   * Undefined when the catalog has no such route (404/405), e.g. a Glint catalog.
   */
  async getKafkaCredentials(): Promise<KafkaCredentials | undefined> {
    let body: { credentials?: { brokers?: unknown; username?: unknown; password?: unknown } };
    try {
      body = (await this.http.send<typeof body>({ method: 'GET', route: 'GET /v1/kafka-credentials', path: '/v1/kafka-credentials', userAgent: USER_AGENT_PRODUCT })).body;
    } catch (error) {
      if (error instanceof CatalogApiError && (error.status === 404 || error.status === 405)) return undefined;
      throw error;
    }
    const { brokers, username, password } = body?.credentials ?? {};
    if (typeof username !== 'string' || !username || typeof password !== 'string' || !password) {
      throw new CatalogApiError('GET /v1/kafka-credentials answered without credentials.username and credentials.password', 200, 'GET /v1/kafka-credentials');
    }
    const brokerList = Array.isArray(brokers) ? brokers.filter((broker): broker is string => typeof broker === 'string' && broker.length > 0) : [];
    return { brokers: brokerList, username, password };
  }

  /**
   * Up to five raw objects of a kind, for the catalog's mapping editor (an undocumented Port route). Returns false
   * when the catalog does not take examples (404/405), so callers can stop sending them.
   */
  async sendRawExamples(installation: string, kind: string, examples: readonly unknown[]): Promise<boolean> {
    try {
      await this.http.send({
        method: 'POST',
        route: 'POST /v1/integration/{installation}/kinds/{kind}/examples',
        path: `/v1/integration/${encode(installation)}/kinds/${encode(kind)}/examples`,
        body: { examples: examples.slice(0, 5) },
        userAgent: userAgentOf({ installation, origin: 'exporter' }),
      });
      return true;
    } catch (error) {
      if (error instanceof CatalogApiError && (error.status === 404 || error.status === 405)) return false;
      throw error;
    }
  }

  private async upsertBatch(blueprint: string, items: SizedItem<Indexed>[], options: UpsertOptions): Promise<{ upserted: UpsertedEntity[]; failed: FailedEntity[] }> {
    let answer: BulkAnswer;
    try {
      answer = (
        await this.http.send<BulkAnswer>({
          method: 'POST',
          route: 'POST /v1/blueprints/{blueprint}/entities/bulk',
          path: `/v1/blueprints/${encode(blueprint)}/entities/bulk`,
          query: writeQuery(options),
          body: { entities: items.map(({ item }) => bodyOf(item.entity)) },
          userAgent: userAgentOf(options.owner),
        })
      ).body;
    } catch (error) {
      if (error instanceof CatalogApiError && !error.unavailable) {
        // The whole batch was refused (413, or a 4xx naming no entity): find out entity by entity.
        return this.upsertAlone(items.map(({ item }) => item), options);
      }
      throw error;
    }

    const upserted: UpsertedEntity[] = [];
    const retry: Indexed[] = [];
    const accounted = new Set<number>();
    for (const ok of answer.entities ?? []) {
      const item = items[ok.index]?.item;
      if (!item) continue;
      accounted.add(ok.index);
      upserted.push({ index: item.index, identifier: ok.identifier, created: ok.created ?? false });
    }
    for (const error of answer.errors ?? []) {
      const item = items[error.index]?.item;
      if (!item || accounted.has(error.index)) continue;
      accounted.add(error.index);
      retry.push(item);
    }
    items.forEach(({ item }, position) => {
      if (!accounted.has(position)) retry.push(item);
    });
    if (retry.length === 0) return { upserted, failed: [] };
    const alone = await this.upsertAlone(retry, options);
    return { upserted: [...upserted, ...alone.upserted], failed: alone.failed };
  }

  private async upsertAlone(items: Indexed[], options: UpsertOptions): Promise<{ upserted: UpsertedEntity[]; failed: FailedEntity[] }> {
    const upserted: UpsertedEntity[] = [];
    const failed: FailedEntity[] = [];
    for (const item of items) {
      try {
        const identifier = await this.upsertEntity(item.entity, options);
        upserted.push({ index: item.index, identifier, created: false });
      } catch (error) {
        if (!(error instanceof CatalogApiError) || error.unavailable) throw error;
        failed.push(failure(item, error.status, error.error ?? 'error', error.apiMessage ?? error.message));
      }
    }
    return { upserted, failed };
  }

  private async deleteBatch(blueprint: string, identifiers: string[], options: DeleteOptions): Promise<Omit<DeleteResult, 'calls'>> {
    try {
      await this.http.send({
        method: 'POST',
        route: 'POST /v1/blueprints/{blueprint}/bulk/entities/delete',
        path: `/v1/blueprints/${encode(blueprint)}/bulk/entities/delete`,
        query: { delete_dependents: options.deleteDependents },
        body: { entities: identifiers },
        userAgent: userAgentOf(options.owner),
      });
      return { deleted: identifiers, failed: [] };
    } catch (error) {
      if (error instanceof CatalogApiError && !error.unavailable) return this.deleteOneByOne(blueprint, identifiers, options);
      throw error;
    }
  }

  private async deleteOneByOne(blueprint: string, identifiers: string[], options: DeleteOptions): Promise<Omit<DeleteResult, 'calls'>> {
    const result: Omit<DeleteResult, 'calls'> = { deleted: [], failed: [] };
    for (const identifier of identifiers) {
      try {
        await this.http.send({
          method: 'DELETE',
          route: 'DELETE /v1/blueprints/{blueprint}/entities/{identifier}',
          path: `/v1/blueprints/${encode(blueprint)}/entities/${encode(identifier)}`,
          query: { delete_dependents: options.deleteDependents },
          userAgent: userAgentOf(options.owner),
        });
        result.deleted.push(identifier);
      } catch (error) {
        if (!(error instanceof CatalogApiError) || error.unavailable) throw error;
        if (error.status === 404) result.deleted.push(identifier);
        else result.failed.push({ identifier, status: error.status, message: error.apiMessage ?? error.message });
      }
    }
    return result;
  }
}

/** The body Port takes: the blueprint is in the path. */
function bodyOf(entity: CatalogEntity): Omit<CatalogEntity, 'blueprint'> {
  const { blueprint: _blueprint, ...body } = entity;
  return body;
}

function writeQuery(options: UpsertOptions): Record<string, boolean> {
  return { upsert: true, merge: options.merge, create_missing_related_entities: options.createMissingRelatedEntities };
}

function failure(item: Indexed, status: number, error: string, message: string): FailedEntity {
  const identifier = typeof item.entity.identifier === 'string' ? item.entity.identifier : 'unknown';
  return { index: item.index, identifier, status, error, message };
}

function encode(segment: string): string {
  return encodeURIComponent(segment);
}
