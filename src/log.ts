export type Log = (event: string, fields?: Record<string, unknown>) => void;

/** One JSON line per event on stderr, easy to grep and to ship; silent when quiet. */
export function createLog(quiet: boolean): Log {
  if (quiet) return () => {};
  return (event, fields = {}) => {
    process.stderr.write(`${JSON.stringify({ time: new Date().toISOString(), event, ...fields })}\n`);
  };
}
