// Bad input, at random, against a LIVE server (docs/protocol.md §3–§5): a fuzzer user throws
// thousands of seeded random frames (./fuzz/frames.ts) over several connections while two normal
// users keep chatting. The server must stay up, the two must get every message of theirs in order,
// and nothing that did not pass validation (./fuzz/contract.ts) may reach them.
//
// Reproduce a failure with the printed seed: FUZZ_SEED=<seed> npx vitest run test/integration/fuzz.test.ts
import { describe, expect, it } from 'vitest';
import { codePointLength, type ChatMessage, type DirectMessage, type ServerMessage, type User } from '../../src/shared/protocol/index.js';
import type { TestClient } from '../helpers/client.js';
import { useServer } from '../helpers/fixture.js';
import { sleep } from '../helpers/wait.js';
import { MAX_FRAME_BYTES, MAX_MESSAGE_LENGTH, shapeProblems, validTextOf, wellFormed } from './fuzz/contract.js';
import { EXPECTED_CLOSE, FRAMES, FUZZ_ROOM, SEED, describeFrame, frames } from './fuzz/frames.js';
import { FuzzSocket } from './fuzz/socket.js';

const LANES = 3;
/** Pipelined frames per lane between two round trips; bounds what is in flight when something goes wrong. */
const SYNC_EVERY = 25;

const PROTOTYPES: [string, object][] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
];
/** The prototypes' own keys before anything ran. */
const baseline = PROTOTYPES.map(([, proto]) => Reflect.ownKeys(proto));

const chat = useServer({ RATE_LIMIT: '0', MAX_FRAME_BYTES: String(MAX_FRAME_BYTES) });

describe('fuzzing a live server', () => {
  it('a text with lone surrogates is stored exactly as it was delivered, and within the length limit', async () => {
    const [carol, dave] = await chat.users('Carol', 'Dave');
    const room = await chat.createRoom(carol, 'surrogates');
    const [c, d] = await chat.connectEach(carol, dave);
    for (const client of [c, d]) {
      client.send({ type: 'join', room });
      await client.next((m) => m.type === 'list' && m.room === room);
    }
    // JSON.stringify writes a lone surrogate as the escape \udXXX, which is valid JSON (and how a
    // browser's JSON.stringify sends a textarea holding half of an emoji).
    // 1000 lone surrogates (6 bytes each as escapes, under the 8 KiB frame limit) would come back as 3000 characters.
    for (const data of ['a\ud800b', '\udc00'.repeat(1000), '😀\ud83d']) {
      c.send({ type: 'chat', room, data });
      const live = await d.next<ChatMessage>((m) => m.type === 'chat' && m.user.id === carol.user.id);
      d.drain();
      d.send({ type: 'history', room, limit: 100 });
      const history = await d.next<Extract<ServerMessage, { type: 'history' }>>((m) => m.type === 'history' && 'room' in m && m.room === room);
      const stored = history.data.find((m) => m.id === live.id);
      expect(stored?.data).toBe(live.data);
      expect(codePointLength(live.data)).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
    }
    expect(c.received.filter((m) => m.type === 'error')).toEqual([]);
  });

  it(`survives ${FRAMES} random frames while two users keep chatting (seed ${SEED})`, async () => {
    console.log(`fuzz: seed ${SEED}, ${FRAMES} frames over ${LANES} connections (replay: FUZZ_SEED=${SEED} npx vitest run test/integration/fuzz.test.ts)`);
    const started = Date.now();
    const [alice, bob, fuzzer] = await Promise.all([chat.signIn('Alice'), chat.signIn('Bob'), chat.signIn('Fuzzer')]);
    await chat.createRoom(alice, FUZZ_ROOM);

    const [a, b] = await chat.connectEach(alice, bob);
    for (const client of [a, b]) {
      client.send({ type: 'join', room: FUZZ_ROOM });
      await client.next((m) => m.type === 'list' && m.room === FUZZ_ROOM);
    }

    const all = frames({ alice: alice.user, bob: bob.user, fuzzer: fuzzer.user });
    /** Every text the fuzzer sent in a frame that, by the contract, was a valid chat or dm. */
    const validTexts = new Set<string>();
    for (const frame of all) {
      if (frame.kind !== 'text') continue;
      const valid = validTextOf(frame.text);
      if (valid !== undefined) validTexts.add(valid);
    }
    const problems: string[] = [];

    // --- the normal users chat all along: Alice in the lobby, Bob to Alice directly and in the room
    let fuzzing = true;
    const sent = { aliceLobby: [] as string[], bobDm: [] as string[], bobRoom: [] as string[] };
    const chatting = (async () => {
      for (let i = 0; fuzzing; i++) {
        const lobby = `alice says ${i}`;
        a.send({ type: 'chat', data: lobby });
        sent.aliceLobby.push(lobby);
        if (i % 2 === 0) {
          const dm = `bob whispers ${i}`;
          b.send({ type: 'dm', to: alice.user.id, data: dm });
          sent.bobDm.push(dm);
        } else {
          const inRoom = `bob in the room ${i}`;
          b.send({ type: 'chat', room: FUZZ_ROOM, data: inRoom });
          sent.bobRoom.push(inRoom);
        }
        await sleep(20); // a pace, not a wait: the two keep chatting all through the fuzzing
      }
    })();

    // --- /healthz all along
    const health: number[] = [];
    // At least a few checks even when the fuzzing is over quickly (a fast machine).
    const probing = (async () => {
      while (fuzzing || health.length <= 5) {
        try {
          health.push((await fetch(`${chat.server.url}/healthz`)).status);
        } catch (first) {
          // A kept-alive socket the server closed just as the client reused it fails the fetch
          // without the server being down (seen under load): asked again, a down server fails again.
          try {
            health.push((await fetch(`${chat.server.url}/healthz`)).status);
          } catch (error) {
            problems.push(`/healthz failed twice: ${String(first)} (${String((first as Error).cause)}), then ${String(error)} (${String((error as Error).cause)})`);
          }
        }
        await sleep(50); // a pace: a health check every 50 ms while the fuzzing lasts
      }
    })();

    // --- the fuzzer, over several connections, reconnecting whenever the server closes one
    const closes: Record<number, number> = {};
    const lane = async (index: number) => {
      const mine = all.filter((_, i) => i % LANES === index);
      let socket = await FuzzSocket.open(chat.server.wsUrl, fuzzer.cookie, problems);
      let recent: string[] = [];
      let rounds = 0;
      for (const [n, frame] of mine.entries()) {
        if (!socket.isOpen) {
          problems.push(`lane ${index}: closed unexpectedly (code ${String(await socket.closedWithin(0))}) after:\n  ${recent.join('\n  ')}`);
          return;
        }
        recent.push(describeFrame(frame));
        socket.send(frame);
        if (frame.kind !== 'text') {
          const code = await socket.closedWithin(5000);
          closes[code === 'timeout' ? -1 : code] = (closes[code === 'timeout' ? -1 : code] ?? 0) + 1;
          if (code !== EXPECTED_CLOSE[frame.kind]) {
            problems.push(`lane ${index}: ${frame.kind} frame: close ${code}, expected ${EXPECTED_CLOSE[frame.kind]}; after:\n  ${recent.join('\n  ')}`);
          }
          socket = await FuzzSocket.open(chat.server.wsUrl, fuzzer.cookie, problems);
          recent = [];
          continue;
        }
        if ((n + 1) % SYNC_EVERY === 0 || n === mine.length - 1) {
          const result = await socket.roundTrip(`sync-${index}-${++rounds}`);
          if (result !== 'answered') {
            problems.push(`lane ${index}: round trip ${result} after:\n  ${recent.join('\n  ')}`);
            return;
          }
          recent = [];
        }
      }
      socket.socket.close();
    };
    await Promise.all(Array.from({ length: LANES }, (_, i) => lane(i)));
    fuzzing = false;
    await Promise.all([chatting, probing]);
    const fuzzedMs = Date.now() - started;

    // --- every message of the normal users arrived, in order, at both ends
    const lastOf = (list: string[]) => list[list.length - 1];
    const chatFrom = (user: User, room: string) => (m: ServerMessage) => m.type === 'chat' && m.user.id === user.id && m.room === room;
    const dmFrom = (user: User) => (m: ServerMessage) => m.type === 'dm' && m.user.id === user.id;
    const lastAlice = lastOf(sent.aliceLobby);
    const lastDm = lastOf(sent.bobDm);
    const lastRoom = lastOf(sent.bobRoom);
    await Promise.all([
      lastAlice && a.next((m) => chatFrom(alice.user, 'lobby')(m) && (m as ChatMessage).data === lastAlice, 10_000),
      lastAlice && b.next((m) => chatFrom(alice.user, 'lobby')(m) && (m as ChatMessage).data === lastAlice, 10_000),
      lastDm && a.next((m) => dmFrom(bob.user)(m) && (m as DirectMessage).data === lastDm, 10_000),
      lastDm && b.next((m) => dmFrom(bob.user)(m) && (m as DirectMessage).data === lastDm, 10_000),
      lastRoom && a.next((m) => chatFrom(bob.user, FUZZ_ROOM)(m) && (m as ChatMessage).data === lastRoom, 10_000),
      lastRoom && b.next((m) => chatFrom(bob.user, FUZZ_ROOM)(m) && (m as ChatMessage).data === lastRoom, 10_000),
    ]);
    const texts = (client: TestClient, predicate: (m: ServerMessage) => boolean) =>
      client.received.filter(predicate).map((m) => (m as ChatMessage | DirectMessage).data);
    for (const client of [a, b]) {
      expect(texts(client, chatFrom(alice.user, 'lobby'))).toEqual(sent.aliceLobby);
      expect(texts(client, dmFrom(bob.user))).toEqual(sent.bobDm);
      expect(texts(client, chatFrom(bob.user, FUZZ_ROOM))).toEqual(sent.bobRoom);
    }
    expect(sent.aliceLobby.length).toBeGreaterThan(10);

    // --- nothing reached them that did not pass validation, in any shape the contract does not have
    const fromFuzzer: string[] = [];
    for (const [me, client] of [[alice.user, a], [bob.user, b]] as const) {
      let lastId = 0;
      for (const message of client.received) {
        const label = `to ${me.name}: ${JSON.stringify(message).slice(0, 300)}`;
        expect(shapeProblems(message), label).toEqual([]);
        expect(message.type, label).not.toBe('error');
        const stored = message.type === 'history' ? message.data : message.type === 'chat' || message.type === 'dm' ? [message] : [];
        for (const m of stored) {
          expect(shapeProblems(m), label).toEqual([]);
          expect(typeof m.data, label).toBe('string');
          expect(m.data.length, label).toBeGreaterThan(0);
          expect(m.data, label).toBe(m.data.trim());
          expect(codePointLength(m.data), label).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
          expect(m.data, label).toBe(wellFormed(m.data));
          if (m.type === 'chat') expect(['lobby', FUZZ_ROOM], label).toContain(m.room);
          else expect([m.user.id, m.to.id], label).toContain(me.id);
          if (m.user.id === fuzzer.user.id) {
            expect('ref' in m, label).toBe(false);
            expect(validTexts.has(m.data), `${label}: a text the fuzzer never sent as a valid message`).toBe(true);
            if (message.type !== 'history') fromFuzzer.push(m.data);
          } else {
            expect([alice.user.id, bob.user.id], label).toContain(m.user.id);
          }
        }
        if (message.type === 'chat' || message.type === 'dm') {
          expect(message.id, label).toBeGreaterThan(lastId);
          lastId = message.id;
        }
        if (message.type === 'typing' || message.type === 'join' || message.type === 'left') {
          expect([alice.user.id, bob.user.id, fuzzer.user.id], label).toContain(message.user.id);
        }
      }
    }
    // The fuzzer did get through with valid messages, so the check above was not vacuous.
    expect(fromFuzzer.length).toBeGreaterThan(50);

    // --- the server is up, and nothing leaked into the prototypes of this process (the server's)
    expect(problems).toEqual([]);
    expect(health.length).toBeGreaterThan(5);
    expect(health.every((status) => status === 200)).toBe(true);
    const final = await fetch(`${chat.server.url}/healthz`);
    expect(final.status).toBe(200);
    expect(await final.json()).toEqual({ status: 'ok' });
    PROTOTYPES.forEach(([name, proto], i) => {
      expect(Reflect.ownKeys(proto).filter((key) => !baseline[i]?.includes(key)), `keys added to ${name}`).toEqual([]);
      expect(Reflect.ownKeys(proto).length, name).toBe(baseline[i]?.length);
    });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).isAdmin).toBeUndefined();

    const kinds = all.reduce<Record<string, number>>((count, frame) => ({ ...count, [frame.kind]: (count[frame.kind] ?? 0) + 1 }), {});
    console.log(
      `fuzz: ${FRAMES} frames ${JSON.stringify(kinds)} in ${fuzzedMs} ms; closes ${JSON.stringify(closes)}; ` +
        `${fromFuzzer.length} fuzzer messages and ${sent.aliceLobby.length + sent.bobDm.length + sent.bobRoom.length} of the users' delivered; ` +
        `${health.length} health checks`,
    );
  });
});
