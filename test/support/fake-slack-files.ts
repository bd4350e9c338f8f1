import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FakeSlack } from './fake-slack.js';

// biome-ignore lint/suspicious/noExplicitAny: Slack payloads are open-ended JSON; tests index into them freely.
type Json = any;
type Args = Record<string, unknown>;

/**
 * The answers files.uploadV2 needs: files.getUploadURLExternal hands out an id and an upload URL,
 * the bytes are POSTed there, files.completeUploadExternal shares them. The upload URL is one of
 * the fake's /response/ paths (`upload-<id>/<filename>`), so the fake records the bytes in
 * `responses` without a route of its own.
 *
 * Hook into test/support/fake-slack.ts by spreading into its `methods`:
 *   ...fakeFileMethods((path) => `${baseUrl}/response/${path}`),
 */
export function fakeFileMethods(
  responsePath: (path: string) => string,
): Record<string, (args: Args) => Json> {
  const issued = new Map<string, string>();
  let counter = 0;
  return {
    'files.getUploadURLExternal': (args) => {
      const filename = typeof args.filename === 'string' ? args.filename : '';
      const length = Number(args.length);
      if (!filename || !Number.isInteger(length) || length <= 0)
        return { ok: false, error: 'invalid_arguments' };
      counter += 1;
      const id = `FUPLOAD${counter}`;
      issued.set(id, filename);
      return {
        ok: true,
        file_id: id,
        upload_url: responsePath(`upload-${id}/${encodeURIComponent(filename)}`),
      };
    },
    'files.completeUploadExternal': (args) => {
      const requested: Json[] = Array.isArray(args.files) ? args.files : [];
      if (requested.length === 0) return { ok: false, error: 'invalid_arguments' };
      const unknown = requested.find((file) => !issued.has(String(file?.id)));
      if (unknown) return { ok: false, error: 'file_not_found' };
      return {
        ok: true,
        files: requested.map((file) => {
          const name = issued.get(String(file.id)) as string;
          return { id: String(file.id), name, title: typeof file.title === 'string' ? file.title : name };
        }),
      };
    },
  };
}

export interface UploadedFile {
  fileId: string;
  filename: string;
  title?: string;
  channel?: string;
  threadTs?: string;
  initialComment?: string;
  /** The POSTed body as text (a multipart form from @slack/web-api); binary content comes out mangled. */
  body: string;
}

/** The files shared through the fake: each upload's bytes joined with the completion that shared it. */
export function uploadedFiles(slack: FakeSlack): UploadedFile[] {
  const completions = slack.callsOf('files.completeUploadExternal');
  return slack.responses.flatMap((response) => {
    const match = /\/response\/upload-(F\w+)\/([^/]+)$/.exec(response.url);
    if (!match) return [];
    const fileId = match[1] as string;
    const completion = completions.find((call) =>
      (Array.isArray(call.args.files) ? call.args.files : []).some((file: Json) => file?.id === fileId),
    );
    const shared = (completion?.args.files as Json[] | undefined)?.find((file: Json) => file?.id === fileId);
    const text = (value: unknown) => (typeof value === 'string' ? value : undefined);
    const file: UploadedFile = {
      fileId,
      filename: decodeURIComponent(match[2] as string),
      body: typeof response.body === 'string' ? response.body : JSON.stringify(response.body),
    };
    const title = text(shared?.title);
    const channel = text(completion?.args.channel_id);
    const threadTs = text(completion?.args.thread_ts);
    const initialComment = text(completion?.args.initial_comment);
    if (title) file.title = title;
    if (channel) file.channel = channel;
    if (threadTs) file.threadTs = threadTs;
    if (initialComment) file.initialComment = initialComment;
    return [file];
  });
}

/**
 * Until fakeFileMethods is hooked into fake-slack.ts: a front for the fake that forwards every Web
 * API call (so `calls` records it) and fills in the files.* answers the fake leaves bare.
 */
export async function startFileUploadFront(
  slack: FakeSlack,
): Promise<{ url: string; close(): Promise<void> }> {
  const methods = fakeFileMethods((path) => `${slack.baseUrl}/response/${path}`);
  const server = createServer((req, res) => {
    handle(req)
      .then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
        res.end(body);
      })
      .catch((error: unknown) => {
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ ok: false, error: 'front_crashed', detail: String(error) }));
      });
  });
  const handle = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const name of ['content-type', 'authorization']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers[name] = value;
    }
    const forwarded = await fetch(`${slack.baseUrl}${req.url ?? '/'}`, {
      method: req.method ?? 'POST',
      headers,
      ...(raw.length > 0 ? { body: raw } : {}),
    });
    const text = await forwarded.text();
    const method = new URL(req.url ?? '/', 'http://front').pathname.replace(/^\/api\//, '');
    const handler = methods[method];
    if (!handler || forwarded.status !== 200) return { status: forwarded.status, body: text };
    const answer = JSON.parse(text) as Json;
    // Already hooked into the fake: its own answer stands.
    if (answer.file_id || answer.files || answer.ok === false) return { status: 200, body: text };
    return {
      status: 200,
      body: JSON.stringify(handler(argsOf(headers['content-type'], raw.toString('utf8')))),
    };
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeAllConnections();
      await closed;
    },
  };
}

function argsOf(contentType: string | undefined, body: string): Args {
  if (body === '') return {};
  if (contentType?.includes('application/json')) return JSON.parse(body);
  const args: Args = {};
  for (const [key, value] of new URLSearchParams(body)) {
    try {
      args[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    } catch {
      args[key] = value;
    }
  }
  return args;
}
