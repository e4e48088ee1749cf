import { isServiceName, SERVICE_NAMES, ServiceName } from '@glint/config';

export const USAGE = `usage: glint <${[...SERVICE_NAMES, 'all'].join('|')}> [more services…] | glint validate <file…> | glint dlq <list|replay|drop> [options]`;

export type ParsedCommandLine = { ok: true; services: ServiceName[] } | { ok: false; message: string };

/** `glint all`, `glint gateway`, or several names: `glint mapper publisher`. */
export function parseCommandLine(args: readonly string[]): ParsedCommandLine {
  if (args.length === 0) return { ok: false, message: `no service named\n${USAGE}` };
  if (args.includes('all')) return { ok: true, services: [...SERVICE_NAMES] };
  const unknown = args.filter((arg) => !isServiceName(arg));
  if (unknown.length > 0) return { ok: false, message: `unknown service ${unknown.map((name) => JSON.stringify(name)).join(', ')}\n${USAGE}` };
  return { ok: true, services: SERVICE_NAMES.filter((name) => args.includes(name)) };
}
