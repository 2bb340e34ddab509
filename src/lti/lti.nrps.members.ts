import { z } from 'zod';
import type { RosterRole } from '../db/tables.ts';
import type { NrpsMember } from './lti.nrps.client.ts';

/**
 * The short name of an LTI role URI: `http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor` → `Instructor`,
 * the sub-role `…/membership/Instructor#TeachingAssistant` → `TeachingAssistant`, the simple name `Learner` as it is.
 */
export function roleName(uri: string): string {
  const hash = uri.lastIndexOf('#');
  if (hash >= 0) return uri.slice(hash + 1);
  return uri.slice(Math.max(uri.lastIndexOf('/'), uri.lastIndexOf(':')) + 1);
}

/**
 * A member's place on the roster from their LMS roles: Instructor or TeachingAssistant → mentor (the stronger role
 * wins), Learner → student. Administrator maps to the admin token role at launch, and admins are never on rosters;
 * any other role (Observer, Mentor, ContentDeveloper) gives no place either: null.
 */
export function rosterRoleOf(roles: string[]): RosterRole | null {
  const names = new Set(roles.map(roleName));
  if (names.has('Instructor') || names.has('TeachingAssistant')) return 'mentor';
  if (names.has('Learner')) return 'student';
  return null;
}

/** NRPS: a member is Active unless it says otherwise; Inactive (and Deleted, in a differences list) leave the roster. */
export const isActive = (member: NrpsMember): boolean => (member.status ?? 'Active') === 'Active';

const email = z.email().max(320);

/** A member's display name as the roster stores it (1–200 characters), or undefined to keep the one we have. */
export function displayName(member: NrpsMember): string | undefined {
  const full = member.name?.trim() || [member.given_name, member.family_name].filter(Boolean).join(' ').trim();
  return full ? full.replaceAll('\u0000', '').slice(0, 200) : undefined;
}

export interface RosterEntry {
  /** Our user id (namespaced per platform). */
  userId: string;
  /** The LMS's user id, for lti_users and for scores. */
  sub: string;
  name?: string;
  email?: string;
  role: RosterRole;
}

/** The roster the membership asks for: active members with a roster role, under our user ids. */
export function rosterFromMembership(members: NrpsMember[], userIdOf: (sub: string) => string): RosterEntry[] {
  const entries: RosterEntry[] = [];
  for (const member of members) {
    const role = rosterRoleOf(member.roles);
    if (!role || !isActive(member)) continue;
    const mail = email.safeParse(member.email);
    entries.push({
      userId: userIdOf(member.user_id),
      sub: member.user_id,
      name: displayName(member),
      email: mail.success ? mail.data : undefined,
      role,
    });
  }
  return entries;
}
