import { PortOpenApi, SpecProblem } from './port-openapi/port-openapi';

/**
 * Checks what a catalog client sends, and what it gets back, by concrete URL: finds the operation the URL falls under
 * in Port's description, checks required and boolean query parameters and the JSON bodies. Each check returns the
 * problems as readable lines, empty when the message conforms.
 */
export class PortApiContract {
  private readonly templates: Array<{ template: string; pattern: RegExp; literals: number }>;

  constructor(private readonly spec: PortOpenApi) {
    this.templates = spec
      .paths()
      .map((template) => ({
        template,
        pattern: new RegExp(`^${template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '[^/]+')}$`),
        literals: template.split('/').filter((segment) => !segment.startsWith('{')).length,
      }))
      // Literal segments win over parameters: /v1/actions/runs before /v1/actions/{action_identifier}.
      .sort((a, b) => b.literals - a.literals);
  }

  static load(): PortApiContract {
    return new PortApiContract(PortOpenApi.load());
  }

  /** The path template a concrete URL falls under, e.g. `/v1/blueprints/{blueprint_identifier}/entities/bulk`. */
  templateOf(url: string): string | undefined {
    const path = new URL(url, 'http://contract').pathname;
    return this.templates.find(({ pattern }) => pattern.test(path))?.template;
  }

  requestProblems(method: string, url: string, body: unknown): string[] {
    const found = this.find(method, url);
    if ('problem' in found) return [found.problem];
    const { template, where } = found;
    const problems: string[] = [];
    const query = new URL(url, 'http://contract').searchParams;
    for (const parameter of this.spec.queryParameters(method, template)) {
      const value = query.get(parameter.name);
      if (value === null) {
        if (parameter.required) problems.push(`${where}: the required query parameter ${parameter.name} is missing`);
      } else if (parameter.schema?.type === 'boolean' && value !== 'true' && value !== 'false') {
        problems.push(`${where}: query ${parameter.name}=${value} is not a boolean`);
      }
    }
    if (this.spec.takesBody(method, template)) problems.push(...lines(`${where} request`, this.spec.requestProblems(method.toLowerCase(), template, body)));
    else if (body !== undefined) problems.push(`${where}: the operation takes no JSON body`);
    return problems;
  }

  responseProblems(method: string, url: string, status: number, body: unknown): string[] {
    const found = this.find(method, url);
    if ('problem' in found) return [found.problem];
    const { template, where } = found;
    if (!this.spec.statuses(method, template).includes(String(status))) {
      return [`${where}: status ${status} is not among the documented ${this.spec.statuses(method, template).join(', ')}`];
    }
    try {
      return lines(`${where} ${status}`, this.spec.responseProblems(method, template, status, body));
    } catch {
      return []; // documented without a JSON body
    }
  }

  private find(method: string, url: string): { template: string; where: string } | { problem: string } {
    const template = this.templateOf(url);
    const where = `${method.toUpperCase()} ${template ?? url}`;
    if (!template) return { problem: `${where}: no such path in the Port API` };
    if (!this.spec.has(method, template)) return { problem: `${where}: the path has no ${method.toUpperCase()} operation` };
    return { template, where };
  }
}

function lines(where: string, problems: SpecProblem[]): string[] {
  return problems.map((problem) => `${where}: ${problem.path || '(body)'} ${problem.message}`);
}
