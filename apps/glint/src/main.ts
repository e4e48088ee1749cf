import { Logger } from '@nestjs/common';
import type { RunningService } from '@glint/runtime';
import { runMain } from '@glint/runtime';
import type { ServiceName } from '@glint/config';
import { parseGlintCommand } from './command-line';
import type { CommandOutput } from './command-redis';
import { SERVICE_STARTERS } from './services';
import { runDlqCommand } from './dlq/dlq';
import { runResyncCommand } from './resync/resync-command';
import { runStatusCommand } from './status/status-command';
import { formatReport, validateFiles } from './validate';

const output: CommandOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

const parsed = parseGlintCommand(process.argv.slice(2));
if (!parsed.ok) {
  output.err(`glint: ${parsed.message}`);
  process.exit(2);
}
const command = parsed.value;
switch (command.command) {
  case 'help':
    output.out(command.text);
    break;
  case 'serve':
    serve(command.services);
    break;
  case 'validate':
    void validate(command.files);
    break;
  case 'dlq':
    void exitWith(runDlqCommand(command.args, process.env, output));
    break;
  case 'resync':
    void exitWith(runResyncCommand(command.args, process.env, output));
    break;
  case 'status':
    void exitWith(runStatusCommand(command.args, process.env, output));
    break;
}

async function exitWith(code: Promise<number>): Promise<void> {
  process.exit(await code);
}

async function validate(files: string[]): Promise<void> {
  const reports = await validateFiles(files);
  for (const report of reports) output.out(formatReport(report));
  process.exit(reports.some((report) => report.problems.length > 0) ? 1 : 0);
}

function serve(services: ServiceName[]): void {
  void runMain(services, async (config) => {
    const running: RunningService[] = [];
    for (const [name, start] of SERVICE_STARTERS) {
      if (services.includes(name)) running.push(await start(config));
    }
    const logger = new Logger('glint');
    for (const service of running) logger.log(`${service.name.padEnd(9)} ${service.url}  (health: ${service.url}/health)`);
    logger.log(`catalog target: ${config.catalog.url}${config.catalog.target === 'embedded' ? ' (the embedded catalog)' : ''}`);
    if (config.catalog.credentials === 'built-in' && services.includes('catalog')) {
      logger.warn(`the embedded catalog accepts the built-in local credentials, so it listens on ${config.http.catalogHost} only: set PORT_CLIENT_ID/PORT_CLIENT_SECRET to reach it from elsewhere`);
    }
    logger.log(`ready: ${running.map((service) => service.name).join(', ')}`);
    return running;
  });
}
