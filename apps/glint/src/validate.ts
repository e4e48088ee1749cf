import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { ConfigProblem, JqEngine, parseAppConfig, parsePortYml } from '@glint/mapping';
import { parse as parseYaml } from 'yaml';

export interface ValidationReport {
  file: string;
  kind: 'port-app-config' | 'port.yml';
  problems: ConfigProblem[];
}

/**
 * `glint validate <file…>`: the checks a check run would make, locally. A file with top-level `resources` (or
 * named port-app-config.yml) is a mapping; anything else is a GitOps port.yml.
 */
export async function validateFiles(files: readonly string[]): Promise<ValidationReport[]> {
  const jq = new JqEngine({ workers: 1 });
  try {
    const reports: ValidationReport[] = [];
    for (const file of files) {
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        reports.push({ file, kind: 'port.yml', problems: [{ path: '', message: `cannot read the file: ${error instanceof Error ? error.message : String(error)}` }] });
        continue;
      }
      if (isMapping(file, text)) {
        const parsed = await parseAppConfig(text, jq);
        reports.push({ file, kind: 'port-app-config', problems: parsed.ok ? [] : parsed.problems });
      } else {
        const parsed = parsePortYml(text);
        reports.push({ file, kind: 'port.yml', problems: parsed.ok ? [] : parsed.problems });
      }
    }
    return reports;
  } finally {
    await jq.close();
  }
}

export function formatReport(report: ValidationReport): string {
  if (report.problems.length === 0) return `ok      ${report.file} (${report.kind})`;
  return report.problems.map((problem) => `invalid ${report.file}${problem.line ? `:${problem.line}` : ''}: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`).join('\n');
}

function isMapping(file: string, text: string): boolean {
  if (basename(file).startsWith('port-app-config')) return true;
  try {
    const value: unknown = parseYaml(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) && 'resources' in value;
  } catch {
    return false;
  }
}
