import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  HTTPModuleFunctions,
  type HTTPReceiver,
  type ReceiverProcessEventErrorHandlerArgs,
} from '@slack/bolt';
import type { Logger } from '../../log.js';

export interface GuardOptions {
  signingSecret: string;
  /** The receiver's event endpoints, e.g. ['/slack/events']. */
  endpoints: string[];
  log: Logger;
}

/**
 * What is read of an unverified body: the signature covers the whole body, so anything up to the cap
 * is read by anyone who can reach the port. Slack sends far less. Commands and interactions come as
 * forms: a slash command carries at most a few KB of text, an interaction the message clicked
 * (at most 50 blocks of at most 3,000 characters) or a view (at most 100 blocks). Events API
 * callbacks come as JSON and may carry a whole message or view, so they get more room.
 * Bolt's own default is 4 MB; the receiver is given `slackBodyLimits.json` as its limit too, and
 * reuses the body read here without measuring it again.
 */
export const slackBodyLimits = { form: 256 * 1024, json: 1024 * 1024 } as const;

/** The cap for a request, from its declared content type (an attacker choosing JSON gets 1 MB, no more). */
function bodyLimitFor(req: IncomingMessage): number {
  const type = req.headers['content-type'] ?? '';
  return type.toLowerCase().startsWith('application/json') ? slackBodyLimits.json : slackBodyLimits.form;
}

/**
 * Puts a check in front of Bolt's request listener for the event endpoints: a request whose signature
 * holds but whose body is not a JSON object (`null`, a number, a string, an array, or `payload=` holding
 * one of those) is answered 400 at once. Bolt 5.1 reads `body.ssl_check` before anything else, so a
 * `null` body made its handler throw: the request was never answered and the rejection went unhandled.
 *
 * A body over `slackBodyLimits` is answered 413 before the signature can be checked, and the rest of
 * it is not read. Otherwise the signature is checked first, with Bolt's own function: a forged or stale
 * request is handed on to Bolt unchanged, which answers 401 as before. Everything else (other paths,
 * good bodies) reaches Bolt untouched; the body read here is kept on the request, and Bolt reuses it
 * instead of reading again.
 */
export function guardEventBodies(receiver: HTTPReceiver, options: GuardOptions): void {
  const boltListener = receiver.requestListener;
  const log = options.log.child({ component: 'slack-guard' });
  receiver.requestListener = (req, res) => {
    if (!isEventPost(req, options.endpoints)) return boltListener(req, res);
    check(req, res, options, log).then(
      (pass) => {
        if (pass) boltListener(req, res);
      },
      (error: unknown) => {
        // Not expected: every step above answers for itself. Still, never leave a request hanging.
        log.error({ err: error }, 'checking a Slack request failed');
        answer(res, 500, 'internal error');
      },
    );
  };
}

/** True when Bolt should go on with the request; otherwise the request has been answered. */
async function check(
  req: IncomingMessage,
  res: ServerResponse,
  options: GuardOptions,
  log: Logger,
): Promise<boolean> {
  const bodyLimit = bodyLimitFor(req);
  // A declared length over the cap is refused before a byte of the body is read.
  if (Number(req.headers['content-length'] ?? 0) > bodyLimit) {
    refuseTooLarge(res, bodyLimit, log);
    return false;
  }
  let buffered: Awaited<ReturnType<typeof HTTPModuleFunctions.parseAndVerifyHTTPRequest>>;
  try {
    buffered = await HTTPModuleFunctions.parseAndVerifyHTTPRequest(
      { enabled: true, signingSecret: options.signingSecret, bodyLimit },
      req,
    );
  } catch (error) {
    // Read, but the signature or timestamp is wrong: Bolt checks again and answers 401 as it always has.
    if (HTTPModuleFunctions.isBufferedIncomingMessage(req)) return true;
    const status = HTTPModuleFunctions.isRawBodyError(error) ? error.statusCode : 400;
    // A chunked body that passed the cap: reading stopped there (raw-body pauses the stream).
    if (status === 413) {
      refuseTooLarge(res, bodyLimit, log);
      return false;
    }
    // The body could not be read at all (aborted, bad encoding): answer here, since the stream is
    // spent and Bolt could not read it again.
    log.warn({ err: error, status }, 'could not read a Slack request body');
    answer(res, status >= 400 && status < 500 ? status : 400, 'unreadable request body');
    return false;
  }
  let body: unknown;
  try {
    body = HTTPModuleFunctions.parseHTTPRequestBody(buffered);
  } catch {
    log.warn('a signed Slack request whose body is not valid JSON or form data');
    answer(res, 400, 'malformed request body');
    return false;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    log.warn(
      { bodyType: body === null ? 'null' : Array.isArray(body) ? 'array' : typeof body },
      'a signed Slack request whose body is not an object',
    );
    answer(res, 400, 'the request body is not a JSON object');
    return false;
  }
  return true;
}

/**
 * The receiver's handler for what App.processEvent throws. The app's error handler (app.error) takes
 * every error of a middleware or listener and does not throw, so a TypeError that still reaches here
 * was thrown by Bolt itself, reading the shape of an object body before any listener ran: `actions`
 * that is not an array, `user` or `channel` that is null, `event` that is not an object. Bolt's default
 * answers those 500; the request is at fault, so answer 400. Anything else keeps Bolt's default.
 */
export function answerUnreadablePayloads(log: Logger) {
  return async (args: ReceiverProcessEventErrorHandlerArgs): Promise<boolean> => {
    if (args.response.headersSent || !(args.error instanceof TypeError))
      return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
    log.warn({ err: args.error }, 'a signed Slack request whose payload has the wrong shape');
    answer(args.response, 400, 'malformed Slack payload');
    // Answered: Bolt marks the request acknowledged, so its 3 s fallback does not answer again.
    return true;
  };
}

/** The same match as Bolt's: a POST to one of the event endpoints. */
function isEventPost(req: IncomingMessage, endpoints: string[]): boolean {
  if (req.method?.toUpperCase() !== 'POST') return false;
  try {
    return endpoints.includes(new URL(req.url ?? '/', 'http://localhost').pathname);
  } catch {
    return false;
  }
}

/**
 * 413, and the connection is closed after the answer: the rest of the body is never read (keeping
 * the connection would make Node read and discard it to find the next request).
 */
function refuseTooLarge(res: ServerResponse, bodyLimit: number, log: Logger): void {
  log.warn({ bodyLimit }, 'a Slack request body over the limit was refused unread');
  answer(res, 413, `request body over ${bodyLimit / 1024} KB`, { connection: 'close' });
}

function answer(
  res: ServerResponse,
  status: number,
  message: string,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers });
  res.end(message);
}
