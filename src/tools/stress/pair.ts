// The pair: two ordinary users chatting through every attack, who check that nothing they sent is
// lost (accepted but never seen by the other, or never answered on a connection that stayed up).
import type { ServerMessage } from '../../shared/protocol/index.js';
import type { Account } from '../kit/http.js';
import { sleep, until } from '../kit/wait.js';
import { count } from './format.js';
import type { Target } from './target.js';
import { connect, type Conn } from './users.js';

/** The pair sends one message each this often: under the default rate limit (20 in 10 s). */
const PAIR_INTERVAL_MS = 600;

export interface Sent {
  data: string;
  phase: string;
  generation: number;
  sentAt: number;
  /** Milliseconds from sending to the echo. */
  echoMs?: number;
  id?: number;
  refused?: string;
}

export interface Watch {
  join: number;
  left: number;
  list: number;
  leftUsers: Set<string>;
  chatsFrom: Map<string, number>;
}

export const newWatch = (): Watch => ({ join: 0, left: 0, list: 0, leftUsers: new Set(), chatsFrom: new Map() });

export class Chatter {
  conn: Conn | undefined;
  peer: Chatter | undefined;
  lastSeen = 0;
  generation = 0;
  reconnects = 0;
  readonly sent = new Map<string, Sent>();
  readonly byData = new Map<string, Sent>();
  /** Texts of chats received (live or resumed). */
  readonly received = new Set<string>();
  watch = newWatch();
  private n = 0;
  private running = true;

  constructor(
    readonly name: string,
    readonly account: Account,
    private readonly target: () => Target,
  ) {}

  async start(): Promise<void> {
    await this.open(undefined);
  }

  private async open(since: number | undefined): Promise<void> {
    const generation = ++this.generation;
    const conn = await connect(this.target(), this.account, {
      greeted: true,
      ...(since === undefined ? {} : { since }),
      onMessage: (message) => this.receive(message),
    });
    this.conn = conn;
    void conn.closed.then(() => {
      if (this.running && generation === this.generation) void this.reconnect();
    });
  }

  private async reconnect(): Promise<void> {
    this.reconnects++;
    for (let attempt = 0; this.running && attempt < 200; attempt++) {
      await sleep(attempt === 0 ? 50 : 250);
      try {
        await this.open(this.lastSeen);
        return;
      } catch {
        // The server is restarting, or refused: try again.
      }
    }
  }

  private receive(message: ServerMessage): void {
    switch (message.type) {
      case 'chat': {
        this.lastSeen = Math.max(this.lastSeen, message.id);
        if (message.user.id === this.peer?.account.user.id) this.received.add(message.data);
        count(this.watch.chatsFrom, message.user.id);
        if (message.user.id !== this.account.user.id) return;
        // Our own: the echo (with ref), or a resumed copy of one whose echo the crash ate.
        const sent = message.ref !== undefined ? this.sent.get(message.ref) : this.byData.get(message.data);
        if (sent && sent.id === undefined) {
          sent.id = message.id;
          if (message.ref !== undefined) sent.echoMs = Date.now() - sent.sentAt;
        }
        return;
      }
      case 'dm':
        this.lastSeen = Math.max(this.lastSeen, message.id);
        return;
      case 'error':
        if (message.ref !== undefined) {
          const sent = this.sent.get(message.ref);
          if (sent) sent.refused = message.data.code;
        }
        return;
      case 'join':
        this.watch.join++;
        return;
      case 'left':
        this.watch.left++;
        this.watch.leftUsers.add(message.user.id);
        return;
      case 'list':
        this.watch.list++;
        return;
      default:
        return;
    }
  }

  say(phase: string): void {
    if (!this.conn?.isOpen) return;
    const ref = `${this.name}-${this.n++}`;
    const sent: Sent = { data: `${ref}: hello from ${this.name} during ${phase}`, phase, generation: this.generation, sentAt: Date.now() };
    this.sent.set(ref, sent);
    this.byData.set(sent.data, sent);
    this.conn.send({ type: 'chat', room: 'lobby', data: sent.data, ref });
  }

  /**
   * Messages up to `id` were put in the store behind the pair's back (seeded while the server was
   * stopped): the next resume starts after them, as it would for someone who had seen them.
   */
  skipTo(id: number): void {
    this.lastSeen = Math.max(this.lastSeen, id);
  }

  /** Whether a message is settled: refused, or accepted and seen by the peer, or lost with its connection. */
  settled(sent: Sent): boolean {
    if (sent.refused !== undefined) return true;
    if (sent.id !== undefined) return this.peer?.received.has(sent.data) ?? true;
    return sent.generation !== this.generation;
  }

  stop(): void {
    this.running = false;
    this.conn?.terminate();
  }
}

export class Pair {
  phase = 'setup';
  private timer: NodeJS.Timeout | undefined;

  constructor(readonly a: Chatter, readonly b: Chatter) {
    a.peer = b;
    b.peer = a;
  }

  get members(): Chatter[] {
    return [this.a, this.b];
  }

  async start(): Promise<void> {
    await Promise.all(this.members.map((member) => member.start()));
  }

  /** Chat during a phase: each member every PAIR_INTERVAL_MS, the two half an interval apart. */
  talk(phase: string): void {
    this.phase = phase;
    for (const member of this.members) member.watch = newWatch();
    this.quiet();
    let tick = 0;
    const step = () => {
      (tick++ % 2 === 0 ? this.a : this.b).say(this.phase);
    };
    step();
    this.timer = setInterval(step, PAIR_INTERVAL_MS / 2);
  }

  quiet(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Waits until both members are connected (after a restart); false when the time is up first. */
  reconnected(timeoutMs: number): Promise<boolean> {
    return until(() => this.members.every((member) => member.conn?.isOpen === true), timeoutMs, 50);
  }

  skipTo(id: number): void {
    for (const member of this.members) member.skipTo(id);
  }

  /** Waits until every message of the phase is settled. */
  async settle(phase: string, timeoutMs: number): Promise<void> {
    const mine = () => this.members.flatMap((member) => [...member.sent.values()].filter((sent) => sent.phase === phase).map((sent) => ({ member, sent })));
    await until(() => mine().every(({ member, sent }) => member.settled(sent)), timeoutMs, 50);
  }

  /**
   * Lost in a phase: accepted (echoed, or found stored after a crash) but never seen by the other
   * member, or never answered at all on a connection that stayed up.
   */
  lost(phase: string): { lost: number; sent: number; unconfirmed: number; slowestEchoMs: number; medianEchoMs: number } {
    let lost = 0;
    let sent = 0;
    let unconfirmed = 0;
    const echoes: number[] = [];
    for (const member of this.members) {
      for (const message of member.sent.values()) {
        if (message.phase !== phase) continue;
        sent++;
        if (message.echoMs !== undefined) echoes.push(message.echoMs);
        if (message.refused !== undefined) continue;
        if (message.id !== undefined) {
          if (!member.peer?.received.has(message.data)) lost++;
        } else if (message.generation === member.generation) {
          lost++;
        } else {
          unconfirmed++;
        }
      }
    }
    echoes.sort((a, b) => a - b);
    return { lost, sent, unconfirmed, slowestEchoMs: echoes.at(-1) ?? 0, medianEchoMs: echoes[Math.floor(echoes.length / 2)] ?? 0 };
  }

  stop(): void {
    this.quiet();
    for (const member of this.members) member.stop();
  }
}
