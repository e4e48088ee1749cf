import type { Kind } from '@glint/mapping';
import { LiveContext, LiveObject, payloadObject } from './kind-module';

/**
 * Re-read: alert webhook objects are not the REST ones (a secret scanning alert has no `state`, a code scanning rule no
 * `security_severity_level`).
 */
export async function alertObjects(kind: Kind, route: string, live: LiveContext, params: Record<string, unknown> = {}): Promise<LiveObject[]> {
  const alert = payloadObject(live.payload, 'alert', 'number');
  if (!alert || !live.repository) return [];
  const current = await live.read(route, { alert_number: alert['number'], ...params });
  return [{ kind, current: current && live.known(current), known: live.known(alert) }];
}
