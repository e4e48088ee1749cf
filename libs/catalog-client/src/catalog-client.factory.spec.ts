import { loadConfig } from '@glint/config';
import { PortApiContract } from '@glint/testing';
import { createCatalogClient } from './catalog-client.factory';
import { FakeCatalog } from './fake-catalog.spec-helper';

/** The environment of Port's self-hosted GitHub app guide, which spells the catalog URL `PORT_API_URL`. */
const GUIDE_ENV = { WEBHOOK_SECRET: 'hook-secret-value', PORT_API_URL: 'https://api.us.getport.io', PORT_CLIENT_ID: 'id', PORT_CLIENT_SECRET: 'secret', PORT_ORG_ID: 'org_123' };

describe('createCatalogClient from the environment', () => {
  it.each([['PORT_API_URL'], ['GLINT_API_URL']])('sends every catalog call to the URL %s names', async (spelling) => {
    const { PORT_API_URL: url, ...rest } = GUIDE_ENV;
    const catalog = new FakeCatalog(PortApiContract.load());
    const sut = createCatalogClient(loadConfig({ ...rest, [spelling]: url }, ['publisher']).catalog, { fetch: catalog.fetch });

    await sut.searchEntities({ combinator: 'and', rules: [] });

    expect(catalog.calls.map((call) => call.url)).toEqual([
      'https://api.us.getport.io/v1/auth/access_token',
      expect.stringMatching(/^https:\/\/api\.us\.getport\.io\/v1\/entities\/search/),
    ]);
  });

  it('refuses PORT_API_URL and PORT_URL set to different catalogs, naming both', () => {
    expect(() => loadConfig({ ...GUIDE_ENV, PORT_URL: 'https://api.getport.io' }, ['publisher'])).toThrow(/PORT_URL and PORT_API_URL are both set, to different values: set only one of them/);
  });

  it('accepts PORT_API_URL and PORT_URL set to the same catalog', () => {
    expect(loadConfig({ ...GUIDE_ENV, PORT_URL: 'https://api.us.getport.io' }, ['publisher']).catalog).toMatchObject({ url: 'https://api.us.getport.io', orgId: 'org_123' });
  });
});
