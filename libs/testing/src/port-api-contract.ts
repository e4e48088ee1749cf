import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** Port's public OpenAPI 3.1 description (port-labs/port-docs `static/apispec.yaml`, 2026-01-28), kept in the repo. */
export const PORT_OPENAPI_PATH = join(__dirname, 'contracts', 'port-openapi.yaml');

interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  schema?: { type?: string | string[] };
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: object }> };
  responses?: Record<string, { content?: Record<string, { schema?: object }> }>;
}
interface PortSpec {
  paths: Record<string, Record<string, Operation>>;
  components: Record<string, unknown>;
}

/**
 * Checks requests a client sends and responses a server gives against Port's OpenAPI description: the path and
 * method exist, required query parameters are there and booleans are booleans, and bodies match their schemas.
 * Each check returns the problems found, empty when the message conforms.
 */
export class PortApiContract {
  private readonly ajv: Ajv2020;
  private readonly templates: Array<{ template: string; pattern: RegExp; segments: number }>;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(private readonly spec: PortSpec) {
    this.ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true, validateSchema: false /* the spec repeats items in some `required` lists */ });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: 'port', components: spec.components });
    this.templates = Object.keys(spec.paths)
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
        segments: template.split('/').filter((segment) => !segment.startsWith('{')).length,
      }))
      // Literal segments win over parameters: /v1/actions/runs before /v1/actions/{action_identifier}.
      .sort((a, b) => b.segments - a.segments);
  }

  static load(): PortApiContract {
    return new PortApiContract(parseYaml(readFileSync(PORT_OPENAPI_PATH, 'utf8'), { maxAliasCount: -1 }) as PortSpec);
  }

  /** The OpenAPI path template a concrete path falls under, e.g. `/v1/blueprints/{blueprint_identifier}/entities/bulk`. */
  templateOf(path: string): string | undefined {
    const bare = new URL(path, 'http://contract').pathname;
    return this.templates.find(({ pattern }) => pattern.test(bare))?.template;
  }

  requestProblems(method: string, url: string, body: unknown): string[] {
    const { operation, problems, where } = this.operation(method, url);
    if (!operation) return problems;
    const query = new URL(url, 'http://contract').searchParams;
    for (const parameter of operation.parameters ?? []) {
      if (parameter.in !== 'query') continue;
      const value = query.get(parameter.name);
      if (value === null) {
        if (parameter.required) problems.push(`${where}: the required query parameter ${parameter.name} is missing`);
        continue;
      }
      if (parameter.schema?.type === 'boolean' && value !== 'true' && value !== 'false') {
        problems.push(`${where}: query ${parameter.name}=${value} is not a boolean`);
      }
    }
    const schema = operation.requestBody?.content?.['application/json']?.schema;
    if (schema) problems.push(...this.validate(`${where} request`, schema, body));
    else if (body !== undefined) problems.push(`${where}: the operation takes no JSON body`);
    return problems;
  }

  responseProblems(method: string, url: string, status: number, body: unknown): string[] {
    const { operation, problems, where } = this.operation(method, url);
    if (!operation) return problems;
    const response = operation.responses?.[String(status)];
    if (!response) return [`${where}: status ${status} is not among the documented ${Object.keys(operation.responses ?? {}).join(', ')}`];
    const schema = response.content?.['application/json']?.schema;
    return schema ? this.validate(`${where} ${status}`, schema, body) : [];
  }

  private operation(method: string, url: string): { operation?: Operation; problems: string[]; where: string } {
    const template = this.templateOf(url);
    const where = `${method.toUpperCase()} ${template ?? url}`;
    if (!template) return { problems: [`${where}: no such path in the Port API`], where };
    const operation = this.spec.paths[template]?.[method.toLowerCase()];
    if (!operation) return { problems: [`${where}: the path has no ${method.toUpperCase()} operation`], where };
    return { operation, problems: [], where };
  }

  private validate(where: string, schema: object, value: unknown): string[] {
    let validator = this.validators.get(where);
    if (!validator) {
      validator = this.ajv.compile(rebase(schema) as object);
      this.validators.set(where, validator);
    }
    if (validator(value)) return [];
    return (validator.errors ?? []).map((error) => `${where}: ${error.instancePath || '(body)'} ${error.message ?? 'is invalid'}`);
  }
}

/** Local `#/components/...` references point into the `port` schema Ajv holds. */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (typeof node !== 'object' || node === null) return node;
  return Object.fromEntries(
    Object.entries(node).map(([key, value]) => [key, key === '$ref' && typeof value === 'string' && value.startsWith('#/') ? `port${value}` : rebase(value)]),
  );
}
