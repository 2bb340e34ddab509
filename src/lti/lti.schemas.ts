import { z } from 'zod';
import { text, uuid } from '../http/common.schemas.ts';

/** An absolute http(s) URL of the platform (https in production; http is accepted for a local LMS). */
const platformUrl = (what: string) =>
  z
    .url({ protocol: /^https?$/, message: 'must be an absolute http(s) URL' })
    .max(2000)
    .meta({ description: what });

export const platformParams = z.strictObject({ platformId: uuid });
export const keyParams = z.strictObject({ kid: z.string().min(1).max(200) });

/** Manual registration: what the LMS shows on its tool registration page. */
export const registerPlatformBody = z.strictObject({
  name: text(1, 200).meta({ description: 'A name for admins, e.g. "Moodle (main campus)".' }),
  issuer: platformUrl("The platform's issuer (`iss` of its id_tokens), e.g. `https://moodle.example.edu`."),
  clientId: text(1, 500).meta({ description: 'The client id the platform gave this tool.' }),
  deploymentIds: z
    .array(text(1, 255))
    .min(1)
    .max(100)
    .refine((ids) => new Set(ids).size === ids.length, 'must not list a deployment twice')
    .meta({ description: 'The deployment ids launches may come from; a launch from any other is refused.' }),
  authLoginUrl: platformUrl("The platform's OIDC authentication request URL."),
  tokenUrl: platformUrl("The platform's OAuth 2 access token URL (for NRPS and AGS)."),
  jwksUrl: platformUrl("The platform's public keyset (JWKS) URL."),
});
export type RegisterPlatformBody = z.infer<typeof registerPlatformBody>;

export const platformSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    issuer: z.string(),
    clientId: z.string(),
    deploymentIds: z.array(z.string()),
    authLoginUrl: z.string(),
    tokenUrl: z.string(),
    jwksUrl: z.string(),
    registeredVia: z.enum(['manual', 'dynamic']).meta({ description: 'By an admin here, or by Dynamic Registration.' }),
    courseIdPrefix: z.string().meta({ description: 'Course and user ids from this platform start with it, e.g. `lti:k2x9a0bq:`.' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'LtiPlatform' });

export const platformList = z.object({ platforms: z.array(platformSchema) });

/** The URLs an LMS admin pastes into the LMS (see docs/lti.md). */
export const toolConfigSchema = z.object({
  loginUrl: z.string().meta({ description: 'OIDC login initiation URL.' }),
  launchUrl: z.string().meta({ description: 'Redirect (launch) URL; also the target link URI.' }),
  deepLinkUrl: z.string().meta({ description: 'Deep Linking (content selection) URL: the same launch URL.' }),
  jwksUrl: z.string().meta({ description: "The tool's public keyset." }),
});

export const keySchema = z.object({
  kid: z.string(),
  alg: z.literal('RS256'),
  createdAt: z.string(),
  signing: z.boolean().meta({ description: 'The one key that signs now.' }),
  retiresAt: z.string().nullable().meta({ description: 'When a superseded key stops being published and accepted.' }),
});
export const keyList = z.object({ keys: z.array(keySchema) });

export const rotateKeysBody = z
  .strictObject({
    retirePreviousNow: z
      .boolean()
      .default(false)
      .meta({ description: 'Retire the previous key at once (after a leak) instead of after the 24 h grace period.' }),
  })
  .default({ retirePreviousNow: false });

export const registrationLinkSchema = z.object({
  url: z.string().meta({ description: 'The one-time Dynamic Registration URL to paste into the LMS.' }),
  expiresAt: z.string(),
});

/** The postMessage-storage step of a launch: the page posts back what it read from the platform's storage. */
export const launchCompletionBody = z.strictObject({
  id_token: z.string().min(1).max(100_000),
  state: z.string().min(1).max(200),
  secret: z.string().min(1).max(200),
});
export const launchResult = z.object({
  redirect: z.string().meta({ description: 'Where the browser goes: `/launch#token=…&course=…` (fragment, never sent).' }),
});

export const deepLinkParams = z.strictObject({ deepLinkId: uuid });
export const deepLinkSchema = z.object({
  id: z.string(),
  courseId: z.string(),
  acceptMultiple: z.boolean(),
  expiresAt: z.string(),
});
export const deepLinkResponseBody = z.strictObject({
  sessionIds: z.array(uuid).min(1).max(50).meta({ description: 'The classes to place in the LMS, in order.' }),
});
export const deepLinkResponseSchema = z.object({
  returnUrl: z.string().meta({ description: 'Post the form here (the LMS).' }),
  jwt: z.string().meta({ description: 'The signed LtiDeepLinkingResponse, posted as the form field `JWT`.' }),
});
