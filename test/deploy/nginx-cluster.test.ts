// The bundled cluster site (nginx/chat-cluster.conf) with Debian's nginx in front of two server
// processes' worth of servers (two startServer in this process, on one PostgreSQL database and one
// Redis prefix, each with its own Redis connections), and Chromium: the page works through nginx,
// a message sent on the other process appears on it, and when the process holding the page's socket
// stops, the page reconnects through nginx to the other one and resumes: what was sent while it was
// away appears once, in order. Needs nginx, Chromium, PostgreSQL and Redis: each missing one skips
// the file with a printed reason, and fails it under CI=true.
import type http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { startServer, type RunningServer } from '../../src/server.js';
import type { ServerMessage } from '../../src/shared/protocol/index.js';
import { chromiumAvailable, launchPerson, settlePage, type Person } from '../helpers/browser.js';
import { TestClient } from '../helpers/client.js';
import { nginxForTests, startNginx, type RunningNginx } from '../helpers/nginx.js';
import { openChat, say, texts, visibleMessages, waitForMessage } from '../helpers/page.js';
import { createTestDatabase, postgresForTests, type TestDatabase } from '../helpers/postgres.js';
import { deleteKeys, TEST_REDIS_URL, redisForTests, testRedisPrefix } from '../helpers/redis.js';
import { signIn, tempDataDir, type SignedIn } from '../helpers/server.js';
import { until } from '../helpers/wait.js';

const nginxBinary = nginxForTests();
const ready = nginxBinary !== undefined && chromiumAvailable() && (await postgresForTests()) && (await redisForTests());

/** In-page globals, for the callbacks that run in the browser (the tsconfig has no DOM lib). */
declare const document: any; // eslint-disable-line @typescript-eslint/no-explicit-any

/** One of the two processes, and the WebSocket upgrades it was asked for, by whom. */
interface Process {
  name: 'A' | 'B';
  running: RunningServer;
  wsUrl: string;
}

/** Every upgrade either process received, in order: which process, and whether Chromium asked. */
const upgrades: { process: 'A' | 'B'; chromium: boolean }[] = [];
const pageUpgrades = () => upgrades.filter((upgrade) => upgrade.chromium);

async function startProcess(name: 'A' | 'B', settings: Record<string, string>): Promise<Process> {
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDataDir(), QUIET: '1', TRUST_PROXY: '1', ...settings });
  const running = await startServer(config);
  // Watching only: the server's own upgrade handler runs as before.
  running.server.on('upgrade', (request: http.IncomingMessage) => {
    upgrades.push({ process: name, chromium: /Chrome/.test(request.headers['user-agent'] ?? '') });
  });
  return { name, running, wsUrl: `${running.url.replace(/^http/, 'ws')}/ws/chat` };
}

type ChatEcho = Extract<ServerMessage, { type: 'chat' }>;

const pageStatus = (person: Person): Promise<string> => person.page.evaluate(() => document.getElementById('status').dataset.state as string);

describe.skipIf(!ready)('the bundled cluster site (nginx/chat-cluster.conf) in front of two processes, with Chromium', () => {
  let database: TestDatabase | undefined;
  const prefix = testRedisPrefix();
  const processes: Process[] = [];
  let nginx: RunningNginx | undefined;
  let alice: Person | undefined;
  let bobWs: TestClient | undefined;
  let aliceUser: SignedIn;
  let bobUser: SignedIn;
  /** The process the page's socket is on, and the other one. */
  let pageProcess: Process;
  let otherProcess: Process;

  beforeAll(async () => {
    database = await createTestDatabase();
    const shared = { DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix };
    // One after the other: the first migrates the fresh database (the second would wait on its lock anyway).
    processes.push(await startProcess('A', shared));
    processes.push(await startProcess('B', shared));
    nginx = await startNginx(nginxBinary!, { appPorts: processes.map((p) => p.running.port) });
  });
  afterAll(async () => {
    await bobWs?.close();
    await alice?.close();
    await nginx?.stop();
    for (const server of processes) await server.running.close();
    await database?.drop();
    await deleteKeys(prefix);
  });

  it('serves the page through nginx, its socket on one of the processes', { timeout: 30_000 }, async () => {
    [aliceUser, bobUser] = [await signIn(nginx!.url, 'Alice'), await signIn(nginx!.url, 'Bob')];
    alice = await launchPerson();
    await openChat(alice, nginx!.url, aliceUser.cookie);
    expect(alice.pageErrors).toEqual([]);
    // The bundle came from nginx's /static/, the socket through nginx to a process.
    expect(alice.requested.filter((url) => url.startsWith(`${nginx!.url}/static/app.js?v=`))).toHaveLength(1);
    const first = pageUpgrades();
    expect(first).toHaveLength(1);
    pageProcess = processes.find((p) => p.name === first[0]!.process)!;
    otherProcess = processes.find((p) => p !== pageProcess)!;
  });

  it('shows a message sent on the other process, and its own reaches that process', { timeout: 30_000 }, async () => {
    // Bob straight on the other process, so the message must cross between them.
    bobWs = await TestClient.ready(otherProcess.wsUrl, bobUser.cookie);
    bobWs.send({ type: 'chat', room: 'lobby', data: 'one', ref: 'b1' });
    await waitForMessage(alice!.page, 'one');
    await say(alice!.page, 'hello from the page');
    expect(await bobWs.next((m) => m.type === 'chat' && m.data === 'hello from the page')).toMatchObject({ user: { id: aliceUser.user.id } });
  });

  it('reconnects through nginx to the other process when its own stops, and resumes: each message once, in order', { timeout: 60_000 }, async () => {
    const upgradesBefore = pageUpgrades().length;
    await pageProcess.running.close(); // its sockets are closed with 1001 before this resolves
    await until('the page to notice', () => pageStatus(alice!), (state) => state !== 'online', 5000);

    // Sent and stored (Bob's echo) while the page has no socket: it waits a second before trying again.
    bobWs!.send({ type: 'chat', room: 'lobby', data: 'two', ref: 'b2' });
    bobWs!.send({ type: 'chat', room: 'lobby', data: 'three', ref: 'b3' });
    const two = await bobWs!.next<ChatEcho>((m) => m.type === 'chat' && m.ref === 'b2');
    const three = await bobWs!.next<ChatEcho>((m) => m.type === 'chat' && m.ref === 'b3');
    expect(pageUpgrades().length, 'the page came back before the messages were sent').toBe(upgradesBefore);

    await alice!.page.waitForSelector('#status[data-state="online"]', { timeout: 15_000 });
    const after = pageUpgrades().slice(upgradesBefore);
    // Every attempt nginx passed on went to the process still running.
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((upgrade) => upgrade.process === otherProcess.name)).toBe(true);

    await waitForMessage(alice!.page, 'three');
    await settlePage(alice!.page);
    const ours = (await texts(alice!.page)).filter((text) => ['one', 'hello from the page', 'two', 'three'].includes(text));
    expect(ours).toEqual(['one', 'hello from the page', 'two', 'three']);
    const rows = await visibleMessages(alice!.page);
    const ids = rows.filter((row) => row.text === 'two' || row.text === 'three').map((row) => Number(row.id));
    expect(ids).toEqual([two.id, three.id]);
    expect(alice!.pageErrors).toEqual([]);

    // And the page talks on from the other process.
    await say(alice!.page, 'back');
    expect(await bobWs!.next((m) => m.type === 'chat' && m.data === 'back')).toMatchObject({ user: { id: aliceUser.user.id } });
  });
});
