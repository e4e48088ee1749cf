import { RouteDefinition } from './context';
import { actionRoutes } from './routes/actions';
import { alertRoutes } from './routes/alerts';
import { appRoutes } from './routes/app';
import { checkRunRoutes } from './routes/check-runs';
import { deliveryRoutes } from './routes/deliveries';
import { dispatchRoutes } from './routes/dispatch';
import { hookRoutes } from './routes/hooks';
import { deploymentRoutes } from './routes/deployments';
import { orgRoutes } from './routes/orgs';
import { teamIdentityRoutes } from './routes/team-identities';
import { pullRoutes } from './routes/pulls';
import { refRoutes } from './routes/refs';
import { repoRoutes } from './routes/repos';
import { commitRoutes } from './routes/commits';
import { repoExtraRoutes } from './routes/repo-extras';
import { searchRoutes } from './routes/search';

interface CompiledRoute {
  definition: RouteDefinition;
  /** Literal segment, or a parameter name (`name` in `{name}`), marked `param` or `rest`. */
  segments: Array<{ kind: 'literal' | 'param' | 'rest'; value: string }>;
  restIndex: number;
}

export interface RouteMatch {
  definition: RouteDefinition;
  params: Record<string, string>;
}

function compile(definition: RouteDefinition): CompiledRoute {
  const segments = definition.pattern
    .split('/')
    .filter((segment) => segment.length > 0)
    .map((segment) => {
      const param = /^\{(\w+)(\+?)\}$/.exec(segment);
      if (!param) return { kind: 'literal' as const, value: segment };
      return { kind: param[2] === '+' ? ('rest' as const) : ('param' as const), value: param[1] };
    });
  return { definition, segments, restIndex: segments.findIndex((segment) => segment.kind === 'rest') };
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Matches `/api/v3`-relative paths against the route table; the first matching route wins. */
export class Router {
  private readonly routes: CompiledRoute[];

  constructor(definitions: RouteDefinition[] = allRoutes()) {
    this.routes = definitions.map(compile);
  }

  match(method: string, path: string): RouteMatch | undefined {
    const parts = path.split('/').filter((segment) => segment.length > 0);
    for (const route of this.routes) {
      if (route.definition.method !== method) continue;
      const params = matchSegments(route, parts);
      if (params) return { definition: route.definition, params };
    }
    return undefined;
  }
}

function matchSegments(route: CompiledRoute, parts: string[]): Record<string, string> | undefined {
  const { segments, restIndex } = route;
  const params: Record<string, string> = {};
  if (restIndex < 0) {
    if (parts.length !== segments.length) return undefined;
    for (let i = 0; i < segments.length; i++) {
      const segment = segments[i];
      if (segment.kind === 'literal') {
        if (segment.value !== parts[i]) return undefined;
      } else {
        params[segment.value] = decode(parts[i]);
      }
    }
    return params;
  }
  const after = segments.length - restIndex - 1;
  if (parts.length < restIndex + 1 + after) return undefined;
  for (let i = 0; i < restIndex; i++) {
    const segment = segments[i];
    if (segment.kind === 'literal') {
      if (segment.value !== parts[i]) return undefined;
    } else {
      params[segment.value] = decode(parts[i]);
    }
  }
  for (let i = 0; i < after; i++) {
    const segment = segments[restIndex + 1 + i];
    const part = parts[parts.length - after + i];
    if (segment.kind !== 'literal' || segment.value !== part) return undefined;
  }
  params[segments[restIndex].value] = parts.slice(restIndex, parts.length - after).map(decode).join('/');
  return params;
}

export function allRoutes(): RouteDefinition[] {
  return [...appRoutes, ...deliveryRoutes, ...hookRoutes, ...orgRoutes, ...teamIdentityRoutes, ...repoRoutes, ...pullRoutes, ...refRoutes, ...actionRoutes, ...dispatchRoutes, ...checkRunRoutes, ...deploymentRoutes, ...alertRoutes, ...commitRoutes, ...repoExtraRoutes, ...searchRoutes];
}
