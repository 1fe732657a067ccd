import { openSignedObject, signedObjectPath, type ObjectStore } from '@nxg/platform';
import type { FastifyInstance } from 'fastify';

/**
 * `GET /v1/objects/*` for the local object store: the short-lived signed links services hand out
 * (avatars, photos) are checked here and the object streamed back. With S3 the links are S3's own.
 */
export function registerSignedObjectRoute(app: FastifyInstance, objects: ObjectStore, secret: string): void {
  app.get(`${signedObjectPath}/*`, { schema: { hide: true } as object }, async (request, reply) => {
    const read = await openSignedObject(objects, secret, request.url);
    if (!read.ok) {
      request.log.info({ reason: read.reason }, 'signed object link refused');
      return reply
        .status(read.status)
        .type('application/problem+json')
        .send({
          type: 'about:blank',
          title: read.status === 404 ? 'Not Found' : 'Forbidden',
          status: read.status,
          detail:
            read.status === 404 ? 'The object no longer exists' : 'The link is not valid or has expired',
          code: read.status === 404 ? 'NOT_FOUND' : 'FORBIDDEN',
          requestId: String(request.id),
        });
    }
    return reply
      .header('content-type', read.info.contentType)
      .header('content-length', String(read.info.size))
      .header('cache-control', 'private, max-age=60')
      .send(read.body);
  });
}
