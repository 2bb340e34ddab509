import type { FastifyRequest } from 'fastify';

/** A calendar feed's path with its secret masked: the URL is the feed's only credential. */
export function redactFeedSecret(url: string): string {
  return url.replace(/^\/calendar\/[^/?#]+/, '/calendar/[redacted].ics');
}

/** Fastify's request log value (method, url, host, address), with a feed's secret masked in the url. */
export function requestLogValue(req: FastifyRequest) {
  return {
    method: req.method,
    url: redactFeedSecret(req.url),
    host: req.host,
    remoteAddress: req.ip,
    remotePort: req.socket?.remotePort,
  };
}
