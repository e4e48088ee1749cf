import { ADMIN_LOGIN, isoSeconds } from './generator';
import { MutationDeps, requireRepo } from './mutations';
import { roleNameOf } from './render';
import { CollaboratorRecord, OrgRecord, RepoData, RepoPermission, RepoRecord, TeamRecord, UserRecord } from './state';
import { JsonObject } from './templates';
import { newSha } from './webhooks/payloads';

/** Repository lifecycle, collaborators, members and teams, each sending the webhooks GitHub sends for it. */
export class OrgMutations {
  constructor(private readonly deps: MutationDeps) {}

  private now(): string {
    return isoSeconds(this.deps.clock.now());
  }

  private org(login: string): OrgRecord {
    const org = this.deps.state.organization(login);
    if (!org) throw new Error(`Organization ${login} not found`);
    return org;
  }

  createRepository(owner: string, options: { name: string; visibility?: 'public' | 'private' | 'internal'; description?: string; defaultBranch?: string }): RepoRecord {
    const { state } = this.deps;
    const org = this.org(owner);
    if (state.repo(org.login, options.name)) throw new Error(`Repository ${org.login}/${options.name} already exists`);
    const index = Math.max(0, ...[...state.reposById.values()].map((repo) => repo.index)) + 1;
    const now = this.now();
    const repo: RepoRecord = {
      id: 1_000_000 + index,
      index,
      ownerLogin: org.login,
      name: options.name,
      fullName: `${org.login}/${options.name}`,
      visibility: options.visibility ?? 'private',
      fork: false,
      archived: false,
      description: options.description ?? '',
      language: null,
      topics: [],
      defaultBranch: options.defaultBranch ?? 'main',
      createdAt: now,
      updatedAt: now,
      pushedAt: now,
      size: 0,
      stars: 0,
      customProperties: {},
      teams: [],
      collaborators: [{ login: ADMIN_LOGIN, permission: 'admin', affiliation: 'direct' }],
    };
    const data: RepoData = {
      pulls: [], issues: [], releases: [], tags: [], workflows: [], runs: [], environments: [], deployments: [],
      dependabotAlerts: [], codeScanningAlerts: [], secretScanningAlerts: [], checkRuns: [],
      files: new Map([['README.md', `# ${repo.name}\n`]]),
      commitFiles: new Map(),
      branches: [{ name: repo.defaultBranch, sha: newSha(), protection: null }],
    };
    state.addRepository(org, repo, data);
    this.repoEvent(repo, 'created');
    return repo;
  }

  archiveRepository(owner: string, name: string): RepoRecord {
    return this.setArchived(owner, name, true);
  }

  unarchiveRepository(owner: string, name: string): RepoRecord {
    return this.setArchived(owner, name, false);
  }

  renameRepository(owner: string, name: string, newName: string): RepoRecord {
    const repo = requireRepo(this.deps.state, owner, name);
    if (this.deps.state.repo(owner, newName)) throw new Error(`Repository ${owner}/${newName} already exists`);
    const from = repo.name;
    this.deps.state.renameRepository(repo, newName);
    repo.updatedAt = this.now();
    this.repoEvent(repo, 'renamed', { changes: { repository: { name: { from } } } });
    return repo;
  }

  deleteRepository(owner: string, name: string): RepoRecord {
    const repo = requireRepo(this.deps.state, owner, name);
    this.repoEvent(repo, 'deleted');
    this.deps.state.removeRepository(repo);
    return repo;
  }

  /**
   * Gives `login` (created when unknown) access of its own to a repository, replacing access through a team: a
   * `direct` collaborator when an organization member, else an `outside` one who accepted the invitation at once.
   * Sends `member` added.
   */
  addCollaborator(owner: string, name: string, login: string, options: { permission?: RepoPermission } = {}): CollaboratorRecord {
    const repo = requireRepo(this.deps.state, owner, name);
    const user = ensureUser(this.deps, login);
    const existing = repo.collaborators.find((candidate) => candidate.login === user.login);
    if (existing && existing.affiliation !== 'team') throw new Error(`${user.login} is already a collaborator of ${repo.fullName}`);
    const member = this.deps.state.organization(repo.ownerLogin)?.memberLogins.includes(user.login) ?? false;
    const collaborator: CollaboratorRecord = { login: user.login, permission: options.permission ?? 'push', affiliation: member ? 'direct' : 'outside' };
    repo.collaborators = [...repo.collaborators.filter((candidate) => candidate !== existing), collaborator];
    this.memberEvent(repo, user.login, 'added', { permission: { to: roleNameOf(collaborator.permission) } });
    return collaborator;
  }

  /** Changes a direct or outside collaborator's permission: `member` edited, with the old and new role. */
  editCollaborator(owner: string, name: string, login: string, changes: { permission: RepoPermission }): CollaboratorRecord {
    const repo = requireRepo(this.deps.state, owner, name);
    const collaborator = this.ownCollaborator(repo, login);
    const from = roleNameOf(collaborator.permission);
    collaborator.permission = changes.permission;
    this.memberEvent(repo, collaborator.login, 'edited', { old_permission: { from }, permission: { from, to: roleNameOf(collaborator.permission) } });
    return collaborator;
  }

  /** Takes a direct or outside collaborator's access away: `member` removed. */
  removeCollaborator(owner: string, name: string, login: string): CollaboratorRecord {
    const repo = requireRepo(this.deps.state, owner, name);
    const collaborator = this.ownCollaborator(repo, login);
    repo.collaborators = repo.collaborators.filter((candidate) => candidate !== collaborator);
    this.memberEvent(repo, collaborator.login, 'removed');
    return collaborator;
  }

  /** Adds an organization member (the user is created when unknown), and to `teams` (`membership` added). */
  addMember(orgLogin: string, login: string, options: { teams?: string[] } = {}): UserRecord {
    const org = this.org(orgLogin);
    const user = ensureUser(this.deps, login);
    if (!org.memberLogins.includes(user.login)) {
      org.memberLogins.push(user.login);
      this.deps.events.org('organization', org, ADMIN_LOGIN, (render) => ({ action: 'member_added', membership: membership(render.apiBase, org, render.account(user.login)) }));
    }
    for (const slug of options.teams ?? []) {
      const team = this.team(org, slug);
      if (team.memberLogins.includes(user.login)) continue;
      team.memberLogins.push(user.login);
      this.membershipEvent(org, team, user.login, 'added');
    }
    return user;
  }

  /** Removes a member from its teams (`membership` removed) and from the organization (`member_removed`). */
  removeMember(orgLogin: string, login: string): UserRecord {
    const org = this.org(orgLogin);
    const user = this.deps.state.user(login);
    if (!user || !org.memberLogins.includes(user.login)) throw new Error(`${login} is not a member of ${org.login}`);
    for (const team of org.teams) {
      if (!team.memberLogins.includes(user.login)) continue;
      team.memberLogins.splice(team.memberLogins.indexOf(user.login), 1);
      this.membershipEvent(org, team, user.login, 'removed');
    }
    org.memberLogins.splice(org.memberLogins.indexOf(user.login), 1);
    for (const repo of org.repos) repo.collaborators = repo.collaborators.filter((collaborator) => collaborator.login !== user.login || collaborator.affiliation === 'outside');
    this.deps.events.org('organization', org, ADMIN_LOGIN, (render) => ({ action: 'member_removed', membership: { ...membership(render.apiBase, org, render.account(user.login)), state: 'active' } }));
    return user;
  }

  createTeam(orgLogin: string, options: { name: string; description?: string; privacy?: 'closed' | 'secret' }): TeamRecord {
    const org = this.org(orgLogin);
    const slug = options.name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
    if (org.teams.some((team) => team.slug === slug)) throw new Error(`Team ${slug} already exists in ${org.login}`);
    const team: TeamRecord = { id: this.deps.state.nextId(), slug, name: options.name, description: options.description ?? '', privacy: options.privacy ?? 'closed', memberLogins: [] };
    org.teams.push(team);
    this.deps.events.org('team', org, ADMIN_LOGIN, (render) => ({ action: 'created', team: render.team(org, team) }));
    return team;
  }

  deleteTeam(orgLogin: string, slug: string): TeamRecord {
    const org = this.org(orgLogin);
    const team = this.team(org, slug);
    this.deps.events.org('team', org, ADMIN_LOGIN, (render) => ({ action: 'deleted', team: render.team(org, team) }));
    org.teams.splice(org.teams.indexOf(team), 1);
    for (const repo of org.repos) repo.teams = repo.teams.filter((entry) => entry.slug !== slug);
    return team;
  }

  private team(org: OrgRecord, slug: string): TeamRecord {
    const team = org.teams.find((candidate) => candidate.slug === slug);
    if (!team) throw new Error(`Team ${slug} not found in ${org.login}`);
    return team;
  }

  private ownCollaborator(repo: RepoRecord, login: string): CollaboratorRecord {
    const collaborator = repo.collaborators.find((candidate) => candidate.login.toLowerCase() === login.toLowerCase() && candidate.affiliation !== 'team');
    if (!collaborator) throw new Error(`${login} is not a direct or outside collaborator of ${repo.fullName}`);
    return collaborator;
  }

  private setArchived(owner: string, name: string, archived: boolean): RepoRecord {
    const repo = requireRepo(this.deps.state, owner, name);
    repo.archived = archived;
    repo.updatedAt = this.now();
    this.repoEvent(repo, archived ? 'archived' : 'unarchived');
    return repo;
  }

  private repoEvent(repo: RepoRecord, action: string, extra: JsonObject = {}): void {
    this.deps.events.repo('repository', repo, ADMIN_LOGIN, () => ({ action, ...extra }));
  }

  private memberEvent(repo: RepoRecord, login: string, action: 'added' | 'edited' | 'removed', changes?: JsonObject): void {
    this.deps.events.repo('member', repo, ADMIN_LOGIN, (render) => ({ action, member: render.account(login), ...(changes ? { changes } : {}) }));
  }

  private membershipEvent(org: OrgRecord, team: TeamRecord, login: string, action: 'added' | 'removed'): void {
    this.deps.events.org('membership', org, ADMIN_LOGIN, (render) => ({ action, scope: 'team', member: render.account(login), team: render.team(org, team) }));
  }
}

function membership(apiBase: string, org: OrgRecord, user: JsonObject): JsonObject {
  return { url: `${apiBase}/orgs/${org.login}/memberships/${String(user.login)}`, state: 'active', role: 'member', organization_url: `${apiBase}/orgs/${org.login}`, user };
}

export function ensureUser(deps: Pick<MutationDeps, 'state' | 'clock'>, login: string): UserRecord {
  let user = deps.state.user(login);
  if (!user) {
    const id = Math.max(0, ...[...deps.state.users.values()].map((candidate) => candidate.id)) + 1;
    user = { id, login, name: login, email: `${login}@example.com`, createdAt: isoSeconds(deps.clock.now()), siteAdmin: false };
    deps.state.addUser(user);
  }
  return user;
}
