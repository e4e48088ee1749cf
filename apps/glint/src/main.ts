import { Logger } from '@nestjs/common';
import type { RunningService } from '@glint/runtime';
import { runMain } from '@glint/runtime';
import { parseCommandLine } from './command-line';
import { SERVICE_STARTERS } from './services';
import { runDlqCommand } from './dlq/dlq';
import { formatReport, validateFiles } from './validate';

const args = process.argv.slice(2);
if (args[0] === 'validate') void validate(args.slice(1));
else if (args[0] === 'dlq') void dlq(args.slice(1));
else serve(args);

async function dlq(dlqArgs: string[]): Promise<void> {
  const code = await runDlqCommand(dlqArgs, process.env, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
  });
  process.exit(code);
}

async function validate(files: string[]): Promise<void> {
  if (files.length === 0) {
    process.stderr.write('glint: usage: glint validate <port-app-config.yml | port.yml>…\n');
    process.exit(2);
  }
  const reports = await validateFiles(files);
  for (const report of reports) process.stdout.write(`${formatReport(report)}\n`);
  process.exit(reports.some((report) => report.problems.length > 0) ? 1 : 0);
}

function serve(commandLine: string[]): void {
  const parsed = parseCommandLine(commandLine);
  if (!parsed.ok) {
    process.stderr.write(`glint: ${parsed.message}\n`);
    process.exit(2);
  }
  void runMain(parsed.services, async (config) => {
    const running: RunningService[] = [];
    for (const [name, start] of SERVICE_STARTERS) {
      if (parsed.services.includes(name)) running.push(await start(config));
    }
    const logger = new Logger('glint');
    for (const service of running) logger.log(`${service.name.padEnd(9)} ${service.url}  (health: ${service.url}/health)`);
    logger.log(`catalog target: ${config.catalog.url}${config.catalog.target === 'embedded' ? ' (the embedded catalog)' : ''}`);
    if (config.catalog.credentials === 'built-in' && parsed.services.includes('catalog')) {
      logger.warn(`the embedded catalog accepts the built-in local credentials, so it listens on ${config.http.catalogHost} only: set PORT_CLIENT_ID/PORT_CLIENT_SECRET to reach it from elsewhere`);
    }
    logger.log(`ready: ${running.map((service) => service.name).join(', ')}`);
    return running;
  });
}
