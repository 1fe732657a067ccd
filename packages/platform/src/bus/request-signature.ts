/**
 * Signatures of NATS requests and replies: a request is signed by its caller over subject, caller,
 * time and payload; a reply by the serving service, bound to the request it answers.
 */
import { headers as natsHeaders, type Msg, type MsgHdrs } from '@nats-io/transport-node';
import { CommonErrorCodes } from '@nxg/contracts';
import { AppError } from '../errors.ts';
import { CALLER_HEADER, ISSUED_AT_HEADER, SIGNATURE_HEADER, type BusIdentity } from './bus-identity.ts';

/** How far a request's `issuedAt` may be from the serving replica's clock (replays, clock skew). */
export const SIGNATURE_WINDOW_MS = 30_000;

/** What a request signature covers besides the payload bytes; a reply's also names the request's. */
const requestLabel = (subject: string, caller: string, issuedAt: string) =>
  `req\n${subject}\n${caller}\n${issuedAt}\n`;
const replyLabel = (subject: string, requestSignature: string) => `rep\n${subject}\n${requestSignature}\n`;

const untrusted = (message: string) => new AppError(401, CommonErrorCodes.UNTRUSTED_CALLER, message);

/**
 * Signs a request's exact payload bytes as `identity` for `subject` (the operation's subject,
 * outside any namespace): caller, time and signature go in the headers given (or new ones).
 */
export function signRequest(
  identity: BusIdentity,
  subject: string,
  payload: Uint8Array,
  headers: MsgHdrs = natsHeaders(),
  issuedAt: number = Date.now(),
): MsgHdrs {
  const at = String(issuedAt);
  headers.set(CALLER_HEADER, identity.service);
  headers.set(ISSUED_AT_HEADER, at);
  headers.set(SIGNATURE_HEADER, identity.sign(requestLabel(subject, identity.service, at), payload));
  return headers;
}

/** The service that signed a request, if its signature is valid and current; a 401 otherwise. */
export function verifiedCaller(identity: BusIdentity, subject: string, msg: Msg): string {
  const caller = msg.headers?.get(CALLER_HEADER);
  const issuedAt = msg.headers?.get(ISSUED_AT_HEADER);
  const signature = msg.headers?.get(SIGNATURE_HEADER);
  if (!caller || !issuedAt || !signature) throw untrusted('The request is not signed by a platform service');
  const age = Date.now() - Number(issuedAt);
  if (!(Math.abs(age) <= SIGNATURE_WINDOW_MS)) throw untrusted('The request signature is not current');
  if (!identity.verify(caller, requestLabel(subject, caller, issuedAt), msg.data, signature)) {
    throw untrusted('The request signature is not valid');
  }
  return caller;
}

/** Signs a reply as the serving service, bound to the request it answers (by that one's signature). */
export function signReply(
  identity: BusIdentity,
  subject: string,
  request: Msg,
  payload: Uint8Array,
): MsgHdrs {
  const headers = natsHeaders();
  headers.set(CALLER_HEADER, identity.service);
  const label = replyLabel(subject, request.headers?.get(SIGNATURE_HEADER) ?? '');
  headers.set(SIGNATURE_HEADER, identity.sign(label, payload));
  return headers;
}

/** Whether a reply was signed by `service` for the request that carried `requestSignature`. */
export function replySignedBy(
  identity: BusIdentity,
  service: string,
  subject: string,
  requestSignature: string,
  reply: Msg,
): boolean {
  const signature = reply.headers?.get(SIGNATURE_HEADER);
  return (
    !!signature && identity.verify(service, replyLabel(subject, requestSignature), reply.data, signature)
  );
}
