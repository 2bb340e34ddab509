import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents } from '../../../src/realtime/protocol.ts';
import type { SessionDto } from '../../../src/sessions/sessions.schemas.ts';
import { getToken } from './auth.ts';
import { keys } from './queries.ts';
import { upsertSession } from './schedule-state.ts';

export type FeedStatus = 'connecting' | 'live' | 'reconnecting' | 'off';

/**
 * Keeps the cached session lists of these courses current over Socket.IO (course:join, course:session): a class
 * that starts, ends, is edited or cancelled shows without a reload. After every (re)join the lists are read again,
 * since nothing is replayed; updates heard while that read travels are applied again on top of it, the newer copy
 * winning. `onSession` hears each change with the copy it replaced (for announcements).
 */
export function useCourseFeed(courseIds: string[], onSession: (session: SessionDto, before: SessionDto | undefined) => void) {
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<FeedStatus>('connecting');
  const listener = useRef(onSession);
  listener.current = onSession;
  // A stable key: the effect reconnects when the set of courses changes, not on every render.
  const courses = [...new Set(courseIds)].sort().join('\n');

  useEffect(() => {
    const ids = courses ? courses.split('\n') : [];
    if (ids.length === 0) {
      setStatus('off');
      return;
    }
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io({
      auth: (cb) => cb({ token: getToken() }),
      transports: ['websocket', 'polling'],
    });
    let closed = false;
    let rereading = 0;
    const heardWhileRereading: SessionDto[] = [];

    const apply = (session: SessionDto) => {
      let before: SessionDto | undefined;
      for (const key of [keys.sessions(session.courseId), keys.sessions(null)]) {
        queryClient.setQueryData<SessionDto[]>(key, (list) => {
          before ??= list?.find((s) => s.id === session.id);
          return upsertSession(list, session);
        });
      }
      return before;
    };

    socket.on('course:session', ({ session }) => {
      if (rereading > 0) heardWhileRereading.push(session);
      const before = apply(session);
      // Only what changed is worth saying (a copy heard again after a reread is not news).
      if (!before || before.updatedAt < session.updatedAt) listener.current(session, before);
    });

    socket.on('connect', () => {
      setStatus('connecting');
      const joins = ids.map(
        (courseId) => new Promise<boolean>((resolve) => socket.emit('course:join', { courseId }, (reply) => resolve(reply.ok))),
      );
      void Promise.all(joins).then(async (replies) => {
        // Refused (not on that roster): the list's own read shows why; nothing live to wait for.
        if (!replies.some(Boolean)) return setStatus('off');
        rereading += 1;
        // Invalidation never rejects: a failed read lands in the list query's error.
        await queryClient.invalidateQueries({ queryKey: ['sessions'] });
        rereading -= 1;
        if (rereading === 0) for (const s of heardWhileRereading.splice(0)) apply(s);
        if (!closed && socket.connected) setStatus('live');
      });
    });
    socket.on('disconnect', (reason) => setStatus(reason === 'io client disconnect' ? 'off' : 'reconnecting'));
    socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
      const code = err.data?.code;
      if (code === 'TOKEN_EXPIRED' || code === 'UNAUTHENTICATED') {
        socket.disconnect();
        return setStatus('off');
      }
      setStatus('reconnecting');
      // A refused handshake (the service busy) ends Socket.IO's own retries: try again shortly.
      if (!socket.active) setTimeout(() => closed || socket.connect(), 3000);
    });
    socket.on('auth:expired', () => {
      socket.disconnect();
      setStatus('off');
    });
    return () => {
      closed = true;
      socket.disconnect();
    };
  }, [courses, queryClient]);

  return status;
}
