export const RESYNC_USAGE = `usage: glint resync <installation>… [--reason <text>] | glint resync --all [--reason <text>]

Requests a resync through the mapper's resync queue in Redis, as the schedule and the mapping changes do; a
running mapper picks it up. An installation already due or running is not queued twice.
  <installation>  an installation id (glint status lists them) or the account login, e.g. acme
  --all           every installation of the app; the mapper lists them from GitHub
  --reason        why, shown in glint status and the mapper's log (default: requested from the command line)
Reads REDIS_URL, and the GitHub settings (GITHUB_APP_ID and GITHUB_PRIVATE_KEY, or GITHUB_TOKEN) to find a named
installation. Exit 1 on an installation the app does not have or Redis unreachable, 2 on a bad command line.`;

export const DEFAULT_RESYNC_REASON = 'requested from the command line';

export type ResyncTarget = { all: true } | { all: false; installations: string[] };

export interface ResyncRequest {
  target: ResyncTarget;
  reason: string;
}

export type ParsedResyncCommand = { ok: true; value: ResyncRequest } | { ok: false; message: string };

/** `glint resync acme 4242 --reason "mapping fixed"` or `glint resync --all`. */
export function parseResyncCommandLine(args: readonly string[]): ParsedResyncCommand {
  const fail = (message: string): ParsedResyncCommand => ({ ok: false, message: `${message}\n${RESYNC_USAGE}` });
  const installations: string[] = [];
  let all = false;
  let reason: string | undefined;
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    if (arg === '--all') {
      all = true;
    } else if (arg === '--reason' || arg.startsWith('--reason=')) {
      const value = arg === '--reason' ? args[++index] : arg.slice('--reason='.length);
      if (value === undefined || value.trim() === '' || (arg === '--reason' && value.startsWith('--'))) return fail('--reason needs a text');
      if (reason !== undefined) return fail('--reason is given twice');
      reason = value.trim();
    } else if (arg.startsWith('-')) {
      return fail(`unknown option ${JSON.stringify(arg)}`);
    } else {
      installations.push(arg);
    }
  }
  if (all && installations.length > 0) return fail(`--all cannot be combined with an installation (${installations.join(', ')})`);
  if (!all && installations.length === 0) return fail('name an installation (its id or account login) or pass --all');
  return { ok: true, value: { target: all ? { all: true } : { all: false, installations: [...new Set(installations)] }, reason: reason ?? DEFAULT_RESYNC_REASON } };
}
