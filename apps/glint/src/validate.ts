import { readFileSync } from 'node:fs';
import { ConfigFileKind, ConfigProblem, JqEngine, validateConfigFile } from '@glint/mapping';

export interface ValidationReport {
  file: string;
  kind: ConfigFileKind;
  problems: ConfigProblem[];
}

/**
 * `glint validate <file…>`: the checks a check run makes, locally (without the catalog, so blueprints are not
 * looked up). A file with top-level `resources` (or named port-app-config.yml) is a mapping; anything else is a
 * GitOps port.yml.
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
      const { kind, problems } = await validateConfigFile(file, text, jq);
      reports.push({ file, kind, problems });
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
