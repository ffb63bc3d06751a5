// What an attack costs the server's disk: the size of SQLite's write-ahead log (chat.db-wal in the
// data folder) before, at its largest during, and after the attack, and how many bytes the server
// wrote to disk meanwhile. Only for a server this tool started (--url: its folder is unknown).
import { kb } from './format.js';
import { diskWritesOf } from './memory.js';
import type { Target } from './target.js';

/** How often the log's size is looked at. */
const SAMPLE_MS = 20;

export class DiskWatch {
  private readonly before: number | undefined;
  private peak: number;
  private readonly writesBefore: number | undefined;
  private readonly timer: NodeJS.Timeout;

  constructor(private readonly target: Target) {
    this.before = target.walBytes();
    this.peak = this.before ?? 0;
    this.writesBefore = diskWritesOf(target.pid);
    this.timer = setInterval(() => this.sample(), SAMPLE_MS);
  }

  private sample(): void {
    this.peak = Math.max(this.peak, this.target.walBytes() ?? 0);
  }

  /** Stops watching; what it saw, for the table (the log's size now is the "after"). */
  stop(): string {
    clearInterval(this.timer);
    this.sample();
    const after = this.target.walBytes();
    if (this.before === undefined || after === undefined) return 'WAL size n/a (not our server)';
    const writesAfter = diskWritesOf(this.target.pid);
    const written = this.writesBefore !== undefined && writesAfter !== undefined ? `; server wrote ${kb(writesAfter - this.writesBefore)} to disk` : '';
    return `WAL ${kb(this.before)} before, ${kb(this.peak)} at most, ${kb(after)} after${written}`;
  }
}
