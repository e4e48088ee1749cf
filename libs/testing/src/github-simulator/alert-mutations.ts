import { ADMIN_LOGIN, MANIFESTS } from './generator';
import { RepositoryMutations } from './mutations';
import { CodeScanningAlertRecord, DependabotAlertRecord, RepoData, RepoRecord, SecretScanningAlertRecord, Severity } from './state';
import { newSha } from './webhooks/payloads';

/** The action GitHub's `dependabot_alert` webhook names the reopening of an alert closed in each way. */
const DEPENDABOT_REOPENING: Record<Exclude<DependabotAlertRecord['state'], 'open'>, string> = { dismissed: 'reopened', fixed: 'reintroduced', auto_dismissed: 'auto_reopened' };

/**
 * Dependabot, code scanning and secret scanning alerts appearing, closing and reopening, each sending the webhook
 * GitHub sends for it. Alerts are listed newest first, as the generated ones are.
 */
export class AlertMutations extends RepositoryMutations {

  createDependabotAlert(
    owner: string,
    name: string,
    options: { packageName?: string; ecosystem?: DependabotAlertRecord['ecosystem']; severity?: Severity; summary?: string } = {},
  ): DependabotAlertRecord {
    const { repo, data } = this.repo(owner, name);
    const ecosystem = options.ecosystem ?? 'npm';
    const number = nextAlertNumber(data.dependabotAlerts);
    const advisory = newSha();
    const now = this.now();
    const alert: DependabotAlertRecord = {
      number,
      state: 'open',
      severity: options.severity ?? 'high',
      ecosystem,
      packageName: options.packageName ?? 'lodash',
      manifestPath: MANIFESTS[ecosystem],
      ghsaId: `GHSA-${advisory.slice(0, 4)}-${advisory.slice(4, 8)}-${advisory.slice(8, 12)}`,
      cveId: `CVE-2026-${String(parseInt(advisory.slice(12, 17), 16) % 90_000 + 10_000)}`,
      summary: options.summary ?? 'Vulnerable dependency',
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    };
    data.dependabotAlerts.unshift(alert);
    this.dependabotEvent(repo, alert, 'created');
    return alert;
  }

  dismissDependabotAlert(owner: string, name: string, number: number): DependabotAlertRecord {
    return this.closeDependabotAlert(owner, name, number, 'dismissed');
  }

  /** The vulnerable dependency was upgraded: `fixed`. */
  fixDependabotAlert(owner: string, name: string, number: number): DependabotAlertRecord {
    return this.closeDependabotAlert(owner, name, number, 'fixed');
  }

  /** Opens a closed alert again: `reopened` after a dismissal, `reintroduced` after a fix, `auto_reopened` after an auto-dismissal. */
  reopenDependabotAlert(owner: string, name: string, number: number): DependabotAlertRecord {
    const { repo, data } = this.repo(owner, name);
    const alert = findAlert(data.dependabotAlerts, number, 'Dependabot', repo);
    if (alert.state === 'open') throw new Error(`Dependabot alert ${number} of ${repo.fullName} is already open`);
    const action = DEPENDABOT_REOPENING[alert.state];
    Object.assign(alert, { state: 'open', closedAt: null, updatedAt: this.now() });
    this.dependabotEvent(repo, alert, action);
    return alert;
  }

  private closeDependabotAlert(owner: string, name: string, number: number, state: 'dismissed' | 'fixed'): DependabotAlertRecord {
    const { repo, data } = this.repo(owner, name);
    const alert = findAlert(data.dependabotAlerts, number, 'Dependabot', repo);
    if (alert.state !== 'open') throw new Error(`Dependabot alert ${number} of ${repo.fullName} is not open (${alert.state})`);
    const now = this.now();
    Object.assign(alert, { state, closedAt: now, updatedAt: now });
    this.dependabotEvent(repo, alert, state);
    return alert;
  }

  private dependabotEvent(repo: RepoRecord, alert: DependabotAlertRecord, action: string): void {
    this.deps.events.repo('dependabot_alert', repo, ADMIN_LOGIN, (render) => ({ action, alert: render.dependabotAlert(repo, alert) }));
  }

  /** An analysis of the default branch found a new problem: `created`, with the branch and commit analysed. */
  createCodeScanningAlert(
    owner: string,
    name: string,
    options: { ruleId?: string; ruleDescription?: string; severity?: CodeScanningAlertRecord['severity']; securitySeverity?: Severity; path?: string } = {},
  ): CodeScanningAlertRecord {
    const { repo, data } = this.repo(owner, name);
    const now = this.now();
    const alert: CodeScanningAlertRecord = {
      number: nextAlertNumber(data.codeScanningAlerts),
      state: 'open',
      ruleId: options.ruleId ?? 'js/sql-injection',
      ruleDescription: options.ruleDescription ?? 'Database query built from user-controlled sources',
      severity: options.severity ?? 'error',
      securitySeverity: options.securitySeverity ?? 'high',
      path: options.path ?? 'src/index.ts',
      createdAt: now,
      updatedAt: now,
      closedAt: null,
    };
    data.codeScanningAlerts.unshift(alert);
    this.codeScanningEvent(repo, data, alert, 'created', true);
    return alert;
  }

  /** A user dismisses the alert: `closed_by_user`, whose `ref` and `commit_oid` are empty (no analysis did it). */
  closeCodeScanningAlert(owner: string, name: string, number: number): CodeScanningAlertRecord {
    return this.closeCodeScanning(owner, name, number, 'dismissed');
  }

  /** An analysis no longer finds the problem: `fixed`. */
  fixCodeScanningAlert(owner: string, name: string, number: number): CodeScanningAlertRecord {
    return this.closeCodeScanning(owner, name, number, 'fixed');
  }

  /** `reopened_by_user` for a dismissed alert (empty `ref` and `commit_oid`), `reopened` when an analysis finds a fixed one again. */
  reopenCodeScanningAlert(owner: string, name: string, number: number): CodeScanningAlertRecord {
    const { repo, data } = this.repo(owner, name);
    const alert = findAlert(data.codeScanningAlerts, number, 'Code scanning', repo);
    if (alert.state === 'open') throw new Error(`Code scanning alert ${number} of ${repo.fullName} is already open`);
    const byUser = alert.state === 'dismissed';
    Object.assign(alert, { state: 'open', closedAt: null, updatedAt: this.now() });
    this.codeScanningEvent(repo, data, alert, byUser ? 'reopened_by_user' : 'reopened', !byUser);
    return alert;
  }

  private closeCodeScanning(owner: string, name: string, number: number, state: 'dismissed' | 'fixed'): CodeScanningAlertRecord {
    const { repo, data } = this.repo(owner, name);
    const alert = findAlert(data.codeScanningAlerts, number, 'Code scanning', repo);
    if (alert.state !== 'open') throw new Error(`Code scanning alert ${number} of ${repo.fullName} is not open (${alert.state})`);
    const now = this.now();
    Object.assign(alert, { state, closedAt: now, updatedAt: now });
    this.codeScanningEvent(repo, data, alert, state === 'dismissed' ? 'closed_by_user' : 'fixed', state === 'fixed');
    return alert;
  }

  private codeScanningEvent(repo: RepoRecord, data: RepoData, alert: CodeScanningAlertRecord, action: string, byAnalysis: boolean): void {
    const head = data.branches.find((branch) => branch.name === repo.defaultBranch)?.sha ?? '';
    this.deps.events.repo('code_scanning_alert', repo, ADMIN_LOGIN, (render) => ({
      action,
      alert: render.codeScanningAlertEvent(repo, alert),
      ref: byAnalysis ? `refs/heads/${repo.defaultBranch}` : '',
      commit_oid: byAnalysis ? head : '',
    }));
  }

  createSecretScanningAlert(owner: string, name: string, options: { secretType?: string; secretTypeDisplayName?: string } = {}): SecretScanningAlertRecord {
    const { repo, data } = this.repo(owner, name);
    const now = this.now();
    const alert: SecretScanningAlertRecord = {
      number: nextAlertNumber(data.secretScanningAlerts),
      state: 'open',
      resolution: null,
      secretType: options.secretType ?? 'github_personal_access_token',
      secretTypeDisplayName: options.secretTypeDisplayName ?? 'GitHub Personal Access Token',
      secret: `ghp_${newSha().slice(0, 36)}`,
      createdAt: now,
      updatedAt: now,
    };
    data.secretScanningAlerts.unshift(alert);
    this.secretScanningEvent(repo, alert, 'created');
    return alert;
  }

  resolveSecretScanningAlert(owner: string, name: string, number: number, options: { resolution?: Exclude<SecretScanningAlertRecord['resolution'], null> } = {}): SecretScanningAlertRecord {
    const { repo, data } = this.repo(owner, name);
    const alert = findAlert(data.secretScanningAlerts, number, 'Secret scanning', repo);
    if (alert.state !== 'open') throw new Error(`Secret scanning alert ${number} of ${repo.fullName} is already resolved`);
    Object.assign(alert, { state: 'resolved', resolution: options.resolution ?? 'revoked', updatedAt: this.now() });
    this.secretScanningEvent(repo, alert, 'resolved');
    return alert;
  }

  reopenSecretScanningAlert(owner: string, name: string, number: number): SecretScanningAlertRecord {
    const { repo, data } = this.repo(owner, name);
    const alert = findAlert(data.secretScanningAlerts, number, 'Secret scanning', repo);
    if (alert.state !== 'resolved') throw new Error(`Secret scanning alert ${number} of ${repo.fullName} is already open`);
    Object.assign(alert, { state: 'open', resolution: null, updatedAt: this.now() });
    this.secretScanningEvent(repo, alert, 'reopened');
    return alert;
  }

  private secretScanningEvent(repo: RepoRecord, alert: SecretScanningAlertRecord, action: string): void {
    this.deps.events.repo('secret_scanning_alert', repo, ADMIN_LOGIN, (render) => ({ action, alert: render.secretScanningAlertEvent(repo, alert) }));
  }
}

function nextAlertNumber(alerts: ReadonlyArray<{ number: number }>): number {
  return Math.max(0, ...alerts.map((alert) => alert.number)) + 1;
}

function findAlert<T extends { number: number }>(alerts: T[], number: number, what: string, repo: RepoRecord): T {
  const alert = alerts.find((candidate) => candidate.number === number);
  if (!alert) throw new Error(`${what} alert ${number} not found in ${repo.fullName}`);
  return alert;
}
