import { mkdtemp, rm } from 'node:fs/promises';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// s3rver ships no types; what we use of it is typed here.
// @ts-expect-error -- untyped CommonJS module
import S3rver from 's3rver';

interface S3rverServer {
  run(): Promise<{ port: number }>;
  close(): Promise<void>;
}

/** How the stand-in answers from now on. */
export type S3StandInBehaviour =
  | { mode: 'healthy' }
  /** Accepts the request and never answers (until `behave` or `close`). */
  | { mode: 'stall'; times?: number }
  /** Answers this status with an S3 error document, without passing the request on. */
  | { mode: 'fail'; status: 500 | 503; times?: number };

export interface S3StandInRequest {
  method: string;
  /** Path and query, e.g. `/bucket/key?uploadId=…`. */
  url: string;
  status?: number;
}

export interface S3StandIn {
  /** `http://127.0.0.1:<port>`: the S3 endpoint (path-style). */
  readonly endpoint: string;
  readonly bucket: string;
  readonly region: string;
  /** The credentials s3rver checks signatures with. */
  readonly credentials: { accessKeyId: string; secretAccessKey: string };
  behave(behaviour: S3StandInBehaviour): void;
  requests(): S3StandInRequest[];
  close(): Promise<void>;
}

const errorDocument = (status: number) => {
  const code = status === 503 ? 'SlowDown' : 'InternalError';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>stand-in told to fail</Message><RequestId>standin</RequestId></Error>`;
};

/**
 * S3, locally: s3rver (a real S3 protocol implementation over a temporary directory) behind a small
 * proxy that records requests and can be told to stall or answer 500/503, so the real AWS SDK
 * client is tested against real S3 behaviour and real failures.
 */
export async function startS3StandIn(options: { bucket?: string } = {}): Promise<S3StandIn> {
  const bucket = options.bucket ?? 'nxg-test';
  const directory = await mkdtemp(join(tmpdir(), 's3-stand-in-'));
  const s3rver = new S3rver({
    address: '127.0.0.1',
    port: 0,
    silent: true,
    directory,
    configureBuckets: [{ name: bucket }],
  }) as S3rverServer;
  const { port: s3rverPort } = await s3rver.run();

  let behaviour: S3StandInBehaviour = { mode: 'healthy' };
  const recorded: S3StandInRequest[] = [];
  const stalled = new Set<ServerResponse>();
  const sockets = new Set<Socket>();

  const next = () => {
    const current = behaviour;
    if (current.mode !== 'healthy' && current.times !== undefined) {
      current.times--;
      if (current.times <= 0) behaviour = { mode: 'healthy' };
    }
    return current;
  };

  const forward = (req: IncomingMessage, res: ServerResponse, entry: S3StandInRequest) => {
    const upstream = httpRequest(
      { host: '127.0.0.1', port: s3rverPort, method: req.method, path: req.url, headers: req.headers },
      (answer) => {
        entry.status = answer.statusCode;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.destroy());
    req.pipe(upstream);
  };

  const proxy = createServer((req, res) => {
    const entry: S3StandInRequest = { method: req.method ?? 'GET', url: req.url ?? '/' };
    recorded.push(entry);
    const current = next();
    if (current.mode === 'stall') {
      // Reads what is sent, answers nothing.
      req.resume();
      stalled.add(res);
      res.on('close', () => stalled.delete(res));
      return;
    }
    if (current.mode === 'fail') {
      req.resume();
      entry.status = current.status;
      res.writeHead(current.status, { 'content-type': 'application/xml' });
      res.end(errorDocument(current.status));
      return;
    }
    forward(req, res, entry);
  });
  proxy.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as { port: number };

  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    region: 'us-east-1',
    credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    behave(nextBehaviour) {
      behaviour = { ...nextBehaviour };
      if (nextBehaviour.mode === 'healthy') for (const res of stalled) res.destroy();
    },
    requests: () => [...recorded],
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => proxy.close(() => resolve()));
      await s3rver.close();
      await rm(directory, { recursive: true, force: true });
    },
  };
}
