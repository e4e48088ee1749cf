import { annotationBatches, annotationsFor, CheckedFile, checkRunOutput } from './check-run-output';

const file = (path: string, problems: Array<{ path: string; message: string; line?: number }>, found = true): CheckedFile => ({
  path,
  kind: path.endsWith('port-app-config.yml') ? 'port-app-config' : 'port.yml',
  found,
  problems: problems.map((problem) => ({ ...problem, file: path })),
});

describe('annotationBatches', () => {
  it('splits annotations into requests of at most 50, keeping their order', () => {
    const batches = annotationBatches(Array.from({ length: 120 }, (_, index) => index));

    expect(batches.map((batch) => batch.length)).toEqual([50, 50, 20]);
    expect(batches.flat()).toEqual(Array.from({ length: 120 }, (_, index) => index));
  });

  it('gives one empty batch when there is nothing to annotate, for the completing update', () => {
    expect(annotationBatches([])).toEqual([[]]);
  });

  it('keeps exactly 50 in one batch', () => {
    expect(annotationBatches(Array.from({ length: 50 }, () => 'a')).map((batch) => batch.length)).toEqual([50]);
  });
});

describe('annotationsFor', () => {
  it('annotates each problem on its line as a failure saying `path: cause`, line 1 when unknown', () => {
    const files = [file('.github/port-app-config.yml', [{ path: 'resources[0].kind', message: 'unknown kind', line: 3 }]), file('port.yml', [{ path: '', message: 'YAML syntax error: x' }])];

    expect(annotationsFor(files)).toEqual([
      { path: '.github/port-app-config.yml', start_line: 3, end_line: 3, annotation_level: 'failure', title: 'Invalid port-app-config.yml', message: 'resources[0].kind: unknown kind' },
      { path: 'port.yml', start_line: 1, end_line: 1, annotation_level: 'failure', title: 'Invalid port.yml', message: 'YAML syntax error: x' },
    ]);
  });
});

describe('checkRunOutput', () => {
  it('says how many files were checked and that they are valid', () => {
    expect(checkRunOutput([file('port.yml', [])])).toEqual({ title: 'Config files are valid', summary: 'Checked 1 file: no problems.\n\n- `port.yml` (port.yml): valid' });
  });

  it('counts problems per file, lists files gone at the head, and adds notes', () => {
    const output = checkRunOutput([file('a/port.yml', [{ path: 'identifier', message: 'bad' }, { path: 'blueprint', message: 'unknown' }]), file('b/port.yml', []), file('c/port.yml', [], false)], ['A note.']);

    expect(output.title).toBe('2 problems in 1 config file');
    expect(output.summary).toBe(
      'Checked 2 files: 2 problems in 1 file.\n\n- `a/port.yml` (port.yml): 2 problems\n- `b/port.yml` (port.yml): valid\n- `c/port.yml` (port.yml): not found at the head commit, not checked\n\nA note.',
    );
  });
});
