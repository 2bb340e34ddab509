import { createJitsiProvider } from './jitsi.provider.ts';
import type { GoogleConfig, MeetingConfig } from './meetings.config.ts';
import { type MeetingProvider, MeetingProviderError } from './provider.ts';

export interface MeetingProviders {
  google: MeetingProvider;
  jitsi: ReturnType<typeof createJitsiProvider>;
  manual: MeetingProvider;
}

/** A pasted link is its own id: nothing to create, change or delete anywhere. */
const manualProvider: MeetingProvider = {
  name: 'manual',
  remote: false,
  create: async (url) => ({ url }),
  update: async () => {},
  cancel: async () => {},
  get: async (url) => ({ url }),
};

/** Sessions made while Google was configured may outlive the configuration; their jobs then fail with a reason. */
const googleMissing: MeetingProvider = {
  name: 'google',
  remote: true,
  create: () => Promise.reject(notConfigured()),
  update: () => Promise.reject(notConfigured()),
  cancel: () => Promise.reject(notConfigured()),
  get: () => Promise.reject(notConfigured()),
};

function notConfigured() {
  return new MeetingProviderError('Google Calendar is not configured on this server', false);
}

/** Every provider, whether or not the operator offers it for new sessions: existing sessions keep theirs. */
export async function createMeetingProviders(config: MeetingConfig): Promise<MeetingProviders> {
  return {
    google: config.google ? await loadGoogleProvider(config.google, config.retry.baseMs) : googleMissing,
    jitsi: createJitsiProvider(config.jitsi.baseUrl),
    manual: manualProvider,
  };
}

/**
 * Google's client libraries (the Calendar API, its auth library and their dependencies) are loaded only when Google is
 * configured: a server without it would hold them in memory for nothing (docs/performance.md).
 */
async function loadGoogleProvider(google: GoogleConfig, retryBaseMs: number): Promise<MeetingProvider> {
  const { createGoogleProvider } = await import('./google.provider.ts');
  return createGoogleProvider(google, { pendingPollMs: Math.min(1000, retryBaseMs), pendingPolls: 5 });
}
