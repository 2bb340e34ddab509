import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { calendar, type calendar_v3 } from '@googleapis/calendar';
import { JWT, OAuth2Client } from 'google-auth-library';
import { ConfigError } from '../config.ts';
import { googleFailure } from './google-errors.ts';
import type { GoogleConfig } from './meetings.config.ts';
import type { MeetingProvider, MeetingSpec, ProviderMeeting } from './provider.ts';
import { MeetingProviderError } from './provider.ts';

export const CALENDAR_SCOPE = 'https://www.googleapis.com/auth/calendar.events';
const GOOGLE_TOKEN_URL = 'https://oauth2.googleapis.com/token';
const REQUEST_TIMEOUT_MS = 15_000;

export interface GoogleTiming {
  /** How often, and how many times, to ask again while Google is still creating the conference. */
  pendingPollMs: number;
  pendingPolls: number;
}

/**
 * Google Meet links through the Calendar API v3: each link is a calendar event with a Meet conference. Our own event
 * id makes creation idempotent: a retry after a lost response gets 409 and reads the event instead of making a second.
 * The client library's own retries are off; the meeting worker retries with its bounded, restart-proof backoff.
 */
export function createGoogleProvider(config: GoogleConfig, timing: GoogleTiming): MeetingProvider {
  const client = googleAuthClient(config, [CALENDAR_SCOPE]);
  const api = calendar({ version: 'v3', auth: client, rootUrl: config.apiRootUrl });
  // A 401 from the API means the cached access token is dead (revoked, or the grant was): drop it, so the next attempt
  // asks the token endpoint and either works or reports invalid_grant, which a mentor can act on.
  const failure = (err: unknown) => {
    const f = googleFailure(err);
    if (f.status === 401) client.credentials = { refresh_token: client.credentials.refresh_token };
    return f;
  };
  const calendarId = config.calendarId;
  const call = (signal?: AbortSignal) => ({ retry: false, timeout: REQUEST_TIMEOUT_MS, ...(signal && { signal }) });

  async function get(externalId: string, signal?: AbortSignal): Promise<calendar_v3.Schema$Event | null> {
    try {
      const { data } = await api.events.get({ calendarId, eventId: externalId }, call(signal));
      return data.status === 'cancelled' ? null : data;
    } catch (err) {
      const f = failure(err);
      if (f.status === 404 || f.status === 410) return null;
      throw f.error;
    }
  }

  async function insert(externalId: string, spec: MeetingSpec, signal?: AbortSignal): Promise<calendar_v3.Schema$Event> {
    const requestBody: calendar_v3.Schema$Event = {
      id: externalId,
      ...eventFields(spec),
      conferenceData: { createRequest: { requestId: randomUUID(), conferenceSolutionKey: { type: 'hangoutsMeet' } } },
      ...(spec.attendees.length > 0 && { attendees: spec.attendees.map((email) => ({ email })), guestsCanSeeOtherGuests: false }),
    };
    try {
      const params = { calendarId, conferenceDataVersion: 1, sendUpdates: spec.attendees.length > 0 ? 'all' : 'none', requestBody };
      return (await api.events.insert(params, call(signal))).data;
    } catch (err) {
      const f = failure(err);
      if (f.status !== 409) throw f.error;
      // Made by an earlier attempt whose answer we never saw.
      const existing = await get(externalId, signal);
      if (!existing) throw new MeetingProviderError('The calendar event was deleted in Google Calendar; retry to make a new one', false);
      return existing;
    }
  }

  return {
    name: 'google',
    remote: true,
    async create(externalId, spec, signal) {
      let event = await insert(externalId, spec, signal);
      for (let poll = 0; conferenceState(event) === 'pending' && poll < timing.pendingPolls; poll++) {
        await new Promise((resolve) => setTimeout(resolve, timing.pendingPollMs));
        event = (await get(externalId, signal)) ?? event;
      }
      return meetingOf(event);
    },
    async update(externalId, spec, signal) {
      try {
        const params = {
          calendarId,
          eventId: externalId,
          sendUpdates: spec.attendees.length > 0 ? 'all' : 'none',
          requestBody: eventFields(spec),
        };
        await api.events.patch(params, call(signal));
      } catch (err) {
        throw failure(err).error;
      }
    },
    async cancel(externalId, signal) {
      try {
        await api.events.delete({ calendarId, eventId: externalId, sendUpdates: 'all' }, call(signal));
      } catch (err) {
        const f = failure(err);
        if (f.status !== 404 && f.status !== 410) throw f.error;
      }
    },
    async get(externalId, signal) {
      const event = await get(externalId, signal);
      return event && conferenceState(event) === 'success' ? meetingOf(event) : null;
    },
  };
}

function eventFields(spec: MeetingSpec): calendar_v3.Schema$Event {
  return {
    summary: spec.title,
    description: spec.description ?? '',
    start: { dateTime: spec.start.toISOString() },
    end: { dateTime: spec.end.toISOString() },
  };
}

function conferenceState(event: calendar_v3.Schema$Event): 'pending' | 'success' | 'failure' | 'none' {
  const code = event.conferenceData?.createRequest?.status?.statusCode;
  if (code === 'pending' || code === 'failure' || code === 'success') return code;
  return event.hangoutLink ? 'success' : 'none';
}

function meetingOf(event: calendar_v3.Schema$Event): ProviderMeeting {
  const state = conferenceState(event);
  if (state === 'pending') throw new MeetingProviderError('Google is still creating the Meet conference', true);
  if (state === 'failure') throw new MeetingProviderError('Google could not create a Meet conference for the event', false);
  const url = event.hangoutLink ?? event.conferenceData?.entryPoints?.find((e) => e.entryPointType === 'video')?.uri;
  if (!url?.startsWith('https://')) {
    throw new MeetingProviderError('Google made the event without a Meet link (is Google Meet enabled for this calendar?)', false);
  }
  return { url };
}

/**
 * OAuth2 with a refresh token, or a service account acting for a Workspace user (domain-wide delegation). `scopes`
 * matter to the service account only (a refresh token carries what was consented); each API asks for its own, so a
 * delegation that lacks the Meet scopes never breaks the Calendar links.
 */
export function googleAuthClient(config: GoogleConfig, scopes: string[]): OAuth2Client {
  const { auth, tokenUrl } = config;
  if (auth.kind === 'oauth') {
    const client = new OAuth2Client({ clientId: auth.clientId, clientSecret: auth.clientSecret, endpoints: { oauth2TokenUrl: tokenUrl } });
    client.setCredentials({ refresh_token: auth.refreshToken });
    return client;
  }
  const key = readServiceAccountKey(auth.keyFile);
  const client = new JWT({ email: key.client_email, key: key.private_key, scopes, subject: auth.subject });
  // The library sends service-account grants to Google's fixed token URL; GOOGLE_TOKEN_URL redirects them.
  if (tokenUrl !== GOOGLE_TOKEN_URL) {
    client.transporter.interceptors.request.add({
      resolved: async (options) => {
        if (String(options.url) === GOOGLE_TOKEN_URL) options.url = new URL(tokenUrl);
        return options;
      },
    });
  }
  return client;
}

function readServiceAccountKey(path: string): { client_email: string; private_key: string } {
  let key: unknown;
  try {
    key = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new ConfigError(`Invalid configuration: GOOGLE_SERVICE_ACCOUNT_KEY_FILE cannot be read as JSON (${(err as Error).message})`);
  }
  const { client_email, private_key } = (key ?? {}) as Record<string, unknown>;
  if (typeof client_email !== 'string' || typeof private_key !== 'string') {
    throw new ConfigError(
      'Invalid configuration: GOOGLE_SERVICE_ACCOUNT_KEY_FILE is not a service-account key (client_email, private_key)',
    );
  }
  return { client_email, private_key };
}
