/** A permission of a GitHub App as the installation lists it (`pull_requests`) and as the App's settings page names it. */
export interface AppPermission {
  key: string;
  name: string;
  level: 'repository' | 'organization';
}

const METADATA: AppPermission = { key: 'metadata', name: 'Metadata', level: 'repository' };
const CONTENTS: AppPermission = { key: 'contents', name: 'Contents', level: 'repository' };
const ACTIONS: AppPermission = { key: 'actions', name: 'Actions', level: 'repository' };
const DEPLOYMENTS: AppPermission = { key: 'deployments', name: 'Deployments', level: 'repository' };
const MEMBERS: AppPermission = { key: 'members', name: 'Members', level: 'organization' };

/** The read permission each kind of port-app-config.yml needs beyond Metadata (which every installation has). */
const KIND_PERMISSIONS: Readonly<Record<string, readonly AppPermission[]>> = {
  repository: [METADATA],
  organization: [METADATA],
  collaborator: [METADATA],
  'pull-request': [{ key: 'pull_requests', name: 'Pull requests', level: 'repository' }],
  issue: [{ key: 'issues', name: 'Issues', level: 'repository' }],
  branch: [CONTENTS],
  tag: [CONTENTS],
  release: [CONTENTS],
  file: [CONTENTS],
  folder: [CONTENTS],
  plugin: [CONTENTS],
  skill: [CONTENTS],
  workflow: [ACTIONS],
  'workflow-run': [ACTIONS],
  deployment: [DEPLOYMENTS],
  'deployment-status': [DEPLOYMENTS],
  environment: [{ key: 'environments', name: 'Environments', level: 'repository' }],
  'dependabot-alert': [{ key: 'vulnerability_alerts', name: 'Dependabot alerts', level: 'repository' }],
  'code-scanning-alerts': [{ key: 'security_events', name: 'Code scanning alerts', level: 'repository' }],
  'secret-scanning-alerts': [{ key: 'secret_scanning_alerts', name: 'Secret scanning alerts', level: 'repository' }],
  team: [MEMBERS],
  user: [MEMBERS],
};

export interface MissingPermission {
  permission: AppPermission;
  /** The kinds of the mapping that need it. */
  kinds: string[];
}

/** The permissions `kinds` need that `granted` (an installation's `permissions`) lacks; `write` includes read. */
export function missingPermissions(kinds: readonly string[], granted: Readonly<Record<string, string>>): MissingPermission[] {
  const missing = new Map<string, MissingPermission>();
  for (const kind of new Set(kinds)) {
    for (const permission of KIND_PERMISSIONS[kind] ?? []) {
      if (granted[permission.key] === 'read' || granted[permission.key] === 'write' || granted[permission.key] === 'admin') continue;
      const entry = missing.get(permission.key) ?? { permission, kinds: [] };
      entry.kinds.push(kind);
      missing.set(permission.key, entry);
    }
  }
  return [...missing.values()];
}
