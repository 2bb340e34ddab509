import { randomBytes } from 'node:crypto';

export interface MeetingLink {
  provider: string;
  url: string | null;
  status: 'pending' | 'ready' | 'failed';
}

/**
 * Creates the meeting link a new session starts with. Today: a Jitsi room whose name carries 128 random bits, so it
 * cannot be guessed; it needs no API call and works on a fresh install. (Google Meet and pasted links come next.)
 */
export function createMeetingLinkFactory(jitsiBaseUrl: string) {
  return (title: string): MeetingLink => {
    const slug = title.normalize('NFKD').replace(/[^A-Za-z0-9]+/g, '').slice(0, 24) || 'Class';
    return { provider: 'jitsi', url: `${jitsiBaseUrl}/SkillProbe-${slug}-${randomBytes(16).toString('hex')}`, status: 'ready' };
  };
}
