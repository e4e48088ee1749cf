import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const REPOSITORY_ROOT = join(__dirname, '../..');

export interface DockerInstruction {
  /** Upper-case, e.g. `FROM`, `ENTRYPOINT`. */
  instruction: string;
  /** The rest of the instruction, continuation lines joined. */
  args: string;
  /** Index of the build stage (`FROM`) it belongs to. */
  stage: number;
}

/** The instructions of a Dockerfile, with `\` continuations joined and comments dropped. */
export function parseDockerfile(text: string): DockerInstruction[] {
  const instructions: DockerInstruction[] = [];
  let pending = '';
  let stage = -1;
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (pending === '' && (trimmed === '' || trimmed.startsWith('#'))) continue;
    if (trimmed.startsWith('#')) continue;
    if (trimmed.endsWith('\\')) {
      pending += `${trimmed.slice(0, -1).trim()} `;
      continue;
    }
    const whole = `${pending}${trimmed}`.trim();
    pending = '';
    const match = /^(\S+)\s*(.*)$/s.exec(whole);
    if (!match) continue;
    const instruction = match[1].toUpperCase();
    if (instruction === 'FROM') stage += 1;
    instructions.push({ instruction, args: match[2], stage });
  }
  return instructions;
}

export function readDockerfile(): DockerInstruction[] {
  return parseDockerfile(readFileSync(join(REPOSITORY_ROOT, 'Dockerfile'), 'utf8'));
}

/** The instructions of the last stage: what the image is. */
export function finalStage(instructions: readonly DockerInstruction[]): DockerInstruction[] {
  const last = Math.max(...instructions.map((instruction) => instruction.stage));
  return instructions.filter((instruction) => instruction.stage === last);
}

/** The exec-form (JSON array) argument of the stage's last `name` instruction; `HEALTHCHECK … CMD [...]` too. */
export function execForm(stage: readonly DockerInstruction[], name: string): string[] {
  const found = stage.filter((instruction) => instruction.instruction === name).at(-1);
  if (!found) throw new Error(`the Dockerfile's final stage has no ${name}`);
  const json = name === 'HEALTHCHECK' ? found.args.slice(found.args.indexOf('CMD ') + 4) : found.args;
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed) || !parsed.every((part) => typeof part === 'string')) throw new Error(`${name} is not in exec form: ${found.args}`);
  return parsed;
}
