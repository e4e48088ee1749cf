export const STATUS_USAGE = `usage: glint status [--url <mapper URL>] [--json]

Prints the bridge's state: per installation the last or running resync (state, reason, times, and progress by
kind: pages, objects, entities, filtered, mapping issues, failed repositories), the resyncs waiting, the event
partitions' depth and lag, the publish backlog and the catalog's availability, and the dead letters by queue.
  --url   ask a mapper's GET /status (e.g. http://mapper:3001) instead of reading Redis
  --json  print the state as JSON, as GET /status answers
Reads REDIS_URL and EVENT_PARTITIONS unless --url is given. Exit 0 when nothing needs attention, 1 when a resync
failed, something is dead-lettered or the state cannot be read, 2 on a bad command line.`;

export interface StatusOptions {
  url?: URL;
  json: boolean;
}

export type ParsedStatusCommand = { ok: true; value: StatusOptions } | { ok: false; message: string };

export function parseStatusCommandLine(args: readonly string[]): ParsedStatusCommand {
  const fail = (message: string): ParsedStatusCommand => ({ ok: false, message: `${message}\n${STATUS_USAGE}` });
  const options: StatusOptions = { json: false };
  for (let index = 0; index < args.length; index += 1) {
    const arg = args[index];
    if (arg === '--json') {
      options.json = true;
    } else if (arg === '--url' || arg.startsWith('--url=')) {
      const value = arg === '--url' ? args[++index] : arg.slice('--url='.length);
      if (value === undefined || value === '' || (arg === '--url' && value.startsWith('--'))) return fail('--url needs the mapper\'s address, e.g. http://mapper:3001');
      if (options.url) return fail('--url is given twice');
      const url = URL.canParse(value) ? new URL(value) : undefined;
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return fail(`--url must be an http(s) address such as http://mapper:3001, not ${JSON.stringify(value)}`);
      options.url = url;
    } else {
      return fail(`unknown ${arg.startsWith('-') ? 'option' : 'argument'} ${JSON.stringify(arg)}`);
    }
  }
  return { ok: true, value: options };
}
