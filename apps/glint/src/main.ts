import { Logger } from '@nestjs/common';
import type { RunningService } from '@glint/runtime';
import { runMain } from '@glint/runtime';
import { parseCommandLine } from './command-line';
import { SERVICE_STARTERS } from './services';

const parsed = parseCommandLine(process.argv.slice(2));
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
  if (config.catalog.target === 'embedded' && parsed.services.includes('catalog')) {
    logger.log(`catalog target: the embedded catalog at ${config.catalog.url} (no PORT_CLIENT_ID/PORT_CLIENT_SECRET set)`);
  } else {
    logger.log(`catalog target: ${config.catalog.url}`);
  }
  logger.log(`ready: ${running.map((service) => service.name).join(', ')}`);
  return running;
});
