// A worker thread that runs jq programs with jq-wasm. It only executes what it is sent; the pool
// (jq-worker-pool.ts) owns timeouts, and terminates this thread when a program runs too long: a
// synchronous wasm call cannot be interrupted from inside.
//
// While a call runs, the thread counts the lines jq has written to stdout (jq runs with --unbuffered, so each
// output line is written as soon as it is complete) and stores the count and the time of the last line in the
// shared `progress` array: when the pool stops a call, it can tell which input the call was on.
const { readFileSync } = require('node:fs');
const { dirname, join } = require('node:path');
const { parentPort, workerData } = require('node:worker_threads');
const { loadJq } = require('jq-wasm');

/** jq-wasm's build caps its wasm heap at 256 MB; jq aborts when it needs more. */
const HEAP_LIMIT_MB = 256;
const NEWLINE = 10;
/** Slots of `workerData.progress`: lines written in the current call, and when the last was (ms since the epoch). */
const LINES = 0;
const LAST_LINE_AT = 1;

const progress = workerData.progress;
const wasm = WebAssembly.compile(readFileSync(join(dirname(require.resolve('jq-wasm')), 'build', 'jq.wasm')));

/** Set when jq asked for more heap than the build allows, in the current call. */
let heapExhausted = false;

// jq-wasm prints "Aborted()" itself when jq aborts; the pool reports the abort as the program's error instead.
const consoleError = console.error.bind(console);
console.error = (...args) => {
  if (typeof args[0] === 'string' && args[0].startsWith('Aborted(')) return;
  consoleError(...args);
};

/** A jq instance whose stdout writes and heap growth this thread sees. */
async function instantiate() {
  const module = await wasm;
  let memory;
  return loadJq({
    instantiateWasm(imports, onSuccess) {
      wrapImport(imports, '_fd_write', (fdWrite) =>
        function countingFdWrite(fd, iovs, iovCount, written) {
          const result = fdWrite(fd, iovs, iovCount, written);
          if (fd === 1) countLines(memory, iovs, iovCount);
          return result;
        },
      );
      wrapImport(imports, '_emscripten_resize_heap', (resizeHeap) =>
        function watchedResizeHeap(requestedSize) {
          const grown = resizeHeap(requestedSize);
          if (!grown) heapExhausted = true;
          return grown;
        },
      );
      // A rejection of the returned promise fails loadJq, and with it every call, with its message.
      return WebAssembly.instantiate(module, imports).then((instance) => {
        memory = Object.values(instance.exports).find((value) => value instanceof WebAssembly.Memory);
        if (!memory) throw new Error('jq-wasm exports no memory; the jq engine needs it to count the lines jq writes');
        onSuccess(instance, module);
      });
    },
  });
}

/** Replaces the import jq-wasm names `name` (its exports are minified, its function names are not). */
function wrapImport(imports, name, wrap) {
  for (const group of Object.values(imports)) {
    for (const [key, value] of Object.entries(group)) {
      if (typeof value === 'function' && value.name === name) {
        group[key] = wrap(value);
        return;
      }
    }
  }
  throw new Error(`jq-wasm has no ${name} import; the jq engine needs it to tell which input a stopped call was on`);
}

function countLines(memory, iovs, iovCount) {
  const words = new Uint32Array(memory.buffer);
  const bytes = new Uint8Array(memory.buffer);
  let lines = 0;
  for (let index = 0; index < iovCount; index += 1) {
    const start = words[(iovs >> 2) + 2 * index];
    const written = bytes.subarray(start, start + words[(iovs >> 2) + 2 * index + 1]);
    for (let at = written.indexOf(NEWLINE); at !== -1; at = written.indexOf(NEWLINE, at + 1)) lines += 1;
  }
  if (lines === 0) return;
  Atomics.add(progress, LINES, BigInt(lines));
  Atomics.store(progress, LAST_LINE_AT, BigInt(Math.round(performance.timeOrigin + performance.now())));
}

let ready = instantiate();

parentPort.on('message', (task) => {
  ready
    .then((jq) => {
      heapExhausted = false;
      try {
        const result = jq.raw(task.input, task.program, [...task.flags, '--unbuffered']);
        parentPort.postMessage({ id: task.id, stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode });
      } catch (error) {
        // jq aborted (out of memory, or a fault of its own): this instance's state is not to be trusted, and its
        // memory stays at its peak, so the next call gets a new one.
        ready = instantiate();
        const reason = heapExhausted
          ? `the jq program ran out of memory (the jq engine's limit is ${HEAP_LIMIT_MB} MB) and was stopped`
          : `jq stopped with an internal error: ${String((error && error.message) || error)}`;
        parentPort.postMessage({ id: task.id, stopped: { reason, memory: heapExhausted, completedLines: Number(Atomics.load(progress, LINES)) } });
      }
    })
    .catch((error) => {
      parentPort.postMessage({ id: task.id, stdout: '', stderr: String((error && error.message) || error), exitCode: -1 });
    });
});
