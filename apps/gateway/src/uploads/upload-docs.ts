import type { UploadSpec } from '@nxg/contracts';

/** The OpenAPI request body of an upload route: the file field beside the form's text fields. */
export function multipartDocs(spec: UploadSpec) {
  return {
    type: 'object',
    required: [spec.fileField],
    properties: {
      [spec.fileField]: {
        type: 'string',
        format: 'binary',
        description: `A JPEG, PNG or WebP image of at most ${spec.maxBytes} bytes, judged by its content`,
      },
      ...spec.fields.properties,
    },
  };
}
