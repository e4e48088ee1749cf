import { fetchCodeScanningAlerts } from '@glint/github';
import { alertObjects } from './alert-objects';
import { KindModule, stringOption } from './kind-module';

export const codeScanningAlertKind: KindModule = {
  kind: 'code-scanning-alerts',
  repositoryScoped: true,
  list: (context, selector) => fetchCodeScanningAlerts(context, selector),
  liveEvents: ['code_scanning_alert'],
  liveObjects: (live) => alertObjects('code-scanning-alerts', 'GET /repos/{owner}/{repo}/code-scanning/alerts/{alert_number}', live),
  keeps(selector, object) {
    // GitHub's listing takes `closed` for every alert no longer open, whether dismissed or fixed.
    const state = stringOption(selector['state'], 'open');
    return state === 'closed' ? object['state'] !== 'open' : state === object['state'];
  },
};
