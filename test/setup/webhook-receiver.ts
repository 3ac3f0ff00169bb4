// A real HTTP receiver for webhook tests: records every request and answers what the test scripts.
import { createServer, type IncomingHttpHeaders } from 'node:http';

export interface ReceivedWebhook {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface WebhookReceiver {
  url(path?: string): string;
  received: ReceivedWebhook[];
  /** Answers for the next requests to `path`, in order; afterwards 200. */
  answer(path: string, ...answers: { status: number; body?: string; headers?: Record<string, string> }[]): void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const scripted = new Map<string, { status: number; body?: string; headers?: Record<string, string> }[]>();
  const server = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (body += c));
    req.on('end', () => {
      const path = req.url ?? '/';
      received.push({ path, headers: req.headers, body });
      const next = scripted.get(path)?.shift() ?? { status: 200, body: 'ok' };
      res.writeHead(next.status, next.headers).end(next.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: (path = '/hook') => `http://127.0.0.1:${port}${path}`,
    received,
    answer: (path, ...answers) => scripted.set(path, answers),
    close: () => new Promise((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}
