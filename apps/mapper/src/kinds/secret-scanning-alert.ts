import { fetchSecretScanningAlerts, GithubObject } from '@glint/github';
import type { ResourceConfig } from '@glint/mapping';
import { alertObjects } from './alert-objects';
import { KindModule, stringOption } from './kind-module';

const ROUTE = 'GET /repos/{owner}/{repo}/secret-scanning/alerts/{alert_number}';

export const secretScanningAlertKind: KindModule = {
  kind: 'secret-scanning-alerts',
  repositoryScoped: true,
  list: (context, selector) => fetchSecretScanningAlerts(context, selector),
  liveEvents: ['secret_scanning_alert'],
  async liveObjects(live) {
    const objects = await alertObjects('secret-scanning-alerts', ROUTE, live, { hide_secret: true });
    // The secret itself only for a resource that asks for it (`hideSecret: false`), as its resync lists them.
    const withSecret = async (object: GithubObject, resource: ResourceConfig): Promise<GithubObject> => {
      if (resource.selector['hideSecret'] !== false) return object;
      const revealed = await live.read(ROUTE, { alert_number: object['number'], hide_secret: false });
      return revealed ? live.known(revealed) : object;
    };
    return objects.map((object) => ({ ...object, enrich: withSecret }));
  },
  keeps(selector, object) {
    const state = stringOption(selector['state'], 'open');
    return state === 'all' || state === object['state'];
  },
};
