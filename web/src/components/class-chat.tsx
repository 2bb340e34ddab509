import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from 'react';
import type { ChatMessage } from '../../../src/chat/chat.schemas.ts';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import type { Classroom } from '../lib/classroom.ts';
import { ActionError, ClassTime, closedBecause, connected, useAction } from './class-action.tsx';

interface ChatProps {
  session: SessionDto;
  messages: ChatMessage[];
  room: Classroom | null;
  manages: boolean;
  /** False while its phone tab is not shown: the list lost its scroll position, so coming back goes to the newest. */
  visible?: boolean;
}

/** The class chat: messages as plain text, a send form, and per-message deletion for course managers. */
export function ClassChat({ session, messages, room, manages, visible = true }: ChatProps) {
  const list = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);

  // Follow new messages only while the reader is at the bottom, so scrolling back to read is not interrupted.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when a message arrives; the count is the trigger, not an input.
  useEffect(() => {
    const el = list.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [messages.length, visible]);

  return (
    <section aria-labelledby="class-chat-heading" className="panel class-section">
      <h2 id="class-chat-heading">Chat</h2>
      <div
        ref={list}
        role="log"
        aria-label="Conversation"
        tabIndex={0}
        className="class-scroll"
        onScroll={(e) => {
          const el = e.currentTarget;
          atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
        }}
      >
        {messages.length === 0 ? (
          <p className="muted">No messages yet.</p>
        ) : (
          <ol className="class-list">
            {messages.map((m) => (
              <ChatItem key={m.id} message={m} room={room} manages={manages} />
            ))}
          </ol>
        )}
      </div>
      <ChatForm session={session} room={room} />
    </section>
  );
}

function ChatItem({ message, room, manages }: { message: ChatMessage; room: Classroom | null; manages: boolean }) {
  return (
    <li className="class-item">
      <p className="class-meta">
        <strong>{message.author.name}</strong>
        {message.author.role !== 'student' && <span className="class-tag">{message.author.role}</span>}
        <ClassTime at={message.createdAt} />
        {manages && <MessageMenu message={message} room={room} />}
      </p>
      <p className="class-text">{message.body}</p>
    </li>
  );
}

/**
 * A mentor's actions on one message, behind a small "⋯" button (a disclosure: Escape or a second press closes it),
 * so a busy chat is not a column of Delete buttons.
 */
function MessageMenu({ message, room }: { message: ChatMessage; room: Classroom | null }) {
  const del = useAction();
  const [open, setOpen] = useState(false);
  const id = useId();
  return (
    <span className="class-push class-menu">
      <button
        type="button"
        className="secondary class-small class-menu-button"
        aria-expanded={open}
        aria-controls={`${id}-menu`}
        aria-label={`Actions for what ${message.author.name} wrote`}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
      >
        ⋯
      </button>
      {open && (
        <span id={`${id}-menu`} className="class-menu-panel">
          <button
            type="button"
            className="danger class-small"
            disabled={del.pending}
            onKeyDown={(e) => e.key === 'Escape' && setOpen(false)}
            onClick={() => void del.run(() => connected(room).request('chat:delete', { messageId: message.id }))}
          >
            Delete message
          </button>
          <ActionError error={del.error} />
        </span>
      )}
    </span>
  );
}

function ChatForm({ session, room }: { session: SessionDto; room: Classroom | null }) {
  const [body, setBody] = useState('');
  const send = useAction();
  const id = useId();
  const closedNote = closedBecause(session, session.settings.chatEnabled, 'Chat');

  async function submit(e?: FormEvent) {
    e?.preventDefault();
    if (!body.trim()) return send.fail('Write a message first.');
    const sent = await send.run(() => connected(room).request('chat:send', { sessionId: session.id, body }));
    if (sent) setBody('');
  }

  // Enter sends, Shift+Enter starts a new line, as in most chat apps.
  function onKeyDown(e: KeyboardEvent<HTMLTextAreaElement>) {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void submit();
    }
  }

  return (
    <form onSubmit={(e) => void submit(e)} className="class-form">
      <label htmlFor={`${id}-body`}>Message</label>
      <textarea
        id={`${id}-body`}
        rows={2}
        maxLength={2000}
        value={body}
        onChange={(e) => setBody(e.target.value)}
        onKeyDown={onKeyDown}
        aria-describedby={closedNote ? `${id}-note` : undefined}
      />
      {closedNote && (
        <p id={`${id}-note`} className="muted">
          {closedNote}
        </p>
      )}
      <button type="submit" disabled={send.pending || closedNote !== null}>
        Send
      </button>
      <ActionError error={send.error} />
    </form>
  );
}
