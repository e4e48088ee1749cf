import { actorLogin, bodyObject, json, missingPermission, notFound, RouteContext, RouteDefinition, RouteResult, validationFailed, visibleRepo } from '../context';
import { isoSeconds } from '../generator';
import { paginate, paginateWrapped } from '../pagination';
import { nodeId } from '../render';
import { CheckAnnotationRecord, CheckRunRecord, RepoRecord } from '../state';
import { JsonObject } from '../templates';
import { appObject } from './app';

const STATUSES = ['queued', 'in_progress', 'completed'] as const;
const CONCLUSIONS = ['success', 'failure', 'neutral', 'cancelled', 'skipped', 'timed_out', 'action_required'] as const;
const ANNOTATION_LEVELS = ['notice', 'warning', 'failure'] as const;
/** GitHub takes at most this many annotations per create or update request; more need further updates. */
const MAX_ANNOTATIONS_PER_REQUEST = 50;

function renderCheckRun(ctx: RouteContext, repo: RepoRecord, run: CheckRunRecord): JsonObject {
  const url = `${ctx.render.apiBase}/repos/${repo.fullName}/check-runs/${run.id}`;
  return {
    id: run.id,
    head_sha: run.headSha,
    node_id: nodeId('CheckRun', run.id),
    external_id: run.externalId,
    url,
    html_url: `${ctx.render.webBase}/${repo.fullName}/runs/${run.id}`,
    details_url: run.detailsUrl,
    status: run.status,
    conclusion: run.conclusion,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    output: { ...run.output, annotations_count: run.annotations.length, annotations_url: `${url}/annotations` },
    name: run.name,
    // The simulator has no check suites of its own: one per head commit, its id derived from the commit.
    check_suite: { id: Number.parseInt(run.headSha.slice(0, 8), 16) || 1 },
    app: appObject(ctx),
    pull_requests: [],
  };
}

/** Applies `status`, `conclusion`, `output` and friends; a message when the body is invalid. */
function applyBody(ctx: RouteContext, run: CheckRunRecord, body: Record<string, unknown>): string | undefined {
  const now = isoSeconds(ctx.clock.now());
  if (body.status !== undefined && !STATUSES.includes(body.status as (typeof STATUSES)[number])) return `Invalid request.\n\n${JSON.stringify(body.status)} is not a member of ["queued", "in_progress", "completed"].`;
  if (body.conclusion !== undefined && !CONCLUSIONS.includes(body.conclusion as (typeof CONCLUSIONS)[number])) return `Invalid request.\n\n${JSON.stringify(body.conclusion)} is not a valid conclusion.`;
  if (body.status === 'completed' && body.conclusion === undefined && run.conclusion === null) return 'Invalid request.\n\n"conclusion" wasn\'t supplied.';
  if (typeof body.name === 'string') run.name = body.name;
  if (typeof body.external_id === 'string') run.externalId = body.external_id;
  if (typeof body.details_url === 'string') run.detailsUrl = body.details_url;
  if (typeof body.started_at === 'string') run.startedAt = body.started_at;
  if (body.status !== undefined) run.status = body.status as CheckRunRecord['status'];
  if (body.conclusion !== undefined) {
    run.conclusion = body.conclusion as CheckRunRecord['conclusion'];
    run.status = 'completed';
  }
  if (run.status === 'completed') run.completedAt = typeof body.completed_at === 'string' ? body.completed_at : (run.completedAt ?? now);
  const output = body.output !== null && typeof body.output === 'object' ? (body.output as Record<string, unknown>) : undefined;
  if (output) {
    if (typeof output.title !== 'string') return 'Invalid request.\n\n"title" wasn\'t supplied.';
    if (typeof output.summary !== 'string') return 'Invalid request.\n\n"summary" wasn\'t supplied.';
    const annotations = readAnnotations(output.annotations);
    if (typeof annotations === 'string') return annotations;
    run.output = { title: output.title, summary: output.summary, text: typeof output.text === 'string' ? output.text : run.output.text };
    run.annotations.push(...annotations);
  }
  return undefined;
}

/** `output.annotations` of a request: the records to append, or GitHub's message for an invalid list. */
function readAnnotations(raw: unknown): CheckAnnotationRecord[] | string {
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) return 'Invalid request.\n\nFor \'properties/annotations\', it is not an array.';
  if (raw.length > MAX_ANNOTATIONS_PER_REQUEST) return `Invalid request.\n\nFor 'properties/annotations', ${raw.length} items are more than the maximum of ${MAX_ANNOTATIONS_PER_REQUEST}.`;
  const records: CheckAnnotationRecord[] = [];
  for (const item of raw as unknown[]) {
    const annotation = item !== null && typeof item === 'object' ? (item as Record<string, unknown>) : {};
    for (const key of ['path', 'start_line', 'end_line', 'annotation_level', 'message']) {
      if (annotation[key] === undefined) return `Invalid request.\n\n"${key}" wasn't supplied.`;
    }
    const { path, start_line: startLine, end_line: endLine, annotation_level: level, message } = annotation;
    if (typeof path !== 'string' || path === '') return 'Invalid request.\n\nFor \'items\', "path" is not a non-empty string.';
    if (!Number.isInteger(startLine) || (startLine as number) < 1 || !Number.isInteger(endLine) || (endLine as number) < (startLine as number)) {
      return 'Invalid request.\n\n"start_line" and "end_line" must be line numbers (from 1), "end_line" not before "start_line".';
    }
    if (!ANNOTATION_LEVELS.includes(level as (typeof ANNOTATION_LEVELS)[number])) return `Invalid request.\n\n${JSON.stringify(level)} is not a member of ["notice", "warning", "failure"].`;
    if (typeof message !== 'string') return 'Invalid request.\n\nFor \'items\', "message" is not a string.';
    const column = (value: unknown): number | null => (Number.isInteger(value) ? (value as number) : null);
    if ((column(annotation.start_column) !== null || column(annotation.end_column) !== null) && startLine !== endLine) {
      return 'Invalid request.\n\n"start_column" and "end_column" are only allowed when "start_line" equals "end_line".';
    }
    records.push({
      path,
      startLine: startLine as number,
      endLine: endLine as number,
      startColumn: column(annotation.start_column),
      endColumn: column(annotation.end_column),
      level: level as CheckAnnotationRecord['level'],
      message,
      title: typeof annotation.title === 'string' ? annotation.title : null,
      rawDetails: typeof annotation.raw_details === 'string' ? annotation.raw_details : null,
    });
  }
  return records;
}

function renderAnnotation(ctx: RouteContext, repo: RepoRecord, run: CheckRunRecord, annotation: CheckAnnotationRecord): JsonObject {
  return {
    path: annotation.path,
    blob_href: `${ctx.render.webBase}/${repo.fullName}/blob/${run.headSha}/${annotation.path}`,
    start_line: annotation.startLine,
    end_line: annotation.endLine,
    start_column: annotation.startColumn,
    end_column: annotation.endColumn,
    annotation_level: annotation.level,
    title: annotation.title,
    message: annotation.message,
    raw_details: annotation.rawDetails,
  };
}

function send(ctx: RouteContext, repo: RepoRecord, run: CheckRunRecord, action: 'created' | 'completed'): void {
  ctx.events.repo('check_run', repo, actorLogin(ctx), () => ({ action, check_run: renderCheckRun(ctx, repo, run) }));
}

function create(ctx: RouteContext): RouteResult {
  const repo = visibleRepo(ctx);
  if (!repo) return notFound();
  const denied = missingPermission(ctx, 'checks', 'write');
  if (denied) return denied;
  const body = bodyObject(ctx);
  if (typeof body.name !== 'string' || body.name === '') return validationFailed('Invalid request.\n\n"name" wasn\'t supplied.');
  if (typeof body.head_sha !== 'string' || !/^[0-9a-f]{40}$/i.test(body.head_sha)) return validationFailed('Invalid request.\n\n"head_sha" wasn\'t supplied.');
  const run: CheckRunRecord = { id: ctx.state.nextId(), name: body.name, headSha: body.head_sha.toLowerCase(), status: 'queued', conclusion: null, externalId: '', detailsUrl: null, startedAt: isoSeconds(ctx.clock.now()), completedAt: null, output: { title: null, summary: null, text: null }, annotations: [] };
  const problem = applyBody(ctx, run, body);
  if (problem) return validationFailed(problem);
  ctx.state.repoData(repo).checkRuns.push(run);
  send(ctx, repo, run, 'created');
  if (run.status === 'completed') send(ctx, repo, run, 'completed');
  return json(renderCheckRun(ctx, repo, run), 201);
}

function findRun(ctx: RouteContext): { repo: RepoRecord; run: CheckRunRecord } | undefined {
  const repo = visibleRepo(ctx);
  const run = repo && ctx.state.repoData(repo).checkRuns.find((candidate) => String(candidate.id) === ctx.params.id);
  return repo && run ? { repo, run } : undefined;
}

export const checkRunRoutes: RouteDefinition[] = [
  { method: 'POST', pattern: '/repos/{owner}/{repo}/check-runs', auth: 'token', handler: create },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/check-runs/{id}',
    auth: 'token',
    handler: (ctx) => {
      const found = findRun(ctx);
      if (!found) return notFound();
      return missingPermission(ctx, 'checks', 'read') ?? json(renderCheckRun(ctx, found.repo, found.run));
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/check-runs/{id}/annotations',
    auth: 'token',
    handler: (ctx) => {
      const found = findRun(ctx);
      if (!found) return notFound();
      return missingPermission(ctx, 'checks', 'read') ?? paginate(ctx, found.run.annotations, (annotation) => renderAnnotation(ctx, found.repo, found.run, annotation));
    },
  },
  {
    method: 'PATCH',
    pattern: '/repos/{owner}/{repo}/check-runs/{id}',
    auth: 'token',
    handler: (ctx) => {
      const found = findRun(ctx);
      if (!found) return notFound();
      const denied = missingPermission(ctx, 'checks', 'write');
      if (denied) return denied;
      const draft: CheckRunRecord = { ...found.run, output: { ...found.run.output }, annotations: [...found.run.annotations] };
      const wasCompleted = found.run.status === 'completed';
      const problem = applyBody(ctx, draft, bodyObject(ctx));
      if (problem) return validationFailed(problem);
      Object.assign(found.run, draft);
      if (!wasCompleted && found.run.status === 'completed') send(ctx, found.repo, found.run, 'completed');
      return json(renderCheckRun(ctx, found.repo, found.run));
    },
  },
  {
    method: 'GET',
    pattern: '/repos/{owner}/{repo}/commits/{ref}/check-runs',
    auth: 'token',
    handler: (ctx) => {
      const repo = visibleRepo(ctx);
      if (!repo) return notFound();
      const denied = missingPermission(ctx, 'checks', 'read');
      if (denied) return denied;
      const data = ctx.state.repoData(repo);
      const ref = ctx.params.ref.replace(/^refs\/(heads|tags)\//, '');
      const sha = data.branches.find((branch) => branch.name === ref)?.sha ?? data.tags.find((tag) => tag.name === ref)?.sha ?? ref.toLowerCase();
      const name = ctx.query.get('check_name');
      const status = ctx.query.get('status');
      const matching = data.checkRuns.filter((run) => run.headSha === sha && (name === null || run.name === name) && (status === null || run.status === status)).reverse();
      const runs = ctx.query.get('filter') === 'all' ? matching : matching.filter((run, i) => matching.findIndex((candidate) => candidate.name === run.name) === i);
      return paginateWrapped(ctx, 'check_runs', runs, (run) => renderCheckRun(ctx, repo, run));
    },
  },
];
