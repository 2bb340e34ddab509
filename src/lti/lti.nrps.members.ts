import { z } from 'zod';
import type { RosterRole } from '../db/tables.ts';
import type { NrpsMember } from './lti.nrps.client.ts';

/**
 * LIS role URIs (and short forms) as the launch reads them (H1's `mapRoles` in lti.id-token.ts): one rule, so a sync
 * never undoes what a launch did. At merge the lead may point rosterRoleOf at mapRoles itself.
 */
const ADMIN_ROLES = [
  'http://purl.imsglobal.org/vocab/lis/v2/system/person#Administrator',
  'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Administrator',
];
const MENTOR_ROLES = [
  'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor',
  'http://purl.imsglobal.org/vocab/lis/v2/membership/Instructor#TeachingAssistant',
  'http://purl.imsglobal.org/vocab/lis/v2/membership#Administrator',
  'Instructor',
  'TeachingAssistant',
];

/**
 * A member's place on the roster from their LMS roles, as at launch: Instructor, TeachingAssistant (and the course's
 * own Administrator) → mentor; a system or institution Administrator → admin, and admins are never on rosters (their
 * token reaches every course): null; anyone else (Learner, and roles such as Observer) → student.
 */
export function rosterRoleOf(roles: string[]): RosterRole | null {
  if (roles.some((r) => ADMIN_ROLES.includes(r))) return null;
  if (roles.some((r) => MENTOR_ROLES.includes(r))) return 'mentor';
  return 'student';
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
