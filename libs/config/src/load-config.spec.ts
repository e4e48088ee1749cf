import { generateKeyPairSync } from 'node:crypto';
import { inspect } from 'node:util';
import { ConfigError, loadConfig } from './load-config';

const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs1', format: 'pem' }).toString();
const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const base64 = (text: string) => Buffer.from(text).toString('base64');

const minimal = { WEBHOOK_SECRET: 'hook-secret-value' };

function problemsOf(env: Record<string, string>, services?: Parameters<typeof loadConfig>[1]): readonly string[] {
  try {
    loadConfig(env, services);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected the configuration to be rejected');
}

describe('loadConfig', () => {
  it('gives documented defaults when only the webhook secret is set', () => {
    const sut = loadConfig(minimal);

    expect(sut.http.ports).toEqual({ gateway: 3000, mapper: 3001, publisher: 3002, actions: 3003, catalog: 3004 });
    expect(sut.github).toMatchObject({ auth: { kind: 'none' }, apiUrl: 'https://api.github.com' });
    expect(sut.catalog).toMatchObject({
      target: 'embedded',
      url: 'http://127.0.0.1:3004',
      orgId: 'local',
      clientId: 'glint-embedded',
      credentials: 'built-in',
    });
    expect(sut.redisUrl).toBe('redis://127.0.0.1:6379');
    expect(sut.kafka).toEqual({ brokers: ['127.0.0.1:9092'], sasl: undefined });
    expect(sut.events).toEqual({ partitions: 16, workersCount: 16, liveBatchWindowMs: 20 });
    expect(sut.sendRawDataExamples).toBe(true);
    expect(sut.shutdownGraceSeconds).toBe(25);
    expect(sut.redeliverySweepMinutes).toBe(5);
    expect(sut.webhook.baseUrl).toBeUndefined();
    expect(sut.admin).toBeUndefined();
  });

  it('reads the queue dashboard credentials, and needs both of them', () => {
    const sut = loadConfig({ ...minimal, ADMIN_USERNAME: 'ops', ADMIN_PASSWORD: 'dashboard-password' });

    expect(sut.admin?.username).toBe('ops');
    expect(sut.admin?.password.reveal()).toBe('dashboard-password');
    expect(problemsOf({ ...minimal, ADMIN_USERNAME: 'ops' })).toEqual([expect.stringMatching(/^ADMIN_PASSWORD is missing \(ADMIN_USERNAME is set\)/)]);
    expect(problemsOf({ ...minimal, ADMIN_PASSWORD: 'dashboard-password' })).toEqual([expect.stringMatching(/^ADMIN_USERNAME is missing/)]);
    expect(problemsOf({ ...minimal, ADMIN_USERNAME: 'a:b', ADMIN_PASSWORD: 'p' })).toEqual([expect.stringMatching(/^ADMIN_USERNAME is invalid.*cannot contain ":"/)]);
  });

  it('requires WEBHOOK_SECRET when the gateway runs and says what it is for', () => {
    expect(problemsOf({})).toEqual([expect.stringMatching(/^WEBHOOK_SECRET is missing .*X-Hub-Signature-256/)]);
  });

  it('does not require WEBHOOK_SECRET for a process that runs only the catalog', () => {
    expect(loadConfig({}, ['catalog']).webhook.secret).toBeUndefined();
  });

  it('treats an empty variable as unset', () => {
    expect(problemsOf({ WEBHOOK_SECRET: '  ' })).toEqual([expect.stringContaining('WEBHOOK_SECRET is missing')]);
  });

  it('lists every problem in one error instead of stopping at the first', () => {
    const error = (() => {
      try {
        loadConfig({ APP_ID: 'abc', PRIVATE_KEY: 'not a key!', EVENT_WORKERS_COUNT: 'many', GHE_PROTOCOL: 'ftp' });
      } catch (caught) {
        return caught as ConfigError;
      }
      throw new Error('expected a ConfigError');
    })();

    expect(error.problems).toHaveLength(5);
    expect(error.message).toMatch(/^Invalid configuration \(5 problems\):/);
    for (const name of ['WEBHOOK_SECRET', 'APP_ID', 'PRIVATE_KEY', 'EVENT_WORKERS_COUNT', 'GHE_PROTOCOL']) {
      expect(error.message).toContain(`  - ${name} is`);
    }
  });

  describe('PRIVATE_KEY', () => {
    it.each([
      ['base64 of the PEM, as docs/install-ghes.md documents it', base64(rsa)],
      ['the PEM itself', rsa],
      ['a one-line PEM with literal \\n separators', rsa.trim().replace(/\n/g, '\\n')],
    ])('accepts %s', (_label, privateKey) => {
      const sut = loadConfig({ ...minimal, APP_ID: '123', PRIVATE_KEY: privateKey });

      expect(sut.github.auth.kind).toBe('app');
      if (sut.github.auth.kind !== 'app') return;
      expect(sut.github.auth.appId).toBe(123);
      expect(sut.github.auth.privateKey.reveal().trim()).toBe(rsa.trim());
    });

    it.each([
      ['base64 of something that is not a PEM', base64('hello world'), /decodes to is not a PEM private key/],
      ['neither PEM nor base64', 'this is not a key!', /neither a PEM block .* nor base64/],
      ['a damaged PEM', rsa.replace(/\n[A-Za-z0-9+/]{20}/, '\nAAAA'), /could not be read as a private key/],
      ['a non-RSA key', ec, /ec key; GitHub Apps sign with RSA keys/],
    ])('rejects %s with the reason', (_label, privateKey, reason) => {
      const problems = problemsOf({ ...minimal, APP_ID: '1', PRIVATE_KEY: privateKey });

      expect(problems).toEqual([expect.stringMatching(reason)]);
      expect(problems[0]).toMatch(/^PRIVATE_KEY is invalid: expected the GitHub App's private key/);
    });

    it('needs APP_ID beside it, and the other way round', () => {
      expect(problemsOf({ ...minimal, PRIVATE_KEY: base64(rsa) })).toEqual([
        expect.stringMatching(/^APP_ID is missing \(PRIVATE_KEY is set\)/),
      ]);
      expect(problemsOf({ ...minimal, APP_ID: '7' })).toEqual([
        expect.stringMatching(/^PRIVATE_KEY is missing \(APP_ID is set\)/),
      ]);
    });
  });

  it('uses a personal access token when no App credentials are given', () => {
    expect(loadConfig({ ...minimal, GITHUB_TOKEN: 'ghp_x' }).github.auth.kind).toBe('token');
  });

  describe('catalog credentials', () => {
    it.each([
      ['PORT_*', { PORT_URL: 'https://api.example.com/', PORT_CLIENT_ID: 'id', PORT_CLIENT_SECRET: 's' }],
      ['GLINT_*', { GLINT_URL: 'https://api.example.com', GLINT_CLIENT_ID: 'id', GLINT_CLIENT_SECRET: 's' }],
    ])('accepts the %s spelling', (_label, env) => {
      const sut = loadConfig({ ...minimal, ...env });

      expect(sut.catalog).toMatchObject({ target: 'external', url: 'https://api.example.com', clientId: 'id', credentials: 'configured' });
      expect(sut.catalog.clientSecret.reveal()).toBe('s');
    });

    it('defaults the URL to Port when only credentials are given', () => {
      const sut = loadConfig({ ...minimal, GLINT_CLIENT_ID: 'id', GLINT_CLIENT_SECRET: 's' });
      expect(sut.catalog.url).toBe('https://api.getport.io');
    });

    it('accepts the same value under both spellings and rejects two different ones', () => {
      expect(loadConfig({ ...minimal, PORT_ORG_ID: 'o', PORT_URL: 'http://a', GLINT_URL: 'http://a' }).catalog.url).toBe(
        'http://a',
      );
      expect(problemsOf({ ...minimal, PORT_CLIENT_ID: 'a', GLINT_CLIENT_ID: 'b', PORT_CLIENT_SECRET: 's' })).toEqual([
        'PORT_CLIENT_ID and GLINT_CLIENT_ID are both set, to different values: set only one of them',
      ]);
    });

    it('needs the client id and secret together', () => {
      expect(problemsOf({ ...minimal, GLINT_CLIENT_ID: 'id' })).toEqual([
        expect.stringMatching(/^PORT_CLIENT_SECRET\|GLINT_CLIENT_SECRET is missing \(PORT_CLIENT_ID is set\)/),
      ]);
    });
  });

  describe('where the embedded catalog listens', () => {
    const credentials = { PORT_CLIENT_ID: 'id', PORT_CLIENT_SECRET: 's' };

    it('binds the catalog to 127.0.0.1 without catalog credentials, and every other service to 0.0.0.0', () => {
      const sut = loadConfig(minimal);

      expect(sut.http).toMatchObject({ host: '0.0.0.0', catalogHost: '127.0.0.1' });
    });

    it('binds the catalog like every service once catalog credentials are set', () => {
      expect(loadConfig({ ...minimal, ...credentials }).http).toMatchObject({ host: '0.0.0.0', catalogHost: '0.0.0.0' });
      expect(loadConfig({ ...minimal, ...credentials, HTTP_HOST: '10.0.0.5' }).http).toMatchObject({ host: '10.0.0.5', catalogHost: '10.0.0.5' });
    });

    it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]'])('accepts the loopback HTTP_HOST %s with the built-in pair', (host) => {
      expect(loadConfig({ ...minimal, HTTP_HOST: host }, ['catalog']).http.catalogHost).toBe(host);
    });

    it.each(['0.0.0.0', '::', '10.0.0.5', 'catalog.internal'])('refuses to run the catalog on HTTP_HOST=%s with the built-in pair, naming the variables to set', (host) => {
      expect(problemsOf({ HTTP_HOST: host }, ['catalog'])).toEqual([
        expect.stringMatching(/^HTTP_HOST is invalid: .*not a loopback address.*built-in local credentials.*set PORT_CLIENT_ID and PORT_CLIENT_SECRET \(or GLINT_CLIENT_ID and GLINT_CLIENT_SECRET\)/),
      ]);
    });

    it('lets the other services listen on any HTTP_HOST without catalog credentials', () => {
      expect(loadConfig({ ...minimal, HTTP_HOST: '0.0.0.0' }, ['gateway', 'mapper', 'publisher', 'actions']).http.host).toBe('0.0.0.0');
    });
  });

  describe('MAPPER_STATUS_URL', () => {
    it("defaults to the mapper's GET /status on this host, on MAPPER_HTTP_PORT", () => {
      expect(loadConfig(minimal).mapperStatusUrl).toBe('http://127.0.0.1:3001/status');
      expect(loadConfig({ ...minimal, MAPPER_HTTP_PORT: '4001' }).mapperStatusUrl).toBe('http://127.0.0.1:4001/status');
    });

    it('reads an http(s) URL and refuses anything else', () => {
      expect(loadConfig({ ...minimal, MAPPER_STATUS_URL: 'http://mapper:3001/status' }).mapperStatusUrl).toBe('http://mapper:3001/status');
      expect(problemsOf({ ...minimal, MAPPER_STATUS_URL: 'mapper:3001' })).toEqual([expect.stringMatching(/^MAPPER_STATUS_URL is invalid/)]);
      expect(problemsOf({ ...minimal, MAPPER_STATUS_URL: 'ftp://mapper/status' })).toEqual([expect.stringMatching(/^MAPPER_STATUS_URL is invalid.*the scheme is ftp:/)]);
    });
  });

  describe('GITHUB_MAX_CONCURRENCY', () => {
    it('defaults to 20 resync requests in flight per installation and reads 1 to 80', () => {
      expect(loadConfig(minimal).github.maxConcurrency).toBe(20);
      expect(loadConfig({ ...minimal, GITHUB_MAX_CONCURRENCY: '1' }).github.maxConcurrency).toBe(1);
      expect(loadConfig({ ...minimal, GITHUB_MAX_CONCURRENCY: '80' }).github.maxConcurrency).toBe(80);
    });

    it.each(['0', '81', '2.5', 'many'])('rejects %s: at most 80, so webhooks and actions keep part of the 100 requests in flight GitHub allows', (value) => {
      expect(problemsOf({ ...minimal, GITHUB_MAX_CONCURRENCY: value })).toEqual([expect.stringMatching(/^GITHUB_MAX_CONCURRENCY is invalid: expected resync requests .*; got ".*", not an integer from 1 to 80$/)]);
    });
  });

  describe('STALL_RECOVERY_SECONDS', () => {
    it('defaults to 15 seconds and reads 5 to 600', () => {
      expect(loadConfig(minimal).stallRecoverySeconds).toBe(15);
      expect(loadConfig({ ...minimal, STALL_RECOVERY_SECONDS: '60' }).stallRecoverySeconds).toBe(60);
    });

    it.each(['4', '601', 'soon'])('rejects %s', (value) => {
      expect(problemsOf({ ...minimal, STALL_RECOVERY_SECONDS: value })).toEqual([expect.stringMatching(/^STALL_RECOVERY_SECONDS is invalid: .*not an integer from 5 to 600/)]);
    });
  });

  describe('WEBHOOK_UNVERIFIED_MEMORY_MB', () => {
    it('defaults to 64 MiB and reads 25 to 4096 MiB, in bytes', () => {
      expect(loadConfig(minimal).webhook.maxUnverifiedBytes).toBe(64 * 1024 * 1024);
      expect(loadConfig({ ...minimal, WEBHOOK_UNVERIFIED_MEMORY_MB: '25' }).webhook.maxUnverifiedBytes).toBe(25 * 1024 * 1024);
    });

    it.each(['24', '4097', '64MB'])('rejects %s, since a 25 MB delivery must always fit', (value) => {
      expect(problemsOf({ ...minimal, WEBHOOK_UNVERIFIED_MEMORY_MB: value })).toEqual([
        expect.stringMatching(/^WEBHOOK_UNVERIFIED_MEMORY_MB is invalid: .*not an integer from 25 to 4096/),
      ]);
    });
  });

  describe('BASE_URL', () => {
    it('drops trailing slashes, so the webhook URL is <BASE_URL>/webhook', () => {
      expect(loadConfig({ ...minimal, BASE_URL: 'https://glint.example.com/hooks/' }).webhook.baseUrl).toBe('https://glint.example.com/hooks');
    });

    it('rejects a URL with a query or a fragment', () => {
      expect(problemsOf({ ...minimal, BASE_URL: 'https://glint.example.com/?x=1' })).toEqual([expect.stringMatching(/^BASE_URL is invalid.*query or a fragment/)]);
    });

    it('needs WEBHOOK_SECRET for the mapper, which signs the webhooks it creates with it', () => {
      expect(problemsOf({ BASE_URL: 'https://glint.example.com' }, ['mapper'])).toEqual([expect.stringMatching(/^WEBHOOK_SECRET is missing \(BASE_URL is set/)]);
      expect(loadConfig({ BASE_URL: 'https://glint.example.com' }, ['publisher']).webhook.secret).toBeUndefined();
    });

    it('reports a missing WEBHOOK_SECRET once when the gateway and the mapper both need it', () => {
      expect(problemsOf({ BASE_URL: 'https://glint.example.com' }, ['gateway', 'mapper'])).toEqual([expect.stringMatching(/^WEBHOOK_SECRET is missing \(the gateway/)]);
    });
  });

  describe('GitHub Enterprise Server', () => {
    it('composes REST and GraphQL URLs from GHE_HOST and GHE_PROTOCOL', () => {
      const sut = loadConfig({ ...minimal, GHE_HOST: 'github.example.com', GHE_PROTOCOL: 'http' });

      expect(sut.github.apiUrl).toBe('http://github.example.com/api/v3');
      expect(sut.github.graphqlUrl).toBe('http://github.example.com/api/graphql');
    });

    it('rejects a GHE_HOST given as a URL and says where the scheme goes', () => {
      expect(problemsOf({ ...minimal, GHE_HOST: 'https://github.example.com' })).toEqual([
        expect.stringMatching(/GHE_HOST is invalid.*scheme in GHE_PROTOCOL/),
      ]);
    });
  });

  it('parses Kafka brokers and SASL credentials', () => {
    const sut = loadConfig({
      ...minimal,
      KAFKA_BROKERS: 'b1.example.com:9096, b2.example.com:9096',
      KAFKA_SASL_USERNAME: 'user',
      KAFKA_SASL_PASSWORD: 'kafka-password',
    });

    expect(sut.kafka.brokers).toEqual(['b1.example.com:9096', 'b2.example.com:9096']);
    expect(sut.kafka.sasl?.password.reveal()).toBe('kafka-password');
    expect(problemsOf({ ...minimal, KAFKA_BROKERS: 'nohostport' })).toEqual([expect.stringContaining('KAFKA_BROKERS is invalid')]);
  });

  it.each([
    ['EVENT_WORKERS_COUNT', '0'],
    ['EVENT_WORKERS_COUNT', '1.5'],
    ['EVENT_PARTITIONS', '0'],
    ['EVENT_PARTITIONS', '1000'],
    ['PORT', '70000'],
    ['RESYNC_INTERVAL_MINUTES', '-1'],
    ['FULL_RESYNC_INTERVAL_HOURS', '0'],
    ['FULL_RESYNC_INTERVAL_HOURS', 'daily'],
    ['REDELIVERY_SWEEP_MINUTES', '-5'],
    ['REDELIVERY_SWEEP_MINUTES', '2000'],
    ['LIVE_BATCH_WINDOW_MS', '-1'],
    ['LIVE_BATCH_WINDOW_MS', '5000'],
    ['SEND_RAW_DATA_EXAMPLES', 'maybe'],
    ['SHUTDOWN_GRACE_SECONDS', '0'],
    ['SHUTDOWN_GRACE_SECONDS', '2.5'],
    ['REDIS_URL', 'http://127.0.0.1:6379'],
    ['DATABASE_URL', 'not a url'],
  ])('rejects %s=%s', (name, value) => {
    expect(problemsOf({ ...minimal, [name]: value })).toEqual([expect.stringMatching(new RegExp(`^${name} is invalid`))]);
  });

  describe('secrets', () => {
    const secrets = {
      WEBHOOK_SECRET: 'webhook-secret-1',
      WEBHOOK_SECRET_PREVIOUS: 'webhook-secret-0',
      GITHUB_TOKEN: 'ghp_secret_token',
      PORT_CLIENT_ID: 'client-id',
      PORT_CLIENT_SECRET: 'client-secret-value',
      KAFKA_SASL_USERNAME: 'kafka-user',
      KAFKA_SASL_PASSWORD: 'kafka-password-value',
      REDIS_URL: 'redis://default:redis-password-value@127.0.0.1:6379',
      DATABASE_URL: 'postgres://glint:db-password-value@127.0.0.1:5432/glint',
      ADMIN_USERNAME: 'ops',
      ADMIN_PASSWORD: 'admin-password-value',
      MAPPER_STATUS_URL: 'https://ops:status-password-value@mapper.internal/status',
    };
    const secretValues = ['webhook-secret-1', 'webhook-secret-0', 'ghp_secret_token', 'client-secret-value', 'kafka-password-value', 'redis-password-value', 'db-password-value', 'admin-password-value', 'status-password-value'];

    it.each([
      ['JSON.stringify', (value: unknown) => JSON.stringify(value)],
      ['util.inspect', (value: unknown) => inspect(value, { depth: 10 })],
      ['template strings', (value: unknown) => `${JSON.stringify(value)} ${String((value as { webhook: { secret: unknown } }).webhook.secret)}`],
    ])('are redacted when the config is printed with %s', (_label, print) => {
      const printed = print(loadConfig(secrets));

      for (const secret of secretValues) expect(printed).not.toContain(secret);
      expect(printed).toContain('[redacted]');
    });

    it('also hides the App private key', () => {
      const printed = inspect(loadConfig({ ...minimal, APP_ID: '1', PRIVATE_KEY: base64(rsa) }), { depth: 10 });
      expect(printed).not.toContain('PRIVATE KEY');
    });

    it('never appear in validation messages', () => {
      const message = problemsOf({ WEBHOOK_SECRET_PREVIOUS: 'prev', PRIVATE_KEY: 'secret-material!', DATABASE_URL: 'db-password-value' }).join('\n');
      for (const secret of ['prev', 'secret-material!', 'db-password-value']) expect(message).not.toContain(secret);
    });
  });
});
