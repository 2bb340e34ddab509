import { z } from 'zod';
import { text } from '../http/common.schemas.ts';

/** User ids and course ids come from the LMS: opaque, printable, bounded. */
export const externalId = z
  .string()
  .min(1)
  .max(100)
  .regex(/^[A-Za-z0-9._:@|-]+$/, 'may contain only letters, digits and . _ : @ | -');

export const tokenRole = z.enum(['student', 'mentor', 'admin']);

/** A role on a course roster (admins are never on rosters). */
export const rosterRole = z.enum(['student', 'mentor']);

export const emailAddress = z.email().max(320);

/** The claims every token must carry (besides `exp`). */
export const claimsSchema = z.object({
  sub: externalId.meta({ description: 'The LMS user id.' }),
  name: text(1, 200).meta({ description: 'Display name shown to other participants.' }),
  role: tokenRole.meta({ description: "`student`, `mentor` or `admin` (the LMS's service token)." }),
  email: emailAddress.optional().meta({ description: 'Optional; used for meeting invitations.' }),
});

export type Claims = z.infer<typeof claimsSchema>;

/** The authenticated caller, as every service method receives it. */
export interface Actor {
  id: string;
  name: string;
  role: Claims['role'];
  email: string | null;
  /** Client address, for the audit log. */
  ip: string | null;
}
