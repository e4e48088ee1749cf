import Ajv2020, { ErrorObject, ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * Port's public OpenAPI 3.1 description (`port-openapi.yaml` beside this file: port-labs/port-docs
 * `static/apispec.yaml` at 4893974, 2026-01-28, as upstream refreshes it from api.getport.io/swagger), with Ajv
 * validators for each operation's request body and each documented answer. For tests only: it takes about a second
 * to load.
 */
export interface SpecParameter {
  in: string;
  name: string;
  required?: boolean;
  schema?: { type?: string | string[] };
}

interface SpecOperation {
  parameters?: SpecParameter[];
  requestBody?: { content?: Record<string, { schema?: object }> };
  responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
}
type Spec = { paths: Record<string, Record<string, SpecOperation>>; components: Record<string, unknown> };

export interface SpecProblem {
  /** Ajv's instance path, `/entities/0/blueprint`. */
  path: string;
  keyword: string;
  message: string;
  params: Record<string, unknown>;
}

export class PortOpenApi {
  private readonly validators = new Map<string, ValidateFunction>();
  // Not checked against the meta-schema: the description has small defects that do not change what it allows (the
  // bulk upsert answers list `ok` twice in `required`).
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });

  private constructor(private readonly spec: Spec) {
    addFormats(this.ajv);
    // YAML's `=` key (tag:yaml.org,2002:value in YAML 1.1) reads as the plain string "=" under the YAML 1.2 core schema used here.
    this.ajv.addSchema({ $id: 'port', components: withPortRefs(spec.components) });
  }

  static load(): PortOpenApi {
    return new PortOpenApi(parse(readFileSync(join(__dirname, 'port-openapi.yaml'), 'utf8'), { maxAliasCount: -1 }) as Spec);
  }

  has(method: string, path: string): boolean {
    return this.operation(method, path) !== undefined;
  }

  /** Every path template the description has, e.g. `/v1/blueprints/{blueprint_identifier}/entities/bulk`. */
  paths(): string[] {
    return Object.keys(this.spec.paths);
  }

  /** Whether the operation documents a JSON request body. */
  takesBody(method: string, path: string): boolean {
    return this.operation(method, path)?.requestBody?.content?.['application/json']?.schema !== undefined;
  }

  queryParameters(method: string, path: string): SpecParameter[] {
    return (this.operation(method, path)?.parameters ?? []).filter((parameter) => parameter.in === 'query');
  }

  /** The statuses the description documents for an operation. */
  statuses(method: string, path: string): string[] {
    return Object.keys(this.operation(method, path)?.responses ?? {});
  }

  /** Why `body` is not a valid request body of `METHOD path`; throws when the operation has none. */
  requestProblems(method: string, path: string, body: unknown): SpecProblem[] {
    const schema = this.operation(method, path)?.requestBody?.content?.['application/json']?.schema;
    if (!schema) throw new Error(`${method} ${path} has no JSON request body in Port's description`);
    return this.check(`${method} ${path} request`, schema, body);
  }

  /** Why `body` is not the documented answer `status` of `METHOD path`; throws when that answer is not documented. */
  responseProblems(method: string, path: string, status: number, body: unknown): SpecProblem[] {
    const schema = this.operation(method, path)?.responses?.[String(status)]?.content?.['application/json']?.schema;
    if (!schema) throw new Error(`${status} is not a documented JSON answer of ${method} ${path} in Port's description`);
    return this.check(`${method} ${path} ${status}`, schema, body);
  }

  private operation(method: string, path: string): SpecOperation | undefined {
    return this.spec.paths[path]?.[method.toLowerCase()];
  }

  private check(key: string, schema: object, value: unknown): SpecProblem[] {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(withPortRefs(schema) as object);
      this.validators.set(key, validate);
    }
    validate(value);
    return (validate.errors ?? []).map((error: ErrorObject) => ({ path: error.instancePath, keyword: error.keyword, message: error.message ?? '', params: error.params as Record<string, unknown> }));
  }
}

/** Local `#/components/...` references, pointed into the `port` schema that holds the components. */
function withPortRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withPortRefs);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `port${value}` : withPortRefs(value)]));
}
