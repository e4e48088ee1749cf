#!/usr/bin/env node
// Run after `npm install` whenever dependencies change.
//
// Native packages (@swc/core, msgpackr-extract, unrs-resolver) list one optional dependency per platform.
// When the registry this lock file was made against does not serve some of those platform packages, npm
// leaves them out of package-lock.json, and `npm ci` then refuses the lock file as out of sync
// (npm/cli#9846). This adds an entry for each missing platform package with its `os`/`cpu`, which is all
// `npm ci` needs to skip it on every other platform; nothing is downloaded for them.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const lockPath = join(dirname(fileURLToPath(import.meta.url)), '..', 'package-lock.json');
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));

const OS = ['darwin', 'linux', 'win32', 'android', 'freebsd', 'openharmony', 'openbsd', 'netbsd', 'sunos', 'aix'];
const CPU = { x64: 'x64', arm64: 'arm64', ia32: 'ia32', arm: 'arm', ppc64: 'ppc64', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64', wasm32: 'wasm32' };

function platformOf(name) {
  const parts = name.split('/').pop().split('-');
  const os = parts.find((part) => OS.includes(part));
  const cpu = parts.map((part) => CPU[part]).find(Boolean);
  return os && cpu ? { os: [os], cpu: [cpu] } : undefined;
}

let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [dependency, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${path ? `${path}/` : ''}node_modules/${dependency}`;
    if (lock.packages[nested] || lock.packages[`node_modules/${dependency}`]) continue;
    const platform = platformOf(dependency);
    if (!platform) {
      console.warn(`left alone: ${dependency} (optional, not in the lock, platform unknown)`);
      continue;
    }
    lock.packages[`node_modules/${dependency}`] = { version: range.replace(/^[\^~=]/, ''), optional: true, ...platform };
    added += 1;
  }
}
lock.packages = Object.fromEntries(Object.entries(lock.packages).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a.localeCompare(b))));
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: ${added} platform package entr${added === 1 ? 'y' : 'ies'} added`);
