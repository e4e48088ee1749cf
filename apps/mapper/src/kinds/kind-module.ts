import type { FetchContext, GithubObject, Repository } from '@glint/github';
import type { Kind, PortAppConfig, ResourceConfig } from '@glint/mapping';
import type { WebhookEvent } from '@glint/queue';
import type { RepositoryEnrichments } from './repository-enrichments';

/** A resource's selector options; the mapping schema has already checked their shapes. */
export type Selector = Readonly<Record<string, unknown>>;

/**
 * What an event says about one GitHub object of a kind: its current state (`current`, null when it is gone), and the
 * object as the payload knew it (`known`), which still names the entity to delete.
 */
export interface LiveObject {
  kind: Kind;
  current: GithubObject | null;
  known: GithubObject;
  /**
   * When the state in `current` held, as an ISO time: for an object taken from the payload, the end of the second of
   * its own `updated_at` (never later than now), so that an older delivery arriving late never overwrites a newer
   * state. Absent: the object was read from GitHub just now.
   */
  observedAt?: string;
  /** Objects that need the resource's own enrichment (repositories: `includedFiles`, `includedRelations`). */
  enrich?: (object: GithubObject, resource: ResourceConfig) => Promise<GithubObject>;
  /** The one resource (index in the mapping) the object was listed for, when it was listed through that resource's selector. */
  resourceIndex?: number;
  /** The object a resync lists this one through, whose fields the kind's listing filters test (a deployment status: its deployment). */
  parent?: GithubObject;
  /**
   * Whether the resource's own listing holds the object now, for a filter only GitHub can apply (a collaborator's
   * `affiliation`: is the user an organization member?). Absent: the object's fields decide (`KindModule.keeps`).
   */
  listedFor?: (resource: ResourceConfig) => Promise<boolean>;
}

/** What a kind's live objects are made from: the event, and reads of GitHub on its behalf. */
export interface LiveContext {
  readonly event: WebhookEvent;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly action: string | undefined;
  readonly fetch: FetchContext;
  /** The event's repository, when it names one. */
  readonly repository: Repository | undefined;
  /** The mapping the event is mapped with. */
  readonly config: PortAppConfig;
  /** Repository enrichments kept between events; a kind whose event changes them drops them. */
  readonly enrichments: RepositoryEnrichments;
  /** A repository with what the resource's selector adds (`includedFiles`, `includedRelations`), through `enrichments`. */
  enrichRepository(object: GithubObject, resource: ResourceConfig): Promise<GithubObject>;
  /**
   * The object as GitHub has it now, or null when it is gone (404). Route parameters `owner` and `repo` come from the
   * event's repository. Reads of one object by events of one live batch are shared, and conditional (ETag).
   */
  read(route: string, params?: Record<string, unknown>): Promise<GithubObject | null>;
  /** `read`, with the fields of `known`. */
  readKnown(route: string, params?: Record<string, unknown>): Promise<GithubObject | null>;
  /**
   * A payload object that is the REST representation of its kind (as the mapping gets it): taken as it is, ordered by
   * its own `updated_at`, unless it leaves out one of the kind's `payloadFields` (GitHub's `issues` pinned payloads
   * have no `state`), has no `updated_at`, or another state of the object with the same `updated_at` was seen (the
   * order of the two is then unknown); then `reread` (in the same form) decides.
   */
  fromPayload(kind: PayloadFirstKind, object: GithubObject, reread: () => Promise<GithubObject | null>): Promise<LiveObject>;
  /** The object with the fields every repository-scoped object carries (`__repository`, `__organization`). */
  known(object: GithubObject): GithubObject;
  now(): Date;
  /**
   * The time of a removal the payload reports (deleted, archived, transferred) of the object the payload names: when
   * the gateway received the event (and not before the end of the second of the object's `updated_at`), later than
   * any state of the object before it, and earlier than a state it has if it comes back later.
   */
  deletedAt(known?: GithubObject): string;
}

/** A kind some of whose live objects are taken from webhook payloads. */
export interface PayloadFirstKind {
  readonly kind: Kind;
  readonly payloadFields: readonly string[];
}

/** Where a live object is filtered: the whole mapping (top-level `repositoryType`), its repository, and its parent. */
export interface FilterScope {
  config: PortAppConfig;
  repository?: GithubObject;
  parent?: GithubObject;
}

/**
 * Everything the product knows of one GitHub kind: how a resync lists it, which webhook events change its objects and
 * what those objects are, and the filters its listing applies, applied to one live object.
 */
export interface KindModule {
  readonly kind: Kind;
  /** Listed repository by repository, so `FetchContext.repositories` narrows the listing to some repositories. */
  readonly repositoryScoped: boolean;
  /**
   * The resync listing, page by page. The selector carries the top-level `repositoryType` beside the resource's options;
   * `resource`, when given, is the resource listed for (whose mapping may choose the API: repositories, pull requests).
   */
  list(context: FetchContext, selector: Selector, resource?: ResourceConfig): AsyncIterable<GithubObject[]>;
  /**
   * The objects `list` covers that changed at or after `since`, including those that left the listing since (a pull
   * request closed: `keeps` then says false, and an incremental resync deletes its entity). Absent: an incremental
   * resync lists the kind in full (its pages conditional, so unchanged ones cost nothing).
   */
  listChangedSince?(context: FetchContext, selector: Selector, since: Date, resource?: ResourceConfig): AsyncIterable<GithubObject[]>;
  /** The webhook events whose objects include objects of this kind. */
  readonly liveEvents: readonly string[];
  liveObjects(live: LiveContext): Promise<LiveObject[]>;
  /**
   * For a kind taken from webhook payloads: the fields (`a.b`, `a[].b`) mappings and filters read, each shown equal to
   * the REST object's in `payload-first.spec.ts`; a payload object without one of them is read from GitHub instead.
   */
  readonly payloadFields?: readonly string[];
  /**
   * Whether the resync listing would hold the object, for the filters GitHub applies to the listing (`states`,
   * `statuses`, …). Absent: every object is listed. The repository's visibility (`repositoryType`) is tested apart.
   */
  keeps?(selector: Selector, object: GithubObject, scope: FilterScope): boolean;
}

/** A list-valued selector option given as a list or a comma-separated string, or the fallback. */
export function listOption(value: unknown, fallback: readonly string[]): readonly string[] {
  if (Array.isArray(value) && value.length > 0) return value.map(String);
  if (typeof value === 'string' && value) return value.split(',').map((item) => item.trim());
  return fallback;
}

/** A string-valued selector option, or the fallback. */
export function stringOption(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

/** The payload's object under `key` when it is an object with a numeric `field` (an id or number). */
export function payloadObject(payload: Readonly<Record<string, unknown>>, key: string, field: 'id' | 'number' = 'id'): GithubObject | undefined {
  const object = payload[key];
  if (typeof object !== 'object' || object === null || Array.isArray(object)) return undefined;
  return typeof (object as GithubObject)[field] === 'number' ? (object as GithubObject) : undefined;
}

/** The fields (`a.b`, `a[].b`) the object leaves out; a null on the way (`head.repo` of a deleted fork) holds the rest. */
export function missingFields(object: GithubObject, fields: readonly string[]): string[] {
  return fields.filter((field) => !holds(object, field.split('.')));
}

function holds(value: unknown, steps: readonly string[]): boolean {
  const [step, ...rest] = steps;
  if (step === undefined || value === null) return true;
  if (typeof value !== 'object' || Array.isArray(value)) return false;
  const name = step.endsWith('[]') ? step.slice(0, -2) : step;
  if (!(name in value)) return false;
  const next = (value as Record<string, unknown>)[name];
  if (!step.endsWith('[]')) return holds(next, rest);
  return next === null || (Array.isArray(next) && next.every((item) => typeof item !== 'object' || holds(item, rest)));
}
