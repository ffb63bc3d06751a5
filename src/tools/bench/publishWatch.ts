// Every PUBLISH on a site's Redis channels, seen as a subscriber sees it: a PSUBSCRIBE to the run's
// key prefix, so that only this run's publishes count (INFO's cmdstat_publish counts every client
// of the Redis), each sorted by what its envelope carries (a stored message, or anything else).
import { createClient, type RedisClientType } from 'redis';
import { globEscaped } from './engines.js';

/** Whether a published envelope carries a chat or a DM (a `room` or `users` event with one). */
function carriesMessage(text: string): boolean {
  try {
    const envelope = JSON.parse(text) as { event?: { kind?: string; message?: { type?: string } } };
    const event = envelope.event;
    return (event?.kind === 'room' || event?.kind === 'users') && (event.message?.type === 'chat' || event.message?.type === 'dm');
  } catch {
    return false;
  }
}

export class PublishWatch {
  /** Publishes seen on the prefix's channels. */
  total = 0;
  /** Those that carry a stored message. */
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
      if (carriesMessage(message)) watch.messages++;
    });
    return watch;
  }

  /** The counts so far, and the counts from now on start at zero. */
  take(): { total: number; messages: number } {
    const counts = { total: this.total, messages: this.messages };
    this.total = 0;
    this.messages = 0;
    return counts;
  }

  stop(): void {
    this.client.destroy();
  }
}
