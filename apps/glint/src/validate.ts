import { readFileSync } from 'node:fs';
import { ConfigFileKind, ConfigProblem, JqEngine, validateConfigFile } from '@glint/mapping';

export interface ValidationReport {
  file: string;
  kind: ConfigFileKind;
  problems: ConfigProblem[];
  /** Accepted but ignored (unknown keys): printed, never a failure. */
  warnings: ConfigProblem[];
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
        reports.push({ file, kind: 'port.yml', problems: [{ path: '', message: `cannot read the file: ${error instanceof Error ? error.message : String(error)}` }], warnings: [] });
        continue;
      }
      const { kind, problems, warnings } = await validateConfigFile(file, text, jq);
      reports.push({ file, kind, problems, warnings });
    }
    return reports;
  } finally {
    await jq.close();
  }
}

export function formatReport(report: ValidationReport): string {
  const line = (label: string, problem: ConfigProblem) => `${label} ${report.file}${problem.line ? `:${problem.line}` : ''}: ${problem.path ? `${problem.path}: ` : ''}${problem.message}`;
  const warnings = report.warnings.map((warning) => line('warning', warning));
  const verdict = report.problems.length === 0 ? [`ok      ${report.file} (${report.kind}${warnings.length ? `, ${warnings.length} warning${warnings.length === 1 ? '' : 's'}` : ''})`] : report.problems.map((problem) => line('invalid', problem));
  return [...warnings, ...verdict].join('\n');
}
