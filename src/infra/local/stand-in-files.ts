import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './http-utils.js';
import { botUser, type LocalFile, type MessageStore } from './message-store.js';

// biome-ignore lint/suspicious/noExplicitAny: Slack payloads are open-ended JSON.
type Json = any;
type Args = Record<string, Json>;

/**
 * files.uploadV2 is three calls: get an upload URL, POST the bytes there, complete the upload
 * (which shares the file in a channel). The legacy files.upload is one. Shared files show as a
 * message with a download link.
 */
export function createFileStandIn(input: { store: MessageStore; publicUrl: string }) {
  const { store, publicUrl } = input;
  const uploads = new Map<string, { name: string; content?: Buffer }>();
  const newId = () => `F${randomBytes(5).toString('hex').toUpperCase()}`;

  const fileOf = (id: string, title?: unknown): LocalFile => {
    const upload = uploads.get(id);
    const name = upload?.name ?? id;
    return {
      id,
      name,
      title: typeof title === 'string' && title !== '' ? title : name,
      size: upload?.content?.length ?? 0,
      url: `${publicUrl}/api/_files/${id}`,
    };
  };

  const share = (files: LocalFile[], args: Args): Json => {
    const channel = args.channel_id ?? args.channels ?? args.channel;
    if (typeof channel !== 'string' || channel === '') return { ok: true, files };
    store.add({
      channel: channel.split(',')[0] as string,
      ...(typeof args.thread_ts === 'string' ? { thread_ts: args.thread_ts } : {}),
      text: typeof args.initial_comment === 'string' ? args.initial_comment : '',
      blocks: [],
      author: botUser.id,
      kind: 'message',
      ephemeral: false,
      files,
    });
    return { ok: true, files };
  };

  const methods: Record<string, (args: Args) => Json> = {
    'files.getUploadURLExternal': (args) => {
      const id = newId();
      uploads.set(id, { name: typeof args.filename === 'string' ? args.filename : id });
      return { ok: true, file_id: id, upload_url: `${publicUrl}/api/_upload/${id}` };
    },
    'files.completeUploadExternal': (args) => {
      const requested: Json[] = Array.isArray(args.files) ? args.files : [];
      return share(
        requested.map((file) => fileOf(String(file.id), file.title)),
        args,
      );
    },
    'files.upload': (args) => {
      const id = newId();
      const name = typeof args.filename === 'string' ? args.filename : 'file.txt';
      uploads.set(id, {
        name,
        ...(typeof args.content === 'string' ? { content: Buffer.from(args.content) } : {}),
      });
      return { ok: true, file: share([fileOf(id, args.title)], args).files[0] };
    },
  };

  return {
    methods,
    /** The upload URL (`_upload/<id>`) and download link (`_files/<id>`); false for any other path. */
    transfer(req: IncomingMessage, res: ServerResponse, path: string, body: Buffer): boolean {
      const [kind, id = ''] = path.split('/');
      const upload = uploads.get(id);
      if (kind === '_upload') {
        if (!upload) sendJson(res, 404, { ok: false, error: 'file_not_found' });
        else {
          upload.content = fileContent(req.headers['content-type'], body);
          res.writeHead(200, { 'content-type': 'text/plain' });
          res.end(`OK - ${body.length}`);
        }
        return true;
      }
      if (kind === '_files' && req.method === 'GET') {
        if (!upload?.content) sendJson(res, 404, { ok: false, error: 'file_not_found' });
        else {
          res.writeHead(200, {
            'content-type': 'text/plain; charset=utf-8',
            'x-content-type-options': 'nosniff',
            'content-disposition': `attachment; filename="${upload.name.replace(/[^\w.-]/g, '_')}"`,
          });
          res.end(upload.content);
        }
        return true;
      }
      return false;
    },
  };
}

/** The bytes of the uploaded file: the first file part of a multipart body, or the raw body. */
function fileContent(contentType: string | undefined, body: Buffer): Buffer {
  const boundary = /boundary="?([^";]+)"?/.exec(contentType ?? '')?.[1];
  if (!contentType?.startsWith('multipart/form-data') || !boundary) return body;
  const delimiter = Buffer.from(`--${boundary}`);
  let start = body.indexOf(delimiter);
  while (start >= 0) {
    const headersEnd = body.indexOf('\r\n\r\n', start);
    const next = body.indexOf(delimiter, start + delimiter.length);
    if (headersEnd < 0 || next < 0) break;
    const headers = body.subarray(start, headersEnd).toString('utf8');
    // The part ends with CRLF before the next delimiter.
    if (/filename=/i.test(headers)) return body.subarray(headersEnd + 4, next - 2);
    start = next;
  }
  return body;
}
