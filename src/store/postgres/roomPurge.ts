// The messages of deleted rooms on PostgreSQL, deleted a chunk at a time: the first chunk in the
// transaction that deletes the room (all of a small room's), the rest in the background, a chunk
// per step, each in a transaction of its own. A deleted room none of whose messages are left
// loses its tombstone row, and its name is free again. The background asks the database which
// rooms are deleted at each step rather than remembering: another process may have deleted one.
import type pg from 'pg';
import { inSteps, type Steps } from '../../background.js';
import { PURGE_CHUNK, PURGE_INTERVAL_MS } from '../bounds.js';
import { inTransaction, unreachable, type Queryable } from './pool.js';

const SQL = {
  deletedRooms: 'SELECT name FROM rooms WHERE deleted_at IS NOT NULL ORDER BY deleted_at',
  // The chunk's reactions first (the same messages: the first `limit` of the room by id).
  deleteReactions: 'DELETE FROM reactions WHERE message_id IN (SELECT id FROM messages WHERE room = $1 ORDER BY id LIMIT $2)',
  deleteMessages: 'DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE room = $1 ORDER BY id LIMIT $2)',
  // Only once none is left, asked again: another process may be purging the same room.
  dropRoom: `DELETE FROM rooms WHERE name = $1 AND deleted_at IS NOT NULL
    AND NOT EXISTS (SELECT 1 FROM messages WHERE room = $1)`,
};

export class RoomPurge {
  private steps: Steps | undefined;
  /** The step under way, if any: stopping waits for it. */
  private step: Promise<unknown> = Promise.resolve();

  constructor(private readonly pool: pg.Pool) {}

  /** Deleted rooms' messages are purged in the background from now on, a chunk per step. */
  start(): void {
    // While PostgreSQL is away every step fails: said once, not every second, until a step works again.
    let away = false;
    const failed = (error: unknown) => {
      if (unreachable(error) && away) return;
      away = unreachable(error);
      process.emitWarning(`purging deleted rooms failed${away ? ' (paused until PostgreSQL is back)' : ''}: ${String(error)}`, 'UpkeepWarning');
    };
    this.steps ??= inSteps(
      () => {
        const step = inTransaction(this.pool, (client) => this.purge(client)).then((purged) => {
          away = false;
          return purged >= PURGE_CHUNK;
        });
        this.step = step.catch(() => {});
        return step;
      },
      PURGE_INTERVAL_MS,
      0,
      failed,
    );
  }

  /** No more steps; resolves once the one under way is over. */
  async stop(): Promise<void> {
    this.steps?.stop();
    await this.step;
  }

  /** Deletes up to `limit` messages of deleted rooms, and the rows of those left empty; how many messages. */
  async purge(tx: Queryable, limit = PURGE_CHUNK): Promise<number> {
    let left = limit;
    for (const { name } of (await tx.query<{ name: string }>(SQL.deletedRooms)).rows) {
      await tx.query(SQL.deleteReactions, [name, left]);
      left -= (await tx.query(SQL.deleteMessages, [name, left])).rowCount ?? 0;
      if (left <= 0) break;
      // Fewer than asked for: this room has none left (unless another process is still at it).
      await tx.query(SQL.dropRoom, [name]);
    }
    return limit - left;
  }
}
