export {
  checkKey,
  ObjectNotFoundError,
  ObjectStoreUnavailableError,
  ObjectTooLargeError,
  type ObjectInfo,
  type ObjectStore,
  type PutOptions,
} from './object-store.ts';
export { createLocalObjectStore, type LocalObjectStoreOptions } from './local-object-store.ts';
export {
  cacheUploadJournal,
  type StoredPart,
  type UploadJournal,
  type UploadProgress,
} from './resumable-upload.ts';
export { createS3ObjectStore, type S3ObjectStoreOptions } from './s3-object-store.ts';
export { localUrlSecret, openObjectStore } from './open-object-store.ts';
export { StorageConfig } from './storage-config.ts';
export { signedObjectPath, signObjectUrl, verifySignedObjectUrl, type SignedUrlCheck } from './signed-url.ts';
export { openSignedObject, type SignedObjectRead } from './signed-object-reader.ts';
