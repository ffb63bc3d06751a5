// An edit, a deletion and a reaction toggle on PostgreSQL, each ONE statement and so one round trip
// and a transaction of its own (changes.ts runs them; the group commit runs them after the other
// writes of their turn, or the first of them in the statement of a turn of messages alone:
// `withMessages`): a data-modifying CTE that locks the change counter, then the message's row,
// toggles the reaction under the cap on distinct emoji, takes the next change number, sets it, and
// returns the message's columns with its reactions (JSON), and a `state` saying what it did.
//
// Why the numbers stay dense and committed in order (what ../../chat/changeSequencer.ts relies on):
// every change takes `change_ids`' row lock first (`counter`, before anything else it locks) and
// holds it until its statement commits, and bumps `last` by one only when it makes its change (the
// UPDATE of `numbered` depends on the decision; a change that is refused takes no number). So
// changes commit one at a time in number order on every process, with no number left unused.
//
// Why two processes' changes to one message take turns, and why the cap holds. Under READ
// COMMITTED the statement reads with one snapshot, taken when it starts, before it waits for the
// locks: the rows it locks are read as they are once it holds them (PostgreSQL re-reads a row it
// waited for: `target` sees a deletion committed meanwhile), but the reactions it counts and lists
// are the snapshot's. A toggle committed on another process after the snapshot and before the
// lock would go uncounted (two toggles could both pass the cap, and the list sent out would miss
// one). Every change to a message's reactions (a toggle, a deletion) sets one of the message's
// change numbers in the same statement, under the row's lock; so when the locked row carries the
// change numbers the snapshot saw (`fresh`), nothing changed its reactions since, and the snapshot
// is current for it. When it does not, the statement changes nothing, takes no number and says
// `stale`; it runs again (changes.ts), with a snapshot taken after that commit. Locking the counter
// before the row, in every change, keeps two changes from waiting for each other's lock.
import { SELECTED, WITH_USERS, type MessageRow } from '../rows.js';
import type { ReactionRow } from '../changes.js';
import type { Prepared } from './pool.js';

const prepared = (name: string, text: string): Prepared => ({ name, text });

/** The last change committed, as a statement's snapshot sees it: every change up to it is visible then. */
export const LAST_CHANGE = 'SELECT last FROM change_ids WHERE one = 1';

/** The counter's lock, which every change takes before anything else and holds until it commits (the argument above). */
export const LOCK_COUNTER = `${LAST_CHANGE} FOR UPDATE`;

/**
 * What a change statement did: `gone` (no such message, or it is deleted), `stale` (run it again:
 * see above), `refused` (a toggle: a new emoji past the cap; an edit: the text it has already), or
 * `done`, with the message's row and reactions.
 */
export type ChangeState = 'gone' | 'stale' | 'refused' | 'done';

/** A change statement's row: its state, and the message after the change (its columns are NULL unless `done`). */
export type StatementRow = { state: ChangeState; reactions: Omit<ReactionRow, 'message_id'>[] | null } & MessageRow;

/**
 * The counter's lock, then the message's (`$1`), unless it is deleted, and whether the snapshot is
 * current for it. In that order: `target` joins `counter`, and a row is locked once the join has
 * produced it, so only after `counter` holds its lock.
 */
const COUNTER = `counter AS (${LOCK_COUNTER})`;
/** The counter locked once `taken` has locked `message_ids` (withMessages). */
const COUNTER_AFTER_IDS = 'counter AS (SELECT last FROM change_ids, taken WHERE one = 1 FOR UPDATE OF change_ids)';
const LOCKED = `${COUNTER},
  seen AS (SELECT text_change, reactions_change FROM messages WHERE id = $1::bigint),
  target AS (
    SELECT m.id, m.data, m.text_change IS NOT DISTINCT FROM seen.text_change AND m.reactions_change IS NOT DISTINCT FROM seen.reactions_change AS fresh
    FROM counter, seen, messages m WHERE m.id = $1::bigint AND m.deleted_at IS NULL FOR UPDATE OF m)`;

/** The next change number, taken only when the CTE `decided` has a row (the change is made). */
const numbered = (decided: string) => `numbered AS (UPDATE change_ids SET last = last + 1 FROM ${decided} WHERE one = 1 RETURNING last)`;
/** A deletion is made when the message is there (not deleted) and the snapshot current (an edit has its own: the text new too). */
const MADE = `made AS (SELECT id FROM target WHERE fresh)`;

/**
 * The statement's one row: what it did, and the message as `changed` left it, with its reactions
 * (`listed`: seq, emoji, user_id) in the order they were made, as the other reads give them.
 */
const OUTCOME = `SELECT s.state, c.* FROM (SELECT CASE
    WHEN NOT EXISTS (SELECT FROM target) THEN 'gone'
    WHEN NOT (SELECT fresh FROM target) THEN 'stale'
    WHEN NOT EXISTS (SELECT FROM numbered) THEN 'refused'
    ELSE 'done' END AS state) s
  LEFT JOIN (SELECT ${SELECTED},
      (SELECT json_agg(json_build_object('emoji', l.emoji, 'id', ru.id, 'name', ru.name, 'image', ru.image, 'deleted', ru.deleted_at IS NOT NULL) ORDER BY l.seq)
        FROM listed l JOIN users ru ON ru.id = l.user_id) AS reactions
    FROM changed m ${WITH_USERS}) c ON true`;

/** The reactions the message has (the snapshot's, current for it when `fresh`), once a change is made. */
const UNCHANGED_REACTIONS = `listed AS (SELECT r.seq, r.emoji, r.user_id FROM reactions r, numbered WHERE r.message_id = $1::bigint)`;

/** Each change's CTEs, after WITH, its outcome (OUTCOME) to follow. */
const CHANGE_CTES = {
  /** $1 the message, $2 its new text, $3 its mentions (encodeMentions), $4 when. */
  edit: `${LOCKED},
    made AS (SELECT id FROM target WHERE fresh AND data IS DISTINCT FROM $2::text),
    ${numbered('made')},
    changed AS (UPDATE messages m SET data = $2::text, mentions = $3::text, edited_at = $4::bigint, text_change = numbered.last
      FROM numbered WHERE m.id = $1::bigint RETURNING m.*),
    ${UNCHANGED_REACTIONS}`,
  /** $1 the message, $2 when: its text goes (a placeholder stays), with its mentions and reactions. */
  delete: `${LOCKED},
    ${MADE},
    ${numbered('made')},
    changed AS (UPDATE messages m SET data = '', mentions = NULL, deleted_at = $2::bigint, text_change = numbered.last
      FROM numbered WHERE m.id = $1::bigint RETURNING m.*),
    dropped AS (DELETE FROM reactions r USING numbered WHERE r.message_id = $1::bigint),
    listed AS (SELECT NULL::bigint AS seq, NULL::text AS emoji, NULL::text AS user_id WHERE false)`,
  /**
   * $1 the message, $2 the emoji, $3 the user, $4 the cap on distinct emoji: takes the user's
   * reaction away when they had it (always allowed), else adds it when the message has fewer than
   * $4 distinct emoji or has this one already (`refused` otherwise).
   */
  toggle: `${LOCKED},
    unreacted AS (DELETE FROM reactions r USING target
      WHERE target.fresh AND r.message_id = target.id AND r.emoji = $2::text AND r.user_id = $3::text RETURNING r.seq),
    emojis AS (SELECT count(DISTINCT emoji) AS n, coalesce(bool_or(emoji = $2::text), false) AS has FROM reactions WHERE message_id = $1::bigint),
    toggled AS (SELECT target.id FROM target, emojis
      WHERE target.fresh AND (EXISTS (SELECT FROM unreacted) OR emojis.has OR emojis.n < $4::integer)),
    reacted AS (INSERT INTO reactions (message_id, emoji, user_id)
      SELECT id, $2::text, $3::text FROM toggled WHERE NOT EXISTS (SELECT FROM unreacted) RETURNING seq, emoji, user_id),
    ${numbered('toggled')},
    changed AS (UPDATE messages m SET reactions_change = numbered.last FROM numbered WHERE m.id = $1::bigint RETURNING m.*),
    listed AS (
      SELECT r.seq, r.emoji, r.user_id FROM reactions r, toggled WHERE r.message_id = toggled.id AND r.seq NOT IN (SELECT seq FROM unreacted)
      UNION ALL SELECT seq, emoji, user_id FROM reacted)`,
};

export type ChangeKind = keyof typeof CHANGE_CTES;

/** The statements alone, prepared (pool.ts, Prepared): each is planned in about twice the time it takes to run. */
export const CHANGE_SQL: Record<ChangeKind, Prepared> = {
  edit: prepared('change_edit', `WITH ${CHANGE_CTES.edit} ${OUTCOME}`),
  delete: prepared('change_delete', `WITH ${CHANGE_CTES.delete} ${OUTCOME}`),
  toggle: prepared('change_toggle', `WITH ${CHANGE_CTES.toggle} ${OUTCOME}`),
};

/**
 * A change in the statement that adds its turn's messages (messages.ts, `TAKING_IDS`, whose CTE
 * `taken` locks `message_ids`): one round trip and one commit for the turn. Its parameters come
 * after the messages' `parameters`, and its counter is locked after `taken` (joined to it), so that
 * `message_ids` is locked first as in every transaction (messageIds.ts); the argument above holds
 * as it is (a snapshot older than both locks is what `fresh` is for). One row: `before` (the id
 * before the messages'), and `change`, the change's row as JSON.
 */
export function withMessages(kind: ChangeKind, messagesCtes: string, parameters: number): Prepared {
  const shift = (text: string) => text.replace(/\$(\d+)/g, (_all, n: string) => `$${Number(n) + parameters}`);
  const ctes = shift(CHANGE_CTES[kind]).replace(COUNTER, COUNTER_AFTER_IDS);
  return prepared(`messages_and_${kind}`, `WITH ${messagesCtes}, ${ctes}
    SELECT (SELECT before FROM taken) AS before, (SELECT row_to_json(o) FROM (${shift(OUTCOME)}) o) AS change`);
}
