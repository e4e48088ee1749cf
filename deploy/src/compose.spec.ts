import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ENV_CONTRACT, loadConfig, SERVICE_NAMES } from '@glint/config';
import { REPOSITORY_ROOT } from './dockerfile';

interface ComposeService {
  image?: string;
  command?: string[];
  entrypoint?: string[];
  profiles?: string[];
  environment?: Record<string, string | number>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  read_only?: boolean;
  stop_grace_period?: string;
}

const composeText = readFileSync(join(REPOSITORY_ROOT, 'docker-compose.yml'), 'utf8');
const compose = parse(composeText, { merge: true }) as { services: Record<string, ComposeService>; volumes: Record<string, unknown> };
const envExample = readFileSync(join(REPOSITORY_ROOT, '.env.example'), 'utf8');
const CONTRACT_NAMES: string[] = ENV_CONTRACT.flatMap((variable) => [variable.name, ...('aliases' in variable ? variable.aliases : [])]);
const DEFAULT_PORTS = loadConfig({}, []).http.ports;
const PORT_VARIABLES = { gateway: 'PORT', mapper: 'MAPPER_HTTP_PORT', publisher: 'PUBLISHER_HTTP_PORT', actions: 'ACTIONS_HTTP_PORT', catalog: 'CATALOG_HTTP_PORT' } as const;

/** `NAME=value` lines of .env.example, commented out (`# NAME=`) or not. */
const exampleEntries = [...envExample.matchAll(/^(#\s*)?([A-Z][A-Z0-9_]*)=(.*)$/gm)].map(([, comment, name, value]) => ({ name, value, active: !comment }));
const interpolated = [...new Set([...composeText.matchAll(/\$\{([A-Z][A-Z0-9_]*)/g)].map(([, name]) => name))];

describe('docker-compose.yml', () => {
  it.each(SERVICE_NAMES.map((service) => [service]))('runs %s from the Glint image with its name as the command and checks its /health', (service) => {
    const sut = compose.services[service];

    expect(sut.image).toBe('${GLINT_IMAGE:-glint-github-app:local}');
    expect(sut.command).toEqual([service]);
    expect(sut.healthcheck?.test).toEqual(['CMD', 'node', 'dist/apps/glint/src/healthcheck.js', service]);
    expect(sut.environment?.[PORT_VARIABLES[service]]).toBe(DEFAULT_PORTS[service]);
    expect(sut.read_only).toBe(true);
  });

  it.each(SERVICE_NAMES.map((service) => [service]))('gives %s longer to stop than its shutdown grace period before Docker kills it', (service) => {
    const graceSeconds = loadConfig({}, []).shutdownGraceSeconds;
    const stopSeconds = Number(/^(\d+)s$/.exec(compose.services[service].stop_grace_period ?? '')?.[1] ?? 10);

    expect(stopSeconds).toBeGreaterThan(graceSeconds);
  });

  it('gives the Glint services only variables of the environment contract', () => {
    const names = SERVICE_NAMES.flatMap((service) => Object.keys(compose.services[service].environment ?? {}));

    expect(names.filter((name) => !CONTRACT_NAMES.includes(name))).toEqual([]);
  });

  it('makes the catalog, which listens on the compose network, take its client pair from .env, since it refuses the built-in pair there', () => {
    const environment = compose.services['catalog'].environment ?? {};
    const listening = { HTTP_HOST: String(environment['HTTP_HOST']) };

    expect(environment['PORT_CLIENT_ID']).toMatch(/^\$\{PORT_CLIENT_ID:\?set PORT_CLIENT_ID and PORT_CLIENT_SECRET in \.env/);
    expect(environment['PORT_CLIENT_SECRET']).toMatch(/^\$\{PORT_CLIENT_SECRET:\?set PORT_CLIENT_ID and PORT_CLIENT_SECRET in \.env/);
    expect(() => loadConfig(listening, ['catalog'])).toThrow(/HTTP_HOST is invalid: .*set PORT_CLIENT_ID and PORT_CLIENT_SECRET/);
    expect(loadConfig({ ...listening, PORT_CLIENT_ID: 'glint', PORT_CLIENT_SECRET: 'from-env' }, ['catalog']).http.catalogHost).toBe('0.0.0.0');
  });

  it('keeps Redis in append-only mode, so an accepted webhook survives a restart', () => {
    const command = compose.services['redis'].command?.join(' ');

    expect(command).toContain('--appendonly yes');
    expect(command).toContain('--appendfsync everysec');
    expect(compose.services['redis'].volumes).toEqual(['redis-data:/data']);
  });

  it('runs Kafka in KRaft mode, without ZooKeeper', () => {
    const environment = compose.services['kafka'].environment ?? {};

    expect(environment['KAFKA_PROCESS_ROLES']).toBe('broker,controller');
    expect(Object.keys(compose.services).filter((name) => /zookeeper/i.test(name))).toEqual([]);
    expect(compose.services['actions'].depends_on?.['kafka']).toEqual({ condition: 'service_healthy' });
  });

  it('keeps the GitHub simulator behind the simulator profile, wired to the gateway and to GITHUB_TOKEN', () => {
    const simulator = compose.services['simulator'];
    const [mount] = simulator.volumes ?? [];

    expect(simulator.profiles).toEqual(['simulator']);
    expect(simulator.image).toBe(compose.services['gateway'].image);
    expect(simulator.environment).toMatchObject({
      GITHUB_SIM_PUBLIC_URL: 'http://simulator:3010',
      GITHUB_SIM_TOKEN: '${GITHUB_TOKEN:-}',
      GITHUB_SIM_WEBHOOK_URL: `http://gateway:${DEFAULT_PORTS.gateway}/webhook`,
      GITHUB_SIM_WEBHOOK_SECRET: '${WEBHOOK_SECRET:-}',
    });
    expect(existsSync(join(REPOSITORY_ROOT, mount.split(':')[0]))).toBe(true);
    expect(Object.entries(compose.services).filter(([, service]) => service.profiles).map(([name]) => name)).toEqual(['simulator']);
  });
});

describe('.env.example', () => {
  it.each(ENV_CONTRACT.map((variable) => [variable.name, variable] as const))('lists %s', (name) => {
    expect(exampleEntries.map((entry) => entry.name)).toContain(name);
  });

  it('sets each active variable to its documented default, or leaves it empty', () => {
    const wrong = exampleEntries.flatMap((entry) => {
      const variable = ENV_CONTRACT.find((candidate) => candidate.name === entry.name);
      if (!entry.active || !variable || !('defaultValue' in variable) || entry.value === '') return [];
      return /^[\w:/.@-]+$/.test(variable.defaultValue) && entry.value !== variable.defaultValue ? [`${entry.name}=${entry.value}`] : [];
    });

    expect(wrong).toEqual([]);
  });

  it('holds no secret value but the placeholder webhook secret', () => {
    const sensitive: string[] = ENV_CONTRACT.filter((variable) => 'sensitive' in variable && variable.sensitive).map((variable) => variable.name);
    const filled = exampleEntries.filter((entry) => entry.active && sensitive.includes(entry.name) && entry.value !== '');

    expect(filled.map((entry) => `${entry.name}=${entry.value}`)).toEqual(['WEBHOOK_SECRET=change-me']);
  });

  it('names only contract variables and the settings docker-compose.yml reads', () => {
    const unknown = exampleEntries.filter((entry) => !CONTRACT_NAMES.includes(entry.name) && !interpolated.includes(entry.name));

    expect(unknown).toEqual([]);
  });

  it('documents every variable docker-compose.yml reads', () => {
    expect(interpolated.filter((name) => !exampleEntries.some((entry) => entry.name === name))).toEqual([]);
  });
});
