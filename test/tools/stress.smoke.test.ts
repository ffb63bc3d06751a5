// `npm run stress` as a developer runs it, built: `--quick` runs every attack against its own server
// and loses no message, and the tool refuses to aim at anything but this machine.
import { describe, expect, it } from 'vitest';
import { expectBuilt, runTool } from '../helpers/tool.js';

const ATTACKS = [
  'baseline',
  'message flood',
  'read flood',
  'join/leave flood',
  'sign-in flood',
  'connection burst',
  'one-address connections',
  'slow readers',
  'reconnect storm',
  'oversized/binary frames',
  'garbage frames',
  'room creation flood',
  'replay flood',
  'history flood',
  'search flood',
  'NUL search',
  'idle TCP',
  'kill -9 + restart',
];

/** What the new limits must show even in a quick run, by attack. */
const SHOWS: Record<string, RegExp[]> = {
  'read flood': [/closes 1008×[1-9]/],
  'join/leave flood': [/closes 1008×[1-9]/],
  'history flood': [/closes 1008×[1-9]/],
  'room creation flood': [/1 user: 201×10 429×\d+/, /naming 0 of the new rooms/],
  'replay flood': [/7\/7 of its sockets still open/],
  'search flood': [/200×\d+/],
  'NUL search': [/^(?:[^→]*→ 400)+[^→]*$/],
  'idle TCP': [/past the cap of 100: 503×\d+/, /half requests: 408×5/],
};

describe('npm run stress', () => {
  it('--quick runs every attack against its own server and loses nothing', { timeout: 120_000 }, async () => {
    expectBuilt('stress');
    const { code, stdout, stderr } = await runTool('stress', ['--quick']);
    expect(code, `${stdout}\n${stderr}`).toBe(0);

    const lines = stdout.split('\n');
    const header = lines.findIndex((line) => line.startsWith('attack '));
    expect(header, stdout).toBeGreaterThanOrEqual(0);
    expect(lines[header]!.split(' | ').map((cell) => cell.trim())).toEqual([
      'attack',
      'tried',
      'what happened',
      'messages lost',
      'peak server memory',
    ]);
    const rows = lines
      .slice(header + 2)
      .filter((line) => line.includes(' | '))
      .map((line) => line.split(' | ').map((cell) => cell.trim()));
    expect(rows.map((row) => row[0])).toEqual(ATTACKS);
    for (const row of rows) {
      expect(row, row.join(' | ')).toHaveLength(5);
      expect(row[3], row.join(' | ')).toBe('0');
      expect(row[2], row.join(' | ')).not.toMatch(/tool error|SERVER DOWN/);
      // Peak memory comes from /proc: Linux only.
      expect(row[4], row.join(' | ')).toMatch(process.platform === 'linux' ? /^\d+ MB$/ : /^(\d+ MB|n\/a)$/);
      for (const shown of SHOWS[row[0]!] ?? []) expect(row[2], row.join(' | ')).toMatch(shown);
    }
    expect(stdout).toMatch(/messages lost 0\nPASS\n/);
  });

  it('attacks nothing but this machine', async () => {
    for (const url of ['http://example.com', 'http://10.0.0.1:3000', 'https://127.0.0.1:3000']) {
      const { code, stderr } = await runTool('stress', ['--url', url]);
      expect(code).toBe(2);
      expect(stderr).toMatch(/loopback|http:\/\//);
    }
  });
});
