// The flags a worker thread of the SQLite store starts with: the process's own, less those a worker
// refuses or must not take. `--input-type=module` would apply to the workers' CommonJS source; the
// profiling flags (`--cpu-prof`, `--perf-basic-prof`, `--heap-prof`: BENCH_NODE_OPTIONS) are the
// process's alone, and a Worker given them fails to start (ERR_WORKER_INVALID_EXEC_ARGV).
const PROCESS_ONLY = ['--input-type', '--cpu-prof', '--perf-', '--heap-prof', '--prof'];

export const workerExecArgv = (): string[] => process.execArgv.filter((arg) => !PROCESS_ONLY.some((flag) => arg.startsWith(flag)));
