import { codesOf, type ErrorCatalog } from '../errors.ts';

/**
 * Codes of multipart uploads the gateway takes (meal photos today; scans and avatars later). The
 * image is judged by its content, never by the declared type or the file name.
 */
export const uploadErrorCatalog = {
  UPLOAD_NOT_MULTIPART: { status: 415, description: 'The body is not sent as multipart/form-data' },
  UPLOAD_MALFORMED: {
    status: 400,
    description: 'The multipart body is malformed or ended before its closing boundary',
  },
  UPLOAD_FILE_MISSING: {
    status: 400,
    description: 'No file part came with the request (a text field where the file belongs counts as none)',
  },
  UPLOAD_FILE_EMPTY: { status: 400, description: 'The file part holds no bytes' },
  UPLOAD_TOO_MANY_FILES: { status: 400, description: 'More than one file was sent; send exactly one' },
  UPLOAD_UNKNOWN_FIELD: { status: 400, description: 'A form field this upload does not take was sent' },
  UPLOAD_TOO_LARGE: {
    status: 413,
    description:
      'The file is larger than this upload accepts; it was refused as soon as the limit was passed',
  },
  IMAGE_UNSUPPORTED: {
    status: 415,
    description:
      'The file is not a JPEG, PNG or WebP image by its content (its declared type and name are not looked at)',
  },
  IMAGE_TOO_MANY_PIXELS: {
    status: 422,
    description: 'The image declares more pixels than are accepted (a decompression bomb is refused unread)',
  },
  IMAGE_CORRUPT: { status: 422, description: 'The image is truncated or cannot be decoded' },
} as const satisfies ErrorCatalog;
export const UploadErrors = codesOf(uploadErrorCatalog);
