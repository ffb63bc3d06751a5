// The messages of deleted rooms, deleted a chunk at a time: the first chunk in the transaction that
// deletes the room (all of a small room's), the rest in the background a chunk per turn of the
// event loop, like search indexing, so that deleting a room of a million messages (each taking its
// search index entry with it) never stops the server for seconds. A deleted room whose messages
// are all gone loses its tombstone row, and its name is free again.
import type Database from 'better-sqlite3';
import { inSteps, type Steps } from '../../background.js';
import { PURGE_CHUNK, PURGE_INTERVAL_MS } from '../bounds.js';


export class RoomPurge {
  private readonly statements;
  private readonly transactions;
  private steps: Steps | undefined;
  /** Whether a deleted room may still have messages or a row (true until a pass finds none). */
  private pending = true;

  constructor(
    private readonly db: Database.Database,
    /** Ends the turn's reads before the purge writes (SqliteEngine.endReading). */
    private readonly endReading: () => void,
  ) {
    this.statements = {
      deletedRooms: db.prepare<[], { name: string }>('SELECT name FROM rooms WHERE deleted_at IS NOT NULL ORDER BY deleted_at'),
      // The chunk's reactions first (the same messages: the first `limit` of the room by id).
      deleteReactions: db.prepare<[string, number]>(
        'DELETE FROM reactions WHERE message_id IN (SELECT id FROM messages WHERE room = ? ORDER BY id LIMIT ?)',
      ),
      deleteMessages: db.prepare<[string, number]>(
        'DELETE FROM messages WHERE id IN (SELECT id FROM messages WHERE room = ? ORDER BY id LIMIT ?)',
      ),
      dropRoom: db.prepare<[string]>('DELETE FROM rooms WHERE name = ? AND deleted_at IS NOT NULL'),
    };
    // Made once: better-sqlite3 builds a new wrapper (and its savepoint statements) per call otherwise.
    this.transactions = {
      purge: db.transaction((limit: number): number => {
        let left = limit;
        for (const { name } of this.statements.deletedRooms.all()) {
          this.statements.deleteReactions.run(name, left);
          left -= this.statements.deleteMessages.run(name, left).changes;
          // Fewer than asked for: none of its messages are left.
          if (left > 0) this.statements.dropRoom.run(name);
          else return limit;
        }
        this.pending = false;
        return limit - left;
      }),
    };
  }

  /** Whatever a stop left is purged in the background from now on, a chunk per turn. */
  start(): void {
    this.steps ??= inSteps(() => this.db.open && this.pending && this.purge() >= PURGE_CHUNK, PURGE_INTERVAL_MS);
  }

  stop(): void {
    this.steps?.stop();
  }

  /** Deletes up to `limit` messages of deleted rooms, and the rows of those left empty; how many messages. */
  purge(limit = PURGE_CHUNK): number {
    this.pending = true;
    this.endReading();
    return this.transactions.purge(limit);
  }
}
