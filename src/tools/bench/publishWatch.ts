// Every PUBLISH on a site's Redis channels, seen as a subscriber sees it: a PSUBSCRIBE to the run's
// key prefix, so that only this run's publishes count (INFO's cmdstat_publish counts every client
// of the Redis), each sorted by what its envelope carries (stored messages, or anything else).
import { createClient, type RedisClientType } from 'redis';
import { globEscaped } from './engines.js';

/** How many chats and DMs a published envelope carries (`room` or `users` events with one). */
function messagesCarried(text: string): number {
  try {
    const envelope = JSON.parse(text) as { events?: Event[]; event?: Event };
    const events = envelope.events ?? (envelope.event ? [envelope.event] : []);
    return events.filter(
      (event) => (event.kind === 'room' || event.kind === 'users') && (event.message?.type === 'chat' || event.message?.type === 'dm'),
    ).length;
  } catch {
    return 0;
  }
}
type Event = { kind?: string; message?: { type?: string } };

export class PublishWatch {
  /** Publishes seen on the prefix's channels. */
  total = 0;
  /** Those that carry at least one stored message. */
  carrying = 0;
  /** The stored messages they carried, each counted once per publish that carried it. */
  messages = 0;
  /** By channel, for the report (one channel is expected). */
  readonly channels = new Set<string>();

  private constructor(private readonly client: RedisClientType) {}

  /** Subscribed to every channel under `prefix` once this resolves. */
  static async start(url: string, prefix: string): Promise<PublishWatch> {
    const client: RedisClientType = createClient({ url, socket: { connectTimeout: 3000, reconnectStrategy: false } });
    client.on('error', () => undefined);
    await client.connect();
    const watch = new PublishWatch(client);
    await client.pSubscribe(`${globEscaped(prefix)}*`, (message, channel) => {
      watch.total++;
      watch.channels.add(channel);
      const carried = messagesCarried(message);
      if (carried > 0) watch.carrying++;
      watch.messages += carried;
    });
    return watch;
  }

  /** The counts so far, and the counts from now on start at zero. */
  take(): { total: number; carrying: number; messages: number } {
    const counts = { total: this.total, carrying: this.carrying, messages: this.messages };
    this.total = 0;
    this.carrying = 0;
    this.messages = 0;
    return counts;
  }

  stop(): void {
    this.client.destroy();
  }
}
