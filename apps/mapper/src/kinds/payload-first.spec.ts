import { readFileSync } from 'node:fs';
import { defaultMappingYaml } from '@glint/mapping';
import type { Kind } from '@glint/mapping';
import { parse } from 'yaml';
import { KIND_MODULES } from '.';
import { missingFields } from './kind-module';

/**
 * Payload-first kinds map the webhook payload's object instead of re-reading it from the REST API. That is only right
 * where the payload's object is the REST object for the fields a mapping or a filter reads: each such field of each
 * example GitHub publishes for the kind's event (@octokit/webhooks-examples) must be there, with the JSON type GitHub's
 * REST description (@octokit/openapi) declares for the object the kind would otherwise read.
 */

interface PayloadFirstCase {
  kind: Kind;
  event: string;
  /** Where the event's payload holds the object. */
  payloadPath: readonly string[];
  /** The actions whose object the kind takes; every action when absent. */
  actions?: readonly string[];
  /** The REST read the payload's object stands in for: the object, or one item of the listing. */
  restRoute: string;
  restSchema: string;
}

// Traps, fields out of the lists where the examples differ from the REST object (a mapping reading one would differ):
//  - pull_request: one `opened` example has no `auto_merge` (required by the REST pull request); none has `stack`.
//  - issues: no `state_reason`, `closed_by`, `type`, `body_html`/`body_text`, `sub_issues_summary`, `repository`.
//  - workflow_run: the oldest `completed` example has no `path` nor `actor`; none has `referenced_workflows`.
//  - repository: no `has_discussions`, `network_count`, `subscribers_count` (all required by the REST repository),
//    `permissions`, the merge settings (`allow_*`, `delete_branch_on_merge`), `organization`, `security_and_analysis`.
//  - organization: the member has no `name`, `email` nor `user_view_type`.
//  - deployment_status: the older examples have no `log_url` nor `environment_url`.
//  - push: the repository's `created_at` and `pushed_at` are Unix seconds and its `organization` a login (see below).
const PAYLOAD_FIRST_KINDS: readonly PayloadFirstCase[] = [
  { kind: 'pull-request', event: 'pull_request', payloadPath: ['pull_request'], restRoute: 'GET /repos/{owner}/{repo}/pulls/{pull_number}', restSchema: 'pull-request' },
  { kind: 'issue', event: 'issues', payloadPath: ['issue'], restRoute: 'GET /repos/{owner}/{repo}/issues/{issue_number}', restSchema: 'issue' },
  { kind: 'workflow-run', event: 'workflow_run', payloadPath: ['workflow_run'], restRoute: 'GET /repos/{owner}/{repo}/actions/runs/{run_id}', restSchema: 'workflow-run' },
  { kind: 'deployment', event: 'deployment', payloadPath: ['deployment'], restRoute: 'GET /repos/{owner}/{repo}/deployments/{deployment_id}', restSchema: 'deployment' },
  { kind: 'repository', event: 'repository', payloadPath: ['repository'], restRoute: 'GET /repos/{owner}/{repo}', restSchema: 'full-repository' },
  {
    kind: 'user',
    event: 'organization',
    payloadPath: ['membership', 'user'],
    actions: ['member_added', 'member_removed'],
    restRoute: 'GET /orgs/{org}/members',
    restSchema: 'simple-user',
  },
  {
    kind: 'deployment-status',
    event: 'deployment_status',
    payloadPath: ['deployment_status'],
    restRoute: 'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
    restSchema: 'deployment-status',
  },
];

type JsonObject = Record<string, unknown>;

interface WebhookExampleGroup {
  name: string;
  actions: string[];
  examples: JsonObject[];
}

type JsonType = 'null' | 'boolean' | 'integer' | 'number' | 'string' | 'array' | 'object';

/** The part of an OpenAPI 3.0 schema object the checks read. */
interface Schema {
  $ref?: string;
  type?: JsonType | JsonType[];
  nullable?: boolean;
  format?: string;
  properties?: Record<string, Schema>;
  items?: Schema;
  allOf?: Schema[];
  anyOf?: Schema[];
  oneOf?: Schema[];
}

interface OpenApiDescription {
  paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Schema }> }> }>>;
  components: { schemas: Record<string, Schema> };
}

const webhookExamples = JSON.parse(readFileSync(require.resolve('@octokit/webhooks-examples/api.github.com/index.json'), 'utf8')) as WebhookExampleGroup[];
// The dereferenced description has no `components` (every schema is inlined into its paths); this one names them.
const restDescription = JSON.parse(readFileSync(require.resolve('@octokit/openapi/generated/api.github.com.json'), 'utf8')) as OpenApiDescription;
const SCHEMA_REF_PREFIX = '#/components/schemas/';

function resolved(schema: Schema): Schema {
  let current = schema;
  while (current.$ref) {
    const target = restDescription.components.schemas[current.$ref.slice(SCHEMA_REF_PREFIX.length)];
    if (!target) throw new Error(`no schema ${current.$ref}`);
    current = target;
  }
  return current;
}

/** The schema and every schema it composes (`allOf`, `anyOf`, `oneOf`), resolved. */
function alternativesOf(schema: Schema): Schema[] {
  const own = resolved(schema);
  return [own, ...[...(own.allOf ?? []), ...(own.anyOf ?? []), ...(own.oneOf ?? [])].flatMap(alternativesOf)];
}

/** The JSON types the schema allows (`nullable` adds null), or undefined when it allows any. */
function declaredTypes(schema: Schema): ReadonlySet<JsonType> | undefined {
  const types = new Set<JsonType>();
  let constrained = false;
  for (const alternative of alternativesOf(schema)) {
    const type = alternative.type ?? (alternative.properties ? 'object' : alternative.items ? 'array' : undefined);
    if (type !== undefined) {
      constrained = true;
      for (const one of [type].flat()) types.add(one);
    }
    if (alternative.nullable) types.add('null');
  }
  return constrained ? types : undefined;
}

function propertySchema(schema: Schema, name: string): Schema | undefined {
  return alternativesOf(schema).find((alternative) => alternative.properties?.[name])?.properties?.[name];
}

function itemsSchema(schema: Schema): Schema | undefined {
  return alternativesOf(schema).find((alternative) => alternative.items)?.items;
}

function jsonTypeOf(value: unknown): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** What is wrong with `value` where the schema stands, if anything. */
function typeProblem(value: unknown, schema: Schema, at: string): string | undefined {
  const allowed = declaredTypes(schema);
  const actual = jsonTypeOf(value);
  if (allowed && !allowed.has(actual) && !(actual === 'integer' && allowed.has('number'))) {
    return `${at}: the REST schema declares ${[...allowed].join(' | ')}, the payload has ${actual} ${JSON.stringify(value)}`;
  }
  if (typeof value === 'string' && resolved(schema).format === 'date-time' && !DATE_TIME.test(value)) return `${at}: ${JSON.stringify(value)} is no date-time`;
  return undefined;
}

interface FieldStep {
  name: string;
  /** The field holds an array whose items the rest of the path is read in (`labels[].name`). */
  eachItem: boolean;
}

function stepsOf(field: string): FieldStep[] {
  return field.split('.').map((segment) => (segment.endsWith('[]') ? { name: segment.slice(0, -2), eachItem: true } : { name: segment, eachItem: false }));
}

/** Whether the schema declares the field, through every step of its path. */
function declares(schema: Schema, field: string): boolean {
  let current: Schema | undefined = schema;
  for (const step of stepsOf(field)) {
    current = current && propertySchema(current, step.name);
    if (current && step.eachItem) current = itemsSchema(current);
    if (!current) return false;
  }
  return true;
}

/** Where the object leaves the field out or holds a value of another type than the schema declares. */
function fieldProblems(object: JsonObject, schema: Schema, steps: readonly FieldStep[], path = ''): string[] {
  const [step, ...rest] = steps;
  if (!step) return [];
  const at = path ? `${path}.${step.name}` : step.name;
  const property = propertySchema(schema, step.name);
  if (!property) return [`${at}: not declared by the REST schema`];
  if (!(step.name in object)) return [`${at} is missing`];
  const value = object[step.name];
  const problem = typeProblem(value, property, at);
  if (problem) return [problem];
  if (value === null) return [];
  if (!step.eachItem) return rest.length > 0 ? fieldProblems(value as JsonObject, property, rest, at) : [];
  const items = itemsSchema(property);
  if (!items) return [`${at}: the REST schema declares no items`];
  return (value as unknown[]).flatMap((item, index) => {
    const itemProblem = typeProblem(item, items, `${at}[${index}]`);
    if (itemProblem) return [itemProblem];
    // A string item (an issue's label given by name) has no fields to read further.
    return jsonTypeOf(item) === 'object' && rest.length > 0 ? fieldProblems(item as JsonObject, items, rest, `${at}[${index}]`) : [];
  });
}

function restSchema(name: string): Schema {
  const schema = restDescription.components.schemas[name];
  if (!schema) throw new Error(`no REST schema ${name}`);
  return schema;
}

/** The component schema a GET route answers with, or of the items it lists. */
function schemaNameAnsweredBy(route: string): string | undefined {
  const [method, path] = route.split(' ');
  const answer = restDescription.paths[path]?.[method.toLowerCase()]?.responses['200']?.content?.['application/json']?.schema;
  const object = answer?.type === 'array' ? answer.items : answer;
  return object?.$ref?.startsWith(SCHEMA_REF_PREFIX) ? object.$ref.slice(SCHEMA_REF_PREFIX.length) : undefined;
}

function objectAt(payload: JsonObject, path: readonly string[]): JsonObject | undefined {
  let current: unknown = payload;
  for (const key of path) current = typeof current === 'object' && current !== null ? (current as JsonObject)[key] : undefined;
  return typeof current === 'object' && current !== null && !Array.isArray(current) ? (current as JsonObject) : undefined;
}

function examplesOf(event: string): JsonObject[] {
  const group = webhookExamples.find((candidate) => candidate.name === event);
  if (!group) throw new Error(`no ${event} webhook examples`);
  return group.examples;
}

interface ExampleCase {
  /** `event.action #n`: the n-th example of that action. */
  label: string;
  object: JsonObject;
}

function exampleCases(kind: PayloadFirstCase): ExampleCase[] {
  const seen = new Map<string, number>();
  return examplesOf(kind.event).flatMap((payload) => {
    const action = typeof payload['action'] === 'string' ? payload['action'] : undefined;
    const object = objectAt(payload, kind.payloadPath);
    if (!object || (kind.actions && !kind.actions.includes(action ?? ''))) return [];
    const name = action ? `${kind.event}.${action}` : kind.event;
    const count = (seen.get(name) ?? 0) + 1;
    seen.set(name, count);
    return [{ label: `${name} #${count}`, object }];
  });
}

/** The kind module's `payloadFields`: what mappings and filters read of its objects. */
function fieldsOf(kind: Kind): readonly string[] {
  const fields = KIND_MODULES[kind].payloadFields;
  if (!fields) throw new Error(`${kind} takes no objects from payloads`);
  return fields;
}

const isMissing = (problem: string): boolean => problem.endsWith(' is missing');

describe.each(PAYLOAD_FIRST_KINDS)('payload-first $kind', (kind) => {
  const schema = restSchema(kind.restSchema);
  const fields = fieldsOf(kind.kind);

  it(`is changed by ${kind.event} events`, () => {
    expect(KIND_MODULES[kind.kind].liveEvents).toContain(kind.event);
  });

  it(`stands in for ${kind.restRoute}, which answers ${kind.restSchema} objects`, () => {
    expect(schemaNameAnsweredBy(kind.restRoute)).toBe(kind.restSchema);
  });

  it.each(fields)(`lists %s, a field of the REST ${kind.restSchema}`, (field) => {
    expect(declares(schema, field)).toBe(true);
  });

  it(`has ${kind.event} examples to check`, () => {
    expect(exampleCases(kind).length).toBeGreaterThan(0);
  });

  describe.each(exampleCases(kind))('from $label', ({ object }) => {
    it.each(fields)(`carries %s as the REST ${kind.restSchema} declares it, or leaves it out`, (field) => {
      expect(fieldProblems(object, schema, stepsOf(field)).filter((problem) => !isMissing(problem))).toEqual([]);
    });

    it('is read from GitHub instead exactly when it leaves out a listed field', () => {
      const leftOut = fields.filter((field) => fieldProblems(object, schema, stepsOf(field)).some(isMissing));

      expect(missingFields(object, fields)).toEqual(leftOut);
    });
  });
});

describe('the webhook examples GitHub publishes without a field mappings read', () => {
  it('are the ones the payload-first kinds read from GitHub instead', () => {
    const incomplete = PAYLOAD_FIRST_KINDS.flatMap((kind) =>
      exampleCases(kind)
        .map(({ label, object }) => ({ label, missing: missingFields(object, fieldsOf(kind.kind)) }))
        .filter(({ missing }) => missing.length > 0),
    );

    expect(incomplete).toEqual([
      { label: 'issues.pinned #1', missing: ['state', 'labels[].name'] },
      { label: 'issues.unpinned #1', missing: ['state', 'labels[].name'] },
      { label: 'workflow_run.completed #1', missing: ['display_title', 'triggering_actor.login'] },
      { label: 'deployment.created #1', missing: ['transient_environment', 'production_environment'] },
      { label: 'deployment.created #3', missing: ['transient_environment', 'production_environment'] },
      { label: 'deployment.created #4', missing: ['transient_environment', 'production_environment'] },
      { label: 'repository.publicized #1', missing: ['visibility'] },
    ]);
  });
});

describe('push payloads', () => {
  it('carry a repository whose created_at and pushed_at are Unix seconds, not the REST date-times: a push re-reads its repository', () => {
    const schema = restSchema('full-repository');
    const repositories = examplesOf('push').map((payload) => objectAt(payload, ['repository'])).filter((repository): repository is JsonObject => repository !== undefined);
    expect(repositories.length).toBeGreaterThan(0);

    for (const repository of repositories) {
      expect(fieldProblems(repository, schema, stepsOf('created_at'))).toEqual([expect.stringMatching(/^created_at: the REST schema declares string, the payload has integer \d+$/)]);
      expect(fieldProblems(repository, schema, stepsOf('pushed_at'))).toEqual([expect.stringMatching(/^pushed_at: the REST schema declares string, the payload has integer \d+$/)]);
    }
  });
});

interface MappingResource {
  kind: string;
  selector?: { query?: unknown };
  port?: { entity?: { mappings?: unknown } };
}

/** Every string inside `value`: the jq expressions of a mapping. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(stringsIn);
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(stringsIn);
  return [];
}

const JQ_STRING_LITERAL = /"(?:[^"\\]|\\.)*"/g;
// `.a`, `.a.b`, `.a[].b`: a path read from the input, not from a variable (`$x.a`) or after a closing bracket.
const JQ_FIELD_PATH = /(?<![\w$)\]])\.([A-Za-z_]\w*(?:(?:\[\])?\.[A-Za-z_]\w*)*)/g;

/** The input fields the shipped mapping's expressions for a kind read, without the fields the mapper adds (`__…`). */
function fieldsReadByShippedMapping(kind: Kind): string[] {
  const config = parse(defaultMappingYaml()) as { resources: MappingResource[] };
  const expressions = config.resources.filter((resource) => resource.kind === kind).flatMap((resource) => [...stringsIn(resource.selector?.query), ...stringsIn(resource.port?.entity?.mappings)]);
  const fields = expressions.flatMap((expression) => [...expression.replace(JQ_STRING_LITERAL, '""').matchAll(JQ_FIELD_PATH)].map((match) => match[1]));
  return [...new Set(fields)].filter((field) => !field.startsWith('__')).sort();
}

describe('the field lists', () => {
  it.each(['pull-request', 'repository'] as const)('hold every field the shipped mapping reads for %s', (kind) => {
    const read = fieldsReadByShippedMapping(kind);
    expect(read.length).toBeGreaterThan(5);

    expect(read.filter((field) => !fieldsOf(kind).includes(field))).toEqual([]);
  });

  it('finds nested and array paths in the shipped mapping, and not the fields the mapper adds', () => {
    expect(fieldsReadByShippedMapping('pull-request')).toEqual(expect.arrayContaining(['head.repo.name', 'user.login', 'assignees[].login', 'requested_reviewers[].login', 'merged_at']));
    expect(fieldsReadByShippedMapping('repository')).toEqual(expect.arrayContaining(['owner.login', 'private', 'default_branch']));
    expect(fieldsReadByShippedMapping('repository')).not.toContain('__includedFiles');
  });
});
