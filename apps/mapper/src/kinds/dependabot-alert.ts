import { fetchDependabotAlerts } from '@glint/github';
import { alertObjects } from './alert-objects';
import { KindModule, listOption } from './kind-module';

export const dependabotAlertKind: KindModule = {
  kind: 'dependabot-alert',
  repositoryScoped: true,
  list: (context, selector) => fetchDependabotAlerts(context, selector),
  liveEvents: ['dependabot_alert'],
  liveObjects: (live) => alertObjects('dependabot-alert', 'GET /repos/{owner}/{repo}/dependabot/alerts/{alert_number}', live),
  keeps: (selector, object) => listOption(selector['states'], ['open']).includes(String(object['state'])),
};
