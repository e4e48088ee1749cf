import { emitterEventNames } from '@octokit/webhooks';

/**
 * The X-GitHub-Event names GitHub sends (its webhook event list, as @octokit/webhooks ships it). A metric label takes
 * its value from here or is `other`, so no request can add a series.
 */
export const GITHUB_EVENT_NAMES: ReadonlySet<string> = new Set(emitterEventNames.filter((name) => !name.includes('.')));
