/**
 * Messages sent during one event-loop turn leave in one socket write. nats.js flushes its
 * outbound buffer at the next microtask checkpoint, and every HTTP request or NATS message is
 * handled in an I/O callback of its own, so each request to a service and each reply went out in a
 * write (and a system call waking nats-server) of its own: at a few thousand a second, the largest
 * single cost of the gateway and of a service. Sends queued here run together once the turn's I/O
 * callbacks are done (`setImmediate`), so nats.js flushes them at once — the coalescing the NATS
 * clients of other languages get from a flusher thread. It delays a message by less than a turn.
 */
const queue: Array<() => void> = [];
let scheduled = false;

function sendAll(): void {
  scheduled = false;
  // Sends queued by these sends (none today) wait for the next turn.
  for (const send of queue.splice(0)) send();
}

/** Runs `send` (a publish or a reply) with the other sends of this turn. */
export function sendThisTurn(send: () => void): void {
  queue.push(send);
  if (!scheduled) {
    scheduled = true;
    setImmediate(sendAll);
  }
}
