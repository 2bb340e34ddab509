import type { Socket } from 'node:net';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { type OutageLog, RETRY_AFTER_SECONDS } from '../db/outage.ts';
import { AppError, type ErrorCode, errorBody } from '../errors.ts';

/** Fastify's own error codes that are the client's fault, mapped to ours. */
const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'VALIDATION_FAILED',
};

/**
 * Errors Fastify raises before routing (a malformed URL, an over-long path parameter), in our envelope.
 * Passed to Fastify as the `frameworkErrors` option.
 */
export function frameworkErrors(err: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const appError =
    err.code === 'FST_ERR_MAX_PARAM_LENGTH'
      ? new AppError('URI_TOO_LONG', 'A path parameter is too long')
      : new AppError('VALIDATION_FAILED', 'The request URL is malformed');
  return reply.code(appError.status).send(errorBody(appError));
}

/**
 * JSON bodies only, with prototype-poisoning keys refused. An empty body with a JSON content type (many clients send
 * one on POST or DELETE without a payload) counts as no body rather than malformed JSON.
 */
export function registerJsonParser(app: FastifyInstance): void {
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = body.toString();
    if (text.trim() === '') return done(null, undefined);
    parseJson(request, text, done);
  });
}

/**
 * A node that is stopping answers new requests with the API's own retryable 503 (Fastify's built-in one has another
 * shape and no Retry-After), and stops its outage probe before the database closes under it.
 */
export function refuseWhileClosing(app: FastifyInstance, outage: OutageLog): void {
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
    outage.stop();
  });
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing) return;
    const e = new AppError('SERVICE_UNAVAILABLE', 'The service is restarting; retry shortly');
    return reply.code(e.status).header('retry-after', RETRY_AFTER_SECONDS).header('connection', 'close').send(errorBody(e));
  });
}

/**
 * One error handler: stable codes for clients, internals only in the log. A database outage is a retryable 503 with
 * Retry-After, logged once per episode by `outage` rather than once per request.
 */
export function registerErrorHandling(app: FastifyInstance, outage: OutageLog): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    // A 4xx carries the client's own failure (an upload it aborted is an ECONNRESET too), never the database's.
    if (!(err.statusCode && err.statusCode < 500) && outage.report(err)) {
      const e = new AppError('SERVICE_UNAVAILABLE', 'The database is unavailable; retry shortly');
      return reply.code(e.status).header('retry-after', RETRY_AFTER_SECONDS).send(errorBody(e));
    }
    const appError = toAppError(err);
    // The access log's lines are `info`: a 5xx names its request and user itself, for a log kept at `warn`.
    if (appError.status >= 500) request.log.error({ err, req: request, userId: request.actor?.id }, 'request failed');
    else request.log.info({ code: appError.code }, appError.message);
    return reply.code(appError.status).send(errorBody(appError));
  });

  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const e = new AppError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`);
    return reply.code(404).send(errorBody(e));
  });
}

function toAppError(err: FastifyError): AppError {
  if (err instanceof AppError) return err;
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = err.validationContext ?? 'body';
    const details = err.validation.flatMap((v) => {
      const path = [where, ...v.instancePath.split('/').filter(Boolean)];
      // An unknown field is reported on its own name, not on the object that holds it.
      const keys = v.keyword === 'unrecognized_keys' ? (v.params as { keys?: string[] }).keys : undefined;
      if (keys?.length) return keys.map((k) => ({ field: [...path, k].join('.'), message: 'is not a known field' }));
      return [{ field: path.join('.'), message: v.message ?? 'is invalid' }];
    });
    // One message per field: a value that fails its format need not also hear it fails the calendar check.
    const unique = details.filter((d, i) => details.findIndex((o) => o.field === d.field) === i);
    const first = unique[0];
    return new AppError('VALIDATION_FAILED', first ? `${first.field}: ${first.message}` : 'Invalid request', unique);
  }
  if (isResponseSerializationError(err)) return new AppError('INTERNAL', 'Internal server error');
  const mapped = err.code ? FASTIFY_CODES[err.code] : undefined;
  if (mapped) return new AppError(mapped, clientMessage(mapped, err));
  if (err.statusCode === 429) return new AppError('RATE_LIMITED', err.message);
  if (err.statusCode && err.statusCode >= 400 && err.statusCode < 500) {
    return new AppError('VALIDATION_FAILED', err.message);
  }
  return new AppError('INTERNAL', 'Internal server error');
}

function clientMessage(code: ErrorCode, err: FastifyError): string {
  switch (code) {
    case 'INVALID_JSON':
      return 'The request body is not valid JSON (keys such as __proto__ are refused)';
    case 'PAYLOAD_TOO_LARGE':
      return 'The request body is too large';
    case 'UNSUPPORTED_MEDIA_TYPE':
      return 'Send the request body as application/json';
    default:
      return err.message;
  }
}

/**
 * Requests Node's HTTP parser rejects before Fastify sees them (oversized headers, a garbled request line) still get
 * our error body. Passed to Fastify as `clientErrorHandler`.
 */
export function clientErrorHandler(err: NodeJS.ErrnoException, socket: Socket): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const e = tooLarge
    ? new AppError('HEADERS_TOO_LARGE', 'The request headers are too large')
    : new AppError('VALIDATION_FAILED', 'The HTTP request is malformed');
  const body = JSON.stringify(errorBody(e));
  const reason = tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${e.status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}
