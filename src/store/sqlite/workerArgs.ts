// The flags a worker thread of the SQLite store starts with: none. Its code is a CommonJS string
// that loads better-sqlite3 by absolute path, so it needs none of the process's flags, and many
// refuse it: a Worker given V8 or per-process flags (`node --max-old-space-size=512 dist/main.js`,
// the profilers' `--cpu-prof` and `--perf-basic-prof` in BENCH_NODE_OPTIONS) fails to start
// (ERR_WORKER_INVALID_EXEC_ARGV), and `--input-type=module` would apply to its CommonJS source.
// V8's flags are the process's anyway: the workers run under them all the same.
export const workerExecArgv = (): string[] => [];
