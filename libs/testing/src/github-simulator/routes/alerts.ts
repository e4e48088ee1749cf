import { csv, errorResult, json, notFound, RouteContext, RouteDefinition, visibleRepo } from '../context';
import { RepoRecord } from '../state';
import { paginate } from '../pagination';
import { directionOf, sortedBy } from './sorting';

function oneOf(values: string[] | undefined, value: string): boolean {
  return values === undefined || values.includes(value);
}

/** The alert `alerts` holds under the `number` param, in a repository the caller may see. */
function oneAlert<T extends { number: number }>(ctx: RouteContext, alerts: (repo: RepoRecord) => T[]): { repo: RepoRecord; alert: T } | undefined {
  const repo = visibleRepo(ctx);
  const alert = repo && alerts(repo).find((candidate) => String(candidate.number) === ctx.params.number);
  return repo && alert ? { repo, alert } : undefined;
}

export const alertRoutes: RouteDefinition[] = [
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/dependabot/alerts',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      if (!repo) return notFound();
      const states = csv(ctx.query.get('state'));
      const severities = csv(ctx.query.get('severity'));
      const ecosystems = csv(ctx.query.get('ecosystem'));
      const packages = csv(ctx.query.get('package'));
      const alerts = ctx.state.repoData(repo).dependabotAlerts.filter(
        (alert) => oneOf(states, alert.state) && oneOf(severities, alert.severity) && oneOf(ecosystems, alert.ecosystem) && oneOf(packages, alert.packageName),
      );
      const sort = ctx.query.get('sort') === 'updated' ? 'updated' : 'created';
      const ordered = sortedBy(alerts, (alert) => (sort === 'updated' ? alert.updatedAt : alert.createdAt), directionOf(ctx.query.get('direction'), 'desc'), (alert) => alert.number);
      return paginate(ctx, ordered, (alert) => ctx.render.dependabotAlert(repo, alert));
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/code-scanning/alerts',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      if (!repo) return notFound();
      const state = ctx.query.get('state');
      const severity = ctx.query.get('severity');
      if (state !== null && !['open', 'closed', 'dismissed', 'fixed'].includes(state)) return errorResult(422, `Invalid state: ${state}`);
      const alerts = ctx.state.repoData(repo).codeScanningAlerts.filter(
        (alert) =>
          (state === null || alert.state === state || (state === 'closed' && alert.state !== 'open')) &&
          (severity === null || alert.severity === severity || alert.securitySeverity === severity),
      );
      return paginate(ctx, alerts, (alert) => ctx.render.codeScanningAlert(repo, alert));
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/secret-scanning/alerts',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      if (!repo) return notFound();
      const states = csv(ctx.query.get('state'));
      const secretTypes = csv(ctx.query.get('secret_type'));
      const resolutions = csv(ctx.query.get('resolution'));
      const hideSecret = ctx.query.get('hide_secret') === 'true';
      const alerts = ctx.state.repoData(repo).secretScanningAlerts.filter(
        (alert) => oneOf(states, alert.state) && oneOf(secretTypes, alert.secretType) && (resolutions === undefined || (alert.resolution !== null && resolutions.includes(alert.resolution))),
      );
      return paginate(ctx, alerts, (alert) => ctx.render.secretScanningAlert(repo, alert, hideSecret));
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/dependabot/alerts/{number}',
    auth: 'token',
    handler: (ctx) => {
      const found = oneAlert(ctx, (repo) => ctx.state.repoData(repo).dependabotAlerts);
      return found ? json(ctx.render.dependabotAlert(found.repo, found.alert)) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/code-scanning/alerts/{number}',
    auth: 'token',
    handler: (ctx) => {
      const found = oneAlert(ctx, (repo) => ctx.state.repoData(repo).codeScanningAlerts);
      return found ? json(ctx.render.codeScanningAlert(found.repo, found.alert)) : notFound();
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/secret-scanning/alerts/{number}',
    auth: 'token',
    handler: (ctx) => {
      const found = oneAlert(ctx, (repo) => ctx.state.repoData(repo).secretScanningAlerts);
      return found ? json(ctx.render.secretScanningAlert(found.repo, found.alert, ctx.query.get('hide_secret') === 'true')) : notFound();
    },
  },
];
