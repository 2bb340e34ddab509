import { randomBytes } from 'node:crypto';
import { SignJWT } from 'jose';
import type { MeetingConfig } from './meetings.config.ts';
import type { MeetingProvider } from './provider.ts';

const TOKEN_MARGIN_MS = 2 * 3600_000;

/**
 * Jitsi rooms need no API call: the room name carries 128 random bits, so it cannot be guessed, and the link works
 * as soon as the session is saved.
 */
export function createJitsiProvider(baseUrl: string): MeetingProvider & { newRoom(title: string): string } {
  return {
    name: 'jitsi',
    remote: false,
    newRoom(title) {
      const slug =
        title
          .normalize('NFKD')
          .replace(/[^A-Za-z0-9]+/g, '')
          .slice(0, 24) || 'Class';
      return `SkillProbe-${slug}-${randomBytes(16).toString('hex')}`;
    },
    create: async (room) => ({ url: `${baseUrl}/${room}` }),
    update: async () => {},
    cancel: async () => {},
    get: async (room) => ({ url: `${baseUrl}/${room}` }),
  };
}

export interface JitsiViewer {
  id: string;
  name: string;
  email: string | null;
  moderator: boolean;
}

/**
 * With JITSI_APP_ID / JITSI_APP_SECRET, rooms are JWT-secured (Prosody token auth): each person's link carries their
 * own token for that room only, valid until well after the class, with the moderator claim for mentors and admins.
 */
export async function personalJitsiUrl(jitsi: MeetingConfig['jitsi'], room: string, viewer: JitsiViewer, classEnd: Date): Promise<string> {
  const url = `${jitsi.baseUrl}/${room}`;
  if (!jitsi.app) return url;
  const affiliation = viewer.moderator ? 'owner' : 'member';
  const token = await new SignJWT({
    room,
    context: { user: { id: viewer.id, name: viewer.name, email: viewer.email ?? undefined, moderator: viewer.moderator, affiliation } },
    moderator: viewer.moderator,
  })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(jitsi.app.id)
    .setAudience('jitsi')
    .setSubject(new URL(jitsi.baseUrl).hostname)
    .setNotBefore(Math.floor(Date.now() / 1000) - 60)
    .setExpirationTime(Math.floor((Math.max(Date.now(), classEnd.getTime()) + TOKEN_MARGIN_MS) / 1000))
    .sign(jitsi.app.secret);
  return `${url}?jwt=${token}`;
}
