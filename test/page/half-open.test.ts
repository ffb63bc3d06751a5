// A connection that dies without a close (the network gone: no FIN, no RST) is noticed by the page
// within seconds of a message it sends that gets no answer, not at the next 30 s heartbeat: the
// status says the server is not answering, the page opens a new socket (which resumes), and the
// message goes out on it, once. In Chromium, en and zh; the page reaches the server through a TCP
// proxy in the test that, when told, stops forwarding anything on the connections it has (new ones
// still pass). Skipped without /usr/bin/chromium.
import net from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { personName, unique } from '../helpers/chat.js';
import { useServer } from '../helpers/fixture.js';
import { describeInChromium, openChat, usePeople, visibleMessages } from '../helpers/page.js';
import { until } from '../helpers/wait.js';

/** In-page globals, for the callbacks that run in the browser (the tsconfig has no DOM lib). */
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const window: any; // eslint-disable-line @typescript-eslint/no-explicit-any
declare const MutationObserver: any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A TCP proxy to one port whose open connections can be made to go silent, as a dead network does. */
class StallingProxy {
  private readonly server = net.createServer((client) => this.accept(client));
  private readonly pairs: { client: net.Socket; upstream: net.Socket }[] = [];
  /** Every socket of every connection, stalled or not, to be destroyed at the end. */
  private readonly sockets: net.Socket[] = [];
  private port = 0;

  constructor(private readonly targetPort: number) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
    return `http://127.0.0.1:${this.port}`;
  }

  private accept(client: net.Socket): void {
    const upstream = net.connect(this.targetPort, '127.0.0.1');
    for (const socket of [client, upstream]) {
      socket.on('error', () => undefined);
      this.sockets.push(socket);
    }
    client.pipe(upstream);
    upstream.pipe(client);
    this.pairs.push({ client, upstream });
  }

  /** Every connection open now forwards nothing more either way, and closes neither side. */
  stallAll(): number {
    for (const { client, upstream } of this.pairs) {
      client.unpipe(upstream);
      upstream.unpipe(client);
      client.pause();
      upstream.pause();
    }
    return this.pairs.splice(0).length;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets.splice(0)) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

describeInChromium('a half-open connection in Chromium', () => {
  const chat = useServer({ RATE_LIMIT: '0' });
  const people = usePeople(chat);
  let proxy: StallingProxy;
  let proxyUrl: string;

  beforeAll(async () => {
    proxy = new StallingProxy(chat.server.port);
    proxyUrl = await proxy.start();
  });
  afterAll(() => proxy.close());

  for (const [locale, noAnswer] of [
    ['en-US', 'No answer from the server — reconnecting…'],
    ['zh-CN', '服务器没有回应，正在重新连接…'],
  ] as const) {
    it(`notices a send with no answer within seconds, says so, reconnects and sends it once (${locale})`, async () => {
      const [me, carol] = [await chat.signIn(personName('Half')), await chat.signIn(personName('Carol'))];
      const carolWs = await people.client(carol);
      const person = await people.launch({ locale });
      const { page } = person;
      await openChat(person, proxyUrl, me.cookie);
      // Every text the status line shows from now on, in order.
      await page.evaluate(() => {
        window.__statuses = [];
        const status = document.getElementById('status');
        new MutationObserver(() => window.__statuses.push(`${status.dataset.state}: ${document.getElementById('status-text').textContent}`)).observe(status, {
          subtree: true,
          childList: true,
          characterData: true,
          attributes: true,
        });
      });

      expect(proxy.stallAll()).toBeGreaterThan(0);
      const text = unique('sent into a dead network');
      const sentAt = Date.now();
      await page.locator('#input').fill(text);
      await page.locator('#input').press('Enter');

      // Carol gets it on the new connection: 5 s and a reconnect (slack for a busy machine), well
      // before a 30 s heartbeat would have noticed (the server's ping, unanswered, ends it 30-60 s on).
      const received = await carolWs.next((m) => m.type === 'chat' && m.data === text, 25_000);
      const tookMs = Date.now() - sentAt;
      expect(tookMs).toBeLessThan(20_000);
      expect(tookMs).toBeGreaterThanOrEqual(4000);
      await page.waitForSelector('#status[data-state="online"]');
      const statuses = (await page.evaluate(() => window.__statuses)) as string[];
      expect(statuses).toContain(`connecting: ${noAnswer}`);

      // On the page: the message once, confirmed with its id; Carol has no second copy.
      const rows = await until('the message confirmed', async () => (await visibleMessages(page)).filter((m) => m.text === text), (found) => found.length === 1 && !found[0]!.pending);
      expect(rows[0]!.id).toBe(String(received.type === 'chat' ? received.id : ''));
      await carolWs.settle();
      expect(carolWs.pending((m) => m.type === 'chat' && m.data === text)).toEqual([]);
      expect(person.pageErrors).toEqual([]);
    });
  }
});
