// The server under attack: one this tool starts (dist/main.js as a child process, which it can
// kill -9 and restart, or stop and start again with other settings) or one already running on
// this machine (--url), and whether it is healthy.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { request } from '../kit/http.js';
import { PRODUCT_MAIN, runningAt, serverEnv, stopChild } from '../kit/server.js';
import { sleep } from '../kit/wait.js';
import { count } from './format.js';
import { pidListeningOn } from './memory.js';

/** Settings a server this tool starts runs with, besides its address and data folder: none means every default. */
export type Settings = Record<string, string>;

export const sameSettings = (a: Settings, b: Settings) =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(a).every(([key, value]) => b[key] === value);

export class Target {
  url: URL;
  wsUrl: string;
  pid: number | undefined;
  child: ChildProcess | undefined;
  /** Set when the server went away without being told to. */
  died: string | undefined;
  /** Log events (`slow_reader_dropped`, …) of the server this tool started. */
  readonly events = new Map<string, number>();
  /** The settings it runs with now (a server this tool started); empty for every default. */
  settings: Settings = {};
  private tail: string[] = [];
  private expectExit = false;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    url: URL,
    readonly own: boolean,
    readonly dataDir: string | undefined,
  ) {
    this.url = url;
    this.wsUrl = `${url.origin.replace(/^http/, 'ws')}/ws/chat`;
  }

  static attach(url: URL): Target {
    const target = new Target(url, false, undefined);
    target.pid = pidListeningOn(Number(url.port || 80));
    return target;
  }

  static async start(): Promise<Target> {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chat-stress-'));
    const target = new Target(new URL('http://127.0.0.1'), true, dataDir);
    await target.spawn(0);
    return target;
  }

  get port(): number {
    return Number(this.url.port);
  }

  get alive(): boolean {
    return this.own ? this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null : this.died === undefined;
  }

  private async spawn(port: number): Promise<void> {
    // Every setting at its default but `settings`: none comes from this tool's own environment.
    const env = serverEnv({ ...this.settings, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: this.dataDir });
    const child = spawn(process.execPath, [PRODUCT_MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.pid = child.pid;
    this.expectExit = false;
    let pending = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      pending += chunk.toString();
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        this.tail = [...this.tail.slice(-20), line];
        try {
          const event = (JSON.parse(line) as { event?: unknown }).event;
          if (typeof event === 'string') count(this.events, event);
        } catch {
          // A plain line ("SIGTERM received…").
        }
      }
    });
    this.exited = new Promise<void>((resolve) =>
      child.once('exit', (code, signal) => {
        if (!this.expectExit) this.died ??= `exited unexpectedly (code ${code}, signal ${signal}): ${this.tail.slice(-5).join(' / ')}`;
        resolve();
      }),
    );
    this.url = new URL(await runningAt(child, 20_000, () => this.tail.join('\n')));
    this.wsUrl = `${this.url.origin.replace(/^http/, 'ws')}/ws/chat`;
  }

  async kill9(): Promise<void> {
    this.expectExit = true;
    this.child?.kill('SIGKILL');
    await this.exited;
  }

  /**
   * Stops it cleanly (SIGTERM), runs `whileStopped` on its data folder (seeding the store), and
   * starts it again on the same port and folder with `settings` (an empty object: every default).
   */
  async restartWith(settings: Settings, whileStopped?: (dataDir: string) => void | Promise<void>): Promise<void> {
    if (!this.own || !this.dataDir) throw new Error('only a server this tool started can be restarted');
    const code = await this.stop();
    if (code !== 0) throw new Error(`the server did not stop cleanly for a restart (exit ${code ?? 'killed'})`);
    await whileStopped?.(this.dataDir);
    this.settings = { ...settings };
    await this.restart();
  }

  /** The size of SQLite's write-ahead log on disk (chat.db-wal), 0 when there is none; undefined for --url. */
  walBytes(): number | undefined {
    if (!this.dataDir) return undefined;
    try {
      return fs.statSync(path.join(this.dataDir, 'chat.db-wal')).size;
    } catch {
      return 0;
    }
  }

  /** Starts again on the same port, data folder and settings. */
  async restart(): Promise<void> {
    const port = this.port;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.spawn(port);
        return;
      } catch (error) {
        if (attempt >= 10) throw error;
        await sleep(200);
      }
    }
  }

  /** SIGTERM; the exit code, or undefined when it had to be killed. */
  async stop(): Promise<number | null | undefined> {
    if (!this.own || !this.child || !this.alive) return undefined;
    this.expectExit = true;
    const child = this.child;
    await stopChild(child, this.exited);
    return child.signalCode === null ? child.exitCode : undefined;
  }

  /** Whether /healthz answers 200; for --url, a server that stops answering counts as died. */
  async healthy(): Promise<boolean> {
    const result = await request(this.url, 'GET', '/healthz', { timeoutMs: 5000 }).catch(() => undefined);
    const ok = result?.status === 200;
    if (!ok && !this.own) this.died ??= `/healthz did not answer 200 (${result?.status ?? 'no answer'})`;
    return ok;
  }

  cleanUp(): void {
    if (this.child && this.alive) this.child.kill('SIGKILL');
    if (this.dataDir) fs.rmSync(this.dataDir, { recursive: true, force: true });
  }
}
