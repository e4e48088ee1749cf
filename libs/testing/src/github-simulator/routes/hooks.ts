import { actorLogin, bodyObject, json, missingPermission, notFound, RouteContext, RouteDefinition, RouteResult, validationFailed, visibleOrg } from '../context';
import { isoSeconds } from '../generator';
import { OrgHookRecord, OrgRecord } from '../state';
import { JsonObject } from '../templates';
import { DeliveryRecord } from '../webhooks/deliverer';
import { deliveryDetail, listDeliveries, redeliver } from './deliveries';

const ZEN = 'Keep it logically awesome.';

function renderHook(ctx: RouteContext, hook: OrgHookRecord): JsonObject {
  const url = `${ctx.render.apiBase}/orgs/${hook.orgLogin}/hooks/${hook.id}`;
  return {
    type: 'Organization',
    id: hook.id,
    name: 'web',
    active: hook.active,
    events: hook.events,
    config: { content_type: hook.contentType, insecure_ssl: hook.insecureSsl, url: hook.url, ...(hook.secret ? { secret: '********' } : {}) },
    updated_at: hook.updatedAt,
    created_at: hook.createdAt,
    url,
    ping_url: `${url}/pings`,
    deliveries_url: `${url}/deliveries`,
  };
}

function orgAndHook(ctx: RouteContext): { org: OrgRecord; hook: OrgHookRecord } | undefined {
  const org = visibleOrg(ctx, ctx.params.org);
  const hook = org && ctx.state.orgHooks.find((candidate) => candidate.orgLogin === org.login && String(candidate.id) === ctx.params.id);
  return org && hook ? { org, hook } : undefined;
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
}

/** Applies `config`, `events` and `active` from a create or update body; a message when the body is invalid. */
function applyBody(hook: OrgHookRecord, body: Record<string, unknown>): string | undefined {
  if (body.config !== undefined) {
    const config = body.config !== null && typeof body.config === 'object' ? (body.config as Record<string, unknown>) : undefined;
    if (!config || typeof config.url !== 'string' || !/^https?:\/\//.test(config.url)) return 'Invalid request.\n\n"url" wasn\'t supplied.';
    hook.url = config.url;
    if (config.content_type !== undefined) {
      if (config.content_type !== 'json' && config.content_type !== 'form') return 'Validation Failed: content_type must be json or form';
      hook.contentType = config.content_type;
    }
    if (config.secret !== undefined) hook.secret = typeof config.secret === 'string' && config.secret !== '' ? config.secret : null;
    if (config.insecure_ssl !== undefined) hook.insecureSsl = String(config.insecure_ssl) === '1' ? '1' : '0';
  }
  if (body.events !== undefined) {
    const events = stringArray(body.events);
    if (!events) return 'Invalid request.\n\nFor \'properties/events\', it is not an array of strings.';
    hook.events = events;
  }
  if (body.active !== undefined) {
    if (typeof body.active !== 'boolean') return 'Invalid request.\n\nFor \'properties/active\', it is not a boolean.';
    hook.active = body.active;
  }
  return undefined;
}

function ping(ctx: RouteContext, org: OrgRecord, hook: OrgHookRecord): void {
  const rendered = renderHook(ctx, hook);
  const payload = { zen: ZEN, hook_id: hook.id, hook: rendered, organization: ctx.render.orgSimple(org), sender: ctx.render.account(actorLogin(ctx)) };
  ctx.webhooks.sendToOrgHook(hook, 'ping', payload, null);
}

function create(ctx: RouteContext): RouteResult {
  const org = visibleOrg(ctx, ctx.params.org);
  if (!org) return notFound();
  const body = bodyObject(ctx);
  if (body.name !== undefined && body.name !== 'web') return validationFailed('Validation Failed: name must be "web"');
  if (body.config === undefined) return validationFailed('Invalid request.\n\n"config" wasn\'t supplied.');
  const now = isoSeconds(ctx.clock.now());
  const hook: OrgHookRecord = { id: ctx.state.nextId(), orgLogin: org.login, url: '', secret: null, contentType: 'form', insecureSsl: '0', events: ['push'], active: true, createdAt: now, updatedAt: now };
  const problem = applyBody(hook, body);
  if (problem) return validationFailed(problem);
  ctx.state.orgHooks.push(hook);
  if (hook.active) ping(ctx, org, hook);
  return { status: 201, body: renderHook(ctx, hook), headers: { location: `${ctx.render.apiBase}/orgs/${org.login}/hooks/${hook.id}` } };
}

function orgHookDelivery(ctx: RouteContext): DeliveryRecord | undefined {
  const found = orgAndHook(ctx);
  const delivery = found && ctx.webhooks.delivery(Number(ctx.params.delivery));
  return delivery?.target === 'org' && delivery.hookId === found?.hook.id ? delivery : undefined;
}

/**
 * An installation needs the `organization_hooks` permission (the App's "Webhooks" organization permission): read to
 * list hooks and their deliveries, write for the rest. GitHub checks it after the organization is found.
 */
function withHookPermission(level: 'read' | 'write', handler: RouteDefinition['handler']): RouteDefinition['handler'] {
  return (ctx) => (visibleOrg(ctx, ctx.params.org) ? (missingPermission(ctx, 'organization_hooks', level) ?? handler(ctx)) : notFound());
}

const routes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/orgs/{org}/hooks',
    auth: 'token',
    handler: (ctx) => {
      const org = visibleOrg(ctx, ctx.params.org);
      return org ? json(ctx.state.orgHooks.filter((hook) => hook.orgLogin === org.login).map((hook) => renderHook(ctx, hook))) : notFound();
    },
  },
  { method: 'POST', pattern: '/orgs/{org}/hooks', auth: 'token', handler: create },
  {
    method: 'GET',
    pattern: '/orgs/{org}/hooks/{id}',
    auth: 'token',
    handler: (ctx) => {
      const found = orgAndHook(ctx);
      return found ? json(renderHook(ctx, found.hook)) : notFound();
    },
  },
  {
    method: 'PATCH',
    pattern: '/orgs/{org}/hooks/{id}',
    auth: 'token',
    handler: (ctx) => {
      const found = orgAndHook(ctx);
      if (!found) return notFound();
      const draft = { ...found.hook, events: [...found.hook.events] };
      const problem = applyBody(draft, bodyObject(ctx));
      if (problem) return validationFailed(problem);
      Object.assign(found.hook, draft, { updatedAt: isoSeconds(ctx.clock.now()) });
      return json(renderHook(ctx, found.hook));
    },
  },
  {
    method: 'DELETE',
    pattern: '/orgs/{org}/hooks/{id}',
    auth: 'token',
    handler: (ctx) => {
      const found = orgAndHook(ctx);
      if (!found) return notFound();
      ctx.state.orgHooks.splice(ctx.state.orgHooks.indexOf(found.hook), 1);
      return { status: 204 };
    },
  },
  {
    method: 'POST',
    pattern: '/orgs/{org}/hooks/{id}/pings',
    auth: 'token',
    handler: (ctx) => {
      const found = orgAndHook(ctx);
      if (!found) return notFound();
      ping(ctx, found.org, found.hook);
      return { status: 204 };
    },
  },
  {
    method: 'GET',
    pattern: '/orgs/{org}/hooks/{id}/deliveries',
    auth: 'token',
    handler: (ctx) => {
      const found = orgAndHook(ctx);
      return found ? listDeliveries(ctx, ctx.webhooks.deliveries().filter((delivery) => delivery.target === 'org' && delivery.hookId === found.hook.id)) : notFound();
    },
  },
  { method: 'GET', pattern: '/orgs/{org}/hooks/{id}/deliveries/{delivery}', auth: 'token', handler: (ctx) => deliveryDetail(orgHookDelivery(ctx)) },
  {
    method: 'POST',
    pattern: '/orgs/{org}/hooks/{id}/deliveries/{delivery}/attempts',
    auth: 'token',
    handler: (ctx) => redeliver(ctx, orgHookDelivery(ctx)),
  },
];

export const hookRoutes: RouteDefinition[] = routes.map((route) => ({ ...route, handler: withHookPermission(route.method === 'GET' ? 'read' : 'write', route.handler) }));
