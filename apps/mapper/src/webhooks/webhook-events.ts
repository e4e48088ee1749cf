/** The events the mapper handles: the App subscribes to them (docs/install-ghes.md), and so does a BASE_URL webhook. */
export const SUBSCRIBED_WEBHOOK_EVENTS = [
  'repository',
  'pull_request',
  'issues',
  'release',
  'create',
  'delete',
  'push',
  'deployment',
  'deployment_status',
  'workflow_run',
  'dependabot_alert',
  'code_scanning_alert',
  'organization',
  'team',
  'membership',
  'member',
  'secret_scanning_alert',
] as const;

/** Organization-level events, which a personal account's repository webhooks cannot subscribe. */
const ORGANIZATION_ONLY_EVENTS: ReadonlySet<string> = new Set(['organization', 'team', 'membership', 'member']);

export function webhookEventsFor(accountType: 'Organization' | 'User'): string[] {
  return SUBSCRIBED_WEBHOOK_EVENTS.filter((event) => accountType === 'Organization' || !ORGANIZATION_ONLY_EVENTS.has(event));
}
