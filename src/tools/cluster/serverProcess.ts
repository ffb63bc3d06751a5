// One process of the cluster: the built server (dist/main.js) on its port, its output passed on a
// line at a time, and, once it has started, restarted when it dies (after 1 s, doubling up to 30 s
// while it keeps dying within 30 s of starting), as systemd's Restart=always would.
import { spawn, type ChildProcess } from 'node:child_process';
import { PRODUCT_MAIN, runningAt, stopChild } from '../kit/server.js';

/** How long a process may take to say it is listening (migrations on a fresh database included). */
const START_TIMEOUT_MS = 30_000;
const FIRST_RESTART_MS = 1000;
const LONGEST_RESTART_MS = 30_000;
/** A process up at least this long died of something new: its next restart is quick again. */
const STABLE_MS = 30_000;
/** A process SIGTERM has not stopped in this long is killed. */
const STOP_GRACE_MS = 10_000;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ProcessReports {
  /** A line the process wrote (its JSON log, on stderr). */
  line(process: ServerProcess, line: string): void;
  /** It died without being asked to; `restartInMs` undefined when it stays down. */
  died(process: ServerProcess, exit: Exit, restartInMs: number | undefined): void;
  /** It is listening again after a restart. */
  restarted(process: ServerProcess): void;
  /** A restart did not come up; another is tried after the backoff. */
  restartFailed(process: ServerProcess, error: Error): void;
}

export interface ServerProcessOptions {
  /** 1, 2, … for people reading the output. */
  number: number;
  port: number;
  /** The whole environment of the process (PORT and HOST included). */
  env: NodeJS.ProcessEnv;
  /** Whether a process that dies is started again. */
  restart: boolean;
  reports: ProcessReports;
}

export class ServerProcess {
  readonly number: number;
  readonly port: number;
  readonly url: string;
  private child: ChildProcess | undefined;
  private exited: Promise<Exit> | undefined;
  private startedAt = 0;
  /** Deaths in a row, each within STABLE_MS of its start: the backoff's exponent. */
  private quickDeaths = 0;
  private restartTimer: NodeJS.Timeout | undefined;
  private stopping = false;

  constructor(private readonly options: ServerProcessOptions) {
    this.number = options.number;
    this.port = options.port;
    this.url = `http://127.0.0.1:${options.port}`;
  }

  /** The running process's id, if one is running. */
  get pid(): number | undefined {
    return this.child?.exitCode === null && this.child.signalCode === null ? this.child.pid : undefined;
  }

  /** Starts it and resolves once it listens; rejects with what it wrote when it cannot start. */
  async start(): Promise<void> {
    let output = '';
    const child = spawn(process.execPath, [PRODUCT_MAIN], { env: this.options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.exited = new Promise<Exit>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
    for (const stream of [child.stdout, child.stderr]) {
      let partial = '';
      stream.on('data', (chunk: Buffer) => {
        const text = partial + chunk.toString();
        output = (output + chunk.toString()).slice(-20_000);
        const lines = text.split('\n');
        partial = lines.pop() ?? '';
        for (const line of lines) if (line !== '') this.options.reports.line(this, line);
      });
    }
    try {
      await runningAt(child, START_TIMEOUT_MS, () => output, `process ${this.number} (port ${this.port})`);
    } catch (error) {
      // Never leave one behind that is still trying: the next attempt would find its port taken.
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await this.exited;
      }
      throw error;
    }
    this.startedAt = Date.now();
    const exited = this.exited;
    void exited.then((exit) => {
      if (this.child === child) this.onExit(exit);
    });
  }

  /** SIGTERM (the server closes cleanly), SIGKILL after 10 s; no restart from then on. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.restartTimer);
    const child = this.child;
    if (child && this.exited && child.exitCode === null && child.signalCode === null) await stopChild(child, this.exited, STOP_GRACE_MS);
  }

  private onExit(exit: Exit): void {
    if (this.stopping) return;
    this.quickDeaths = Date.now() - this.startedAt < STABLE_MS ? this.quickDeaths + 1 : 1;
    if (!this.options.restart) {
      this.options.reports.died(this, exit, undefined);
      return;
    }
    const delay = Math.min(LONGEST_RESTART_MS, FIRST_RESTART_MS * 2 ** (this.quickDeaths - 1));
    this.options.reports.died(this, exit, delay);
    this.scheduleRestart(delay);
  }

  private scheduleRestart(delay: number): void {
    this.restartTimer = setTimeout(() => {
      if (this.stopping) return;
      this.start().then(
        () => {
          // Stopped while it was starting: stop what just started.
          if (this.stopping) void this.stop();
          else this.options.reports.restarted(this);
        },
        (error: Error) => {
          if (this.stopping) return;
          this.options.reports.restartFailed(this, error);
          this.quickDeaths += 1;
          this.scheduleRestart(Math.min(LONGEST_RESTART_MS, FIRST_RESTART_MS * 2 ** (this.quickDeaths - 1)));
        },
      );
    }, delay);
  }
}
