import { basename } from 'node:path';
import type { ConfigProblem, PortAppConfig } from '../config/app-config.types';
import { parseAppConfig } from '../config/parse-app-config';
import { identifierProblem } from '../entities/identifier-rules';
import { GitopsEntity, parsePortYml } from '../gitops/port-yml';
import type { JqEngine } from '../jq/jq-engine';
import { isObject, readYaml, YamlSource } from '../yaml-source';

export type ConfigFileKind = 'port-app-config' | 'port.yml';

/** A blueprint a file names literally, so the catalog can be asked whether it exists. */
export interface BlueprintReference {
  blueprint: string;
  /** Where in the file, e.g. `[1].blueprint` or `resources[0].port.entity.mappings.blueprint`. */
  path: string;
  line?: number;
}

export interface ConfigFileValidation {
  kind: ConfigFileKind;
  /** Syntax, structure, jq compile errors and identifier rules, each with its path and (when known) line. */
  problems: ConfigProblem[];
  /** What is accepted but ignored (a mapping's unknown keys), each with its path and line. */
  warnings: ConfigProblem[];
  /**
   * The blueprints a port.yml's entities belong to, and those a mapping names as a jq string literal
   * (`blueprint: '"service"'`); empty when the file could not be read that far.
   */
  blueprints: BlueprintReference[];
}

/**
 * What a file is when nothing else says: a mapping when named port-app-config* or when it has top-level
 * `resources`, a GitOps port.yml otherwise.
 */
export function configFileKind(path: string, text: string): ConfigFileKind {
  if (basename(path).startsWith('port-app-config')) return 'port-app-config';
  const source = readYaml(text);
  return source.problems.length === 0 && isObject(source.value) && 'resources' in source.value ? 'port-app-config' : 'port.yml';
}

/**
 * The checks a file gets before anything uses it (the pull-request check run, `glint validate`): everything that
 * needs no catalog. Blueprint existence needs one, so the blueprints the file names are returned for the caller.
 */
export async function validateConfigFile(path: string, text: string, jq: Pick<JqEngine, 'check'>, kind: ConfigFileKind = configFileKind(path, text)): Promise<ConfigFileValidation> {
  if (kind === 'port-app-config') {
    const parsed = await parseAppConfig(text, jq);
    return parsed.ok
      ? { kind, problems: [], warnings: parsed.warnings, blueprints: mappingBlueprints(parsed.config, readYaml(text)) }
      : { kind, problems: parsed.problems, warnings: parsed.warnings, blueprints: [] };
  }
  const parsed = parsePortYml(text);
  if (!parsed.ok) return { kind, problems: parsed.problems, warnings: [], blueprints: [] };
  const source = readYaml(text);
  const several = Array.isArray(source.value);
  const problems: ConfigProblem[] = [];
  const blueprints: BlueprintReference[] = [];
  parsed.entities.forEach((entity: GitopsEntity, index) => {
    const at = (key: string) => ({ path: several ? `[${index}].${key}` : key, line: source.lineOf(several ? [index, key] : [key]) });
    const identifier = identifierProblem(entity.identifier);
    if (identifier) problems.push({ ...at('identifier'), message: identifier });
    blueprints.push({ blueprint: entity.blueprint, ...at('blueprint') });
  });
  return { kind, problems, warnings: [], blueprints };
}

function mappingBlueprints(config: PortAppConfig, source: YamlSource): BlueprintReference[] {
  return config.resources.flatMap((resource, index) => {
    const blueprint = jqStringLiteral(resource.port.entity.mappings.blueprint);
    if (blueprint === undefined) return [];
    return [{ blueprint, path: `resources[${index}].port.entity.mappings.blueprint`, line: source.lineOf(['resources', index, 'port', 'entity', 'mappings', 'blueprint']) }];
  });
}

/** The string a jq program is when it is nothing but a string literal (`"service"`), else undefined. */
export function jqStringLiteral(program: string): string | undefined {
  const trimmed = program.trim();
  // `\(` is jq's interpolation, which JSON.parse rejects: such a program is no literal.
  if (!/^"(?:[^"\\]|\\.)*"$/.test(trimmed)) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    return typeof value === 'string' ? value : undefined;
  } catch {
    return undefined;
  }
}
