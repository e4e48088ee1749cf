import type { ConfigFileKind, ConfigProblem } from '@glint/mapping';

/** GitHub takes at most 50 annotations per create or update request; each update appends to the ones before. */
export const MAX_ANNOTATIONS_PER_REQUEST = 50;
/** The summary lists at most this many files (GitHub caps it at 65,535 characters). */
const MAX_LISTED_FILES = 100;

/** A problem in one file of the pull request. */
export interface FileProblem extends ConfigProblem {
  file: string;
}

/** The result for one checked file. */
export interface CheckedFile {
  path: string;
  kind: ConfigFileKind;
  /** False when the file was gone at the head commit by the time it was read (the pull request changed again). */
  found: boolean;
  problems: readonly FileProblem[];
  /** Accepted but ignored (a mapping's unknown keys): warning annotations, which never fail the check. */
  warnings?: readonly FileProblem[];
}

/** An annotation as the Checks API takes it. */
export interface CheckAnnotation {
  path: string;
  start_line: number;
  end_line: number;
  annotation_level: 'failure' | 'warning';
  title: string;
  message: string;
}

export interface CheckRunOutput {
  title: string;
  summary: string;
}

/** One annotation per problem (then per warning), on its line (line 1 when the line is unknown), saying `path: cause`. */
export function annotationsFor(files: readonly CheckedFile[]): CheckAnnotation[] {
  return files.flatMap((file) => {
    const name = file.kind === 'port.yml' ? 'port.yml' : 'port-app-config.yml';
    const annotation = (problem: FileProblem, level: CheckAnnotation['annotation_level'], title: string): CheckAnnotation => ({
      path: file.path,
      start_line: problem.line ?? 1,
      end_line: problem.line ?? 1,
      annotation_level: level,
      title,
      message: problem.path ? `${problem.path}: ${problem.message}` : problem.message,
    });
    return [...file.problems.map((problem) => annotation(problem, 'failure', `Invalid ${name}`)), ...(file.warnings ?? []).map((warning) => annotation(warning, 'warning', `Ignored in ${name}`))];
  });
}

/** Annotations in request-sized batches; always at least one (possibly empty) batch, for the final update. */
export function annotationBatches<T>(annotations: readonly T[], size = MAX_ANNOTATIONS_PER_REQUEST): T[][] {
  const batches: T[][] = [];
  for (let start = 0; start < annotations.length; start += size) batches.push(annotations.slice(start, start + size));
  return batches.length > 0 ? batches : [[]];
}

/** The title and Markdown summary of a finished check: files checked, problems found, per file. */
export function checkRunOutput(files: readonly CheckedFile[], notes: readonly string[] = []): CheckRunOutput {
  const problems = files.reduce((sum, file) => sum + file.problems.length, 0);
  const invalidFiles = files.filter((file) => file.problems.length > 0).length;
  const title = problems === 0 ? 'Config files are valid' : `${count(problems, 'problem')} in ${count(invalidFiles, 'config file')}`;
  const lines = files.slice(0, MAX_LISTED_FILES).map((file) => {
    const state = !file.found ? 'not found at the head commit, not checked' : file.problems.length === 0 ? 'valid' : count(file.problems.length, 'problem');
    return `- \`${file.path}\` (${file.kind}): ${state}`;
  });
  if (files.length > MAX_LISTED_FILES) lines.push(`- … and ${files.length - MAX_LISTED_FILES} more files`);
  const checked = files.filter((file) => file.found).length;
  const headline = problems === 0 ? `Checked ${count(checked, 'file')}: no problems.` : `Checked ${count(checked, 'file')}: ${count(problems, 'problem')} in ${count(invalidFiles, 'file')}.`;
  return { title, summary: [headline, lines.join('\n'), ...notes].join('\n\n') };
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
