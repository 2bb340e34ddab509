import type { Actor } from '../auth/actor.ts';
import type { Membership } from '../auth/policies.ts';
import type { ChatListRow, ChatRow } from './chat.repo.ts';
import type { Author, ChatMessage } from './chat.schemas.ts';

/**
 * An author's role in the course: `admin` for the LMS service token, otherwise their roster role. The same rule
 * applies to a live event (from the actor) and to a listing (from the users and roster rows), so both agree.
 */
export function authorRole(tokenRole: string | null, rosterRole: string | null): Author['role'] {
  if (tokenRole === 'admin') return 'admin';
  return rosterRole === 'mentor' ? 'mentor' : 'student';
}

/** The acting user as an author. */
export function actorAsAuthor(actor: Actor, membership: Membership): Author {
  return { id: actor.id, name: actor.name, role: authorRole(actor.role, membership) };
}

/** A listed row's author. */
export function rowAuthor(
  userId: string,
  row: { author_name: string | null; token_role: string | null; roster_role: string | null },
): Author {
  return { id: userId, name: row.author_name ?? userId, role: authorRole(row.token_role, row.roster_role) };
}

export function toMessageDto(row: Pick<ChatRow, 'id' | 'type' | 'body' | 'created_at'>, author: Author): ChatMessage {
  return { id: row.id, type: row.type, body: row.body, author, createdAt: row.created_at.toISOString() };
}

export function toListedMessageDto(row: ChatListRow): ChatMessage {
  return toMessageDto(row, rowAuthor(row.user_id, row));
}
