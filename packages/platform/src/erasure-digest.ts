import { createHash } from 'node:crypto';

/**
 * What a service keeps of a member identity erased (a tombstone, so a late or replayed event about
 * them stores nothing again): the id's SHA-256, never the id itself, which must not outlive the
 * erasure. A later event's id hashes to the same digest.
 */
export const erasureDigest = (userId: string) => createHash('sha256').update(userId).digest('hex');
