// Timings taken in a process of their own, apart from the bench's, whose heap after thousands of
// clients pauses it for garbage collection mid-timing (storePages.ts and pageTimes.ts say more).
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs `node <script>` (a file of this folder) with `settings` as JSON in argv[2]; its last line of output, as JSON. */
export async function timedApart<Figures>(script: string, settings: object): Promise<Figures> {
  const file = fileURLToPath(new URL(`./${script}`, import.meta.url));
  const { stdout } = await run(process.execPath, [file, JSON.stringify(settings)], { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Figures;
}
