// Caps on open connections for the whole site. Each process keeps its own open counts in a hash of
// its own (`<prefix>limit:open:<tag>`, field `<cap>:<key>` → count), and its tag in a sorted set of
// processes (`<prefix>limit:procs`) scored by when it stops counting. An admit adds up the field
// over every process still counting; the process says its whole hash again every third of TTL_MS
// (10 s; redisCounters.ts), which keeps it alive and mends any drift. So a process that dies without
// a word (kill -9, a lost machine) holds its connections for at most TTL_MS (30 s) after it last said them.
// The process's own counts are kept here too: they are what it counts alone while Redis is away.
import { UNCOUNTED, type Admitted, type ConnectionCap } from './counters.js';
import { ADMIT, RELEASE, RESTATE, type Script } from './redisScripts.js';

export interface RedisCapsOptions {
  /** `<prefix>limit:` */
  keyPrefix: string;
  /** This process among the others. */
  tag: string;
  ttlMs: number;
  /** Runs a script on Redis; rejects when Redis cannot answer. */
  run(script: Script, keys: readonly string[], args: readonly string[]): Promise<unknown>;
}

export class RedisCaps {
  /** Field → connections open here: counted when asked for, uncounted when refused or closed. */
  private readonly open = new Map<string, number>();
  private readonly procs: string;
  private readonly own: string;
  private readonly hashPrefix: string;

  constructor(private readonly options: RedisCapsOptions) {
    this.procs = `${options.keyPrefix}procs`;
    this.hashPrefix = `${options.keyPrefix}open:`;
    this.own = `${this.hashPrefix}${options.tag}`;
  }

  /** A cap named `name`, asked in Redis while `shared()` says so, else counted here alone. */
  cap(name: string, max: number, shared: () => boolean): ConnectionCap {
    return { max, admit: (key) => this.admit(`${name}:${key}`, max, shared()) };
  }

  /** This process's whole hash, said again (a probe of Redis, too: rejects when it cannot answer). */
  async restate(): Promise<void> {
    const pairs = [...this.open].flatMap(([field, count]) => [field, String(count)]);
    await this.options.run(RESTATE, [this.procs, this.own], [this.options.tag, String(this.options.ttlMs), ...pairs]);
  }

  /** This process holds nothing open any more (a clean stop). */
  async forget(): Promise<void> {
    await this.options.run(RESTATE, [this.procs, this.own], [this.options.tag, String(this.options.ttlMs)]);
  }

  private async admit(field: string, max: number, shared: boolean): Promise<Admitted | undefined> {
    if (max === 0) return UNCOUNTED;
    // Counted here before Redis answers, so that a restate sent meanwhile includes it.
    const before = this.count(field, +1);
    let admitted: boolean;
    if (!shared) {
      admitted = before < max;
    } else {
      try {
        admitted = (await this.options.run(ADMIT, [this.procs, this.own], [this.options.tag, field, String(max), String(this.options.ttlMs), this.hashPrefix])) === 1;
      } catch {
        // Redis away: this process's own count decides, as it would alone.
        admitted = before < max;
      }
    }
    if (!admitted) {
      this.count(field, -1);
      return undefined;
    }
    let released = false;
    return {
      release: () => {
        if (released) return;
        released = true;
        this.count(field, -1);
        // A release Redis does not hear is mended by the next restate.
        this.options.run(RELEASE, [this.own], [field]).catch(() => {});
      },
    };
  }

  /** Adds `delta` to a field's count here; returns the count before. */
  private count(field: string, delta: number): number {
    const before = this.open.get(field) ?? 0;
    const after = before + delta;
    if (after > 0) this.open.set(field, after);
    else this.open.delete(field);
    return before;
  }
}
