import { z } from 'zod';
import type { RosterRole } from '../db/tables.ts';
import { mapRoles } from './lti.id-token.ts';
import type { NrpsMember } from './lti.nrps.client.ts';

/**
 * The roster role of an LMS member, by the launch's own rule (`mapRoles`), so a sync never undoes what a launch did:
 * admins reach every course by their role, so are on no roster.
 */
export function rosterRoleOf(roles: string[]): RosterRole | null {
  const role = mapRoles(roles);
  return role === 'admin' ? null : role;
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
