import { errorResult, json, notFound, RouteContext, RouteDefinition, RouteResult } from '../context';
import { JsonObject } from '../templates';
import { DeliveryRecord } from '../webhooks/deliverer';

function summary(delivery: DeliveryRecord): JsonObject {
  return {
    id: delivery.id,
    guid: delivery.guid,
    delivered_at: delivery.deliveredAt,
    redelivery: delivery.redelivery,
    duration: delivery.duration,
    status: delivery.status,
    status_code: delivery.statusCode,
    event: delivery.event,
    action: delivery.action,
    installation_id: delivery.installationId,
    repository_id: delivery.repositoryId,
    throttled_at: null,
  };
}

function detail(delivery: DeliveryRecord): JsonObject {
  return { ...summary(delivery), url: delivery.url, request: delivery.request, response: delivery.response };
}

/** Newest first, `per_page` (30, at most 100), and GitHub's opaque `cursor` in `Link: rel="next"`. */
export function listDeliveries(ctx: RouteContext, deliveries: DeliveryRecord[]): RouteResult {
  const requested = Number.parseInt(ctx.query.get('per_page') ?? '', 10);
  const perPage = Number.isFinite(requested) && requested > 0 ? Math.min(requested, 100) : 30;
  const cursor = ctx.query.get('cursor');
  const below = cursor === null || cursor === '' ? Infinity : Number(/^v1_(\d+)$/.exec(cursor)?.[1] ?? NaN);
  if (Number.isNaN(below)) return errorResult(422, 'Invalid cursor');
  const newest = [...deliveries].reverse().filter((delivery) => delivery.id < below);
  const page = newest.slice(0, perPage);
  const headers: Record<string, string> = {};
  if (newest.length > perPage) {
    const next = new URL(ctx.requestUrl.href);
    next.searchParams.set('per_page', String(perPage));
    next.searchParams.set('cursor', `v1_${page[page.length - 1].id}`);
    headers.link = `<${next.href}>; rel="next"`;
  }
  return { status: 200, body: page.map(summary), headers };
}

function appDelivery(ctx: RouteContext): DeliveryRecord | undefined {
  const delivery = ctx.webhooks.delivery(Number(ctx.params.id));
  return delivery?.target === 'app' ? delivery : undefined;
}

export function deliveryDetail(delivery: DeliveryRecord | undefined): RouteResult {
  return delivery ? json(detail(delivery)) : notFound();
}

export function redeliver(ctx: RouteContext, delivery: DeliveryRecord | undefined): RouteResult {
  if (!delivery) return notFound();
  ctx.webhooks.redeliver(delivery.id);
  return json({}, 202);
}

export const deliveryRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/app/hook/config',
    auth: 'jwt',
    handler: (ctx) => {
      const config = ctx.webhooks.appConfig();
      return json({ content_type: 'json', insecure_ssl: '0', url: config?.url ?? '', ...(config?.secret ? { secret: '********' } : {}) });
    },
  },
  {
    method: 'GET',
    pattern: '/app/hook/deliveries',
    auth: 'jwt',
    handler: (ctx) => listDeliveries(ctx, ctx.webhooks.deliveries().filter((delivery) => delivery.target === 'app')),
  },
  { method: 'GET', pattern: '/app/hook/deliveries/{id}', auth: 'jwt', handler: (ctx) => deliveryDetail(appDelivery(ctx)) },
  { method: 'POST', pattern: '/app/hook/deliveries/{id}/attempts', auth: 'jwt', handler: (ctx) => redeliver(ctx, appDelivery(ctx)) },
];
