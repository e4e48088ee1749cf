// A worker thread that runs jq programs with jq-wasm. It only executes what it is sent; the pool
// (jq-worker-pool.ts) owns timeouts, and terminates this thread when a program runs too long: a
// synchronous wasm call cannot be interrupted from inside.
const { parentPort } = require('node:worker_threads');
const { loadJq } = require('jq-wasm');

const ready = loadJq();

parentPort.on('message', (task) => {
  ready
    .then((jq) => {
      const result = jq.raw(task.input, task.program, task.flags);
      parentPort.postMessage({ id: task.id, stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode });
    })
    .catch((error) => {
      parentPort.postMessage({ id: task.id, stdout: '', stderr: String((error && error.message) || error), exitCode: -1 });
    });
});
