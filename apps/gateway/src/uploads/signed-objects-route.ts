import { openSignedObject, signedObjectPath, type ObjectStore } from '@nxg/platform';
import type { FastifyInstance } from 'fastify';

/**
 * `GET /v1/objects/<key>?expires=…&signature=…`: the local store's stand-in for S3 presigned URLs.
 * A service hands out a URL signed with the shared secret; here it is checked and the object
 * streamed, with no token (the signature is the permission, and it expires within minutes).
 */
export async function signedObjectsRoute(
  app: FastifyInstance,
  options: { store: ObjectStore; secret: string },
) {
  app.get(
    `${signedObjectPath}/*`,
    { schema: { hide: true } as object, config: { rateLimit: false } },
    async (request, reply) => {
      const read = await openSignedObject(options.store, options.secret, request.url);
      if (!read.ok) {
        request.log.info({ reason: read.reason }, 'signed object URL refused');
        return reply
          .status(read.status)
          .type('application/problem+json')
          .send({
            type: 'about:blank',
            title: read.status === 404 ? 'Not Found' : 'Forbidden',
            status: read.status,
            detail: read.status === 404 ? 'No such object' : 'The link is not valid or has expired',
            code: read.status === 404 ? 'NOT_FOUND' : 'FORBIDDEN',
            requestId: String(request.id),
          });
      }
      return reply
        .header('content-type', read.info.contentType)
        .header('content-length', String(read.info.size))
        .header('cache-control', 'private, max-age=60')
        .send(read.body);
    },
  );
}
